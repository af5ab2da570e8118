"""Server-side login sessions: opened at login, checked on every request and socket event, deleted at logout.

The signed session cookie holds ``SESSION_KEY``: a random token whose SHA-256
is a row of ``user_sessions``. Logging out deletes the row, so a copy of the
old cookie (and its CSRF token) no longer authenticates anything. A session
lasts at most ``PERMANENT_SESSION_LIFETIME`` from its login; a user's expired
rows are deleted at their next login.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app

from ..extensions import db
from ..models import User, UserSession
from . import clock

SESSION_KEY = "session_token"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _oldest_open() -> datetime:
    lifetime: timedelta = current_app.config["PERMANENT_SESSION_LIFETIME"]
    return clock.now() - lifetime


def open_session(user_id: int) -> str:
    """A new session for ``user_id``; returns the token to keep in the cookie (the caller commits)."""
    db.session.execute(
        db.delete(UserSession).where(UserSession.user_id == user_id, UserSession.created_at <= _oldest_open())
    )
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=token_hash(token), user_id=user_id, created_at=clock.now()))
    db.session.flush()
    return token


def user_of(user_id: str, token: object) -> User | None:
    """The user of a cookie's (user id, token), or None when the session was closed or never existed."""
    if not user_id.isdigit() or not isinstance(token, str):
        return None
    user: User | None = db.session.scalar(
        db.select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == int(user_id),
            UserSession.token_hash == token_hash(token),
            UserSession.created_at > _oldest_open(),
        )
    )
    return user


def close_session(token: object) -> str | None:
    """End a session (the caller commits); returns its hash, or None if there was none."""
    if not isinstance(token, str):
        return None
    hashed = token_hash(token)
    db.session.execute(db.delete(UserSession).where(UserSession.token_hash == hashed))
    return hashed


def open_among(hashes: Iterable[str]) -> set[str]:
    """Those of these session hashes that are still open."""
    wanted = set(hashes)
    if not wanted:
        return set()
    query = db.select(UserSession.token_hash).where(
        UserSession.token_hash.in_(wanted), UserSession.created_at > _oldest_open()
    )
    return set(db.session.scalars(query))

"""Sign up, log in, log out, and the session the client starts from."""

from __future__ import annotations

from flask import current_app, request, session
from flask_login import current_user, login_user, logout_user
from spectree import Response

from ..events import connections
from ..extensions import db, limiter, socketio, spec
from ..models import User
from ..services import accounts, sessions
from . import SIGNUPS_BUSY, bp, csrf_token, rotate_csrf_token
from .access import require_user
from .schemas import ErrorReply, LoginIn, SessionOut, SignupConfirmIn, SignupIn, SignupOut, UserOut


def user_out(user: User) -> UserOut:
    return UserOut(id=user.id, display_name=user.display_name, email=user.email, has_account=user.has_account)


def session_out() -> SessionOut:
    user = current_user if current_user.is_authenticated else None
    return SessionOut(user=user_out(user) if user else None, csrf_token=csrf_token())


SCOPE_KEY = "scope"


def start_session(user: User, scope: frozenset[int] | None = None) -> SessionOut:
    """Log ``user`` in on this browser with a fresh CSRF token and a new server-side session.

    ``scope`` limits the session to these dossiers (a re-entry link's); logging in with a
    password starts an unlimited one.
    """
    session.clear()
    login_user(user)
    session[sessions.SESSION_KEY] = sessions.open_session(user.id)
    db.session.commit()
    session.permanent = True
    if scope is not None:
        session[SCOPE_KEY] = sorted(scope)
    user.session_scope = scope
    rotate_csrf_token()
    return session_out()


def session_scope() -> frozenset[int] | None:
    """The dossiers this browser's session is limited to, if a re-entry link opened it."""
    scope = session.get(SCOPE_KEY)
    return None if scope is None else frozenset(int(dossier_id) for dossier_id in scope)


@bp.get("/auth/session")
@spec.validate(resp=Response(HTTP_200=SessionOut), tags=["auth"])
def get_session() -> SessionOut:
    return session_out()


def credentials_rate_limit() -> str:
    """One limit per client address for every route that checks or sets a password, or opens a
    session from a link (each argon2 hash costs tens of milliseconds of CPU)."""
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def signups_rate_limit() -> str:
    """One limit for the sign-ups of every address together (see config SIGNUP_RATE_LIMIT_ALL)."""
    return str(current_app.config["SIGNUP_RATE_LIMIT_ALL"])


@bp.post("/auth/signup")
@limiter.limit(credentials_rate_limit)
@limiter.limit(signups_rate_limit, key_func=lambda: "everyone", scope="signups", error_message=SIGNUPS_BUSY)
@spec.validate(
    json=SignupIn,
    resp=Response(HTTP_202=SignupOut, HTTP_422=ErrorReply, HTTP_429=ErrorReply, HTTP_503=ErrorReply),
    tags=["auth"],
)
def signup(json: SignupIn) -> tuple[SignupOut, int]:
    """Send the address a link that creates the account (or, if it has one, a reminder to log in)."""
    base_url = current_app.config["PUBLIC_URL"] or request.host_url.rstrip("/")
    email = accounts.request_signup(json.email, json.password, json.display_name, base_url)
    return SignupOut(email=email), 202


@bp.post("/auth/signup/confirm")
@limiter.limit(credentials_rate_limit)
@spec.validate(
    json=SignupConfirmIn,
    resp=Response(
        HTTP_201=SessionOut, HTTP_400=ErrorReply, HTTP_409=ErrorReply, HTTP_410=ErrorReply, HTTP_429=ErrorReply
    ),
    tags=["auth"],
)
def confirm_signup(json: SignupConfirmIn) -> tuple[SessionOut, int]:
    return start_session(accounts.confirm_signup(json.token)), 201


@bp.post("/auth/login")
@limiter.limit(credentials_rate_limit)
@spec.validate(
    json=LoginIn,
    resp=Response(HTTP_200=SessionOut, HTTP_401=ErrorReply, HTTP_429=ErrorReply, HTTP_503=ErrorReply),
    tags=["auth"],
)
def login(json: LoginIn) -> SessionOut:
    return start_session(accounts.authenticate(json.email, json.password))


@bp.post("/auth/logout")
@spec.validate(resp=Response(HTTP_204=None, HTTP_401=ErrorReply), tags=["auth"])
def logout() -> tuple[str, int]:
    """End the session on the server: the old cookie and CSRF token stop working, its sockets close."""
    require_user()
    closed = sessions.close_session(session.get(sessions.SESSION_KEY))
    db.session.commit()
    if closed is not None:
        connections.end_session(socketio, closed)
    logout_user()
    session.clear()
    return "", 204

"""Sign up, log in, log out, and the session the client starts from."""

from __future__ import annotations

from flask import current_app, session
from flask_login import current_user, login_user, logout_user
from spectree import Response

from ..extensions import db, limiter, spec
from ..models import User
from ..services import accounts
from . import bp, csrf_token, rotate_csrf_token
from .access import require_user
from .schemas import ErrorReply, LoginIn, SessionOut, SignupIn, UserOut


def user_out(user: User) -> UserOut:
    return UserOut(id=user.id, display_name=user.display_name, email=user.email, has_account=user.has_account)


def session_out() -> SessionOut:
    user = current_user if current_user.is_authenticated else None
    return SessionOut(user=user_out(user) if user else None, csrf_token=csrf_token())


def start_session(user: User) -> SessionOut:
    """Log ``user`` in on this browser with a fresh CSRF token."""
    session.clear()
    login_user(user)
    session.permanent = True
    rotate_csrf_token()
    return session_out()


@bp.get("/auth/session")
@spec.validate(resp=Response(HTTP_200=SessionOut), tags=["auth"])
def get_session() -> SessionOut:
    return session_out()


@bp.post("/auth/signup")
@spec.validate(json=SignupIn, resp=Response(HTTP_201=SessionOut, HTTP_409=ErrorReply, HTTP_422=ErrorReply), tags=["auth"])
def signup(json: SignupIn) -> tuple[SessionOut, int]:
    user = accounts.create_account(json.email, json.password, json.display_name)
    db.session.commit()
    return start_session(user), 201


@bp.post("/auth/login")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@spec.validate(json=LoginIn, resp=Response(HTTP_200=SessionOut, HTTP_401=ErrorReply, HTTP_429=ErrorReply), tags=["auth"])
def login(json: LoginIn) -> SessionOut:
    return start_session(accounts.authenticate(json.email, json.password))


@bp.post("/auth/logout")
@spec.validate(resp=Response(HTTP_204=None, HTTP_401=ErrorReply), tags=["auth"])
def logout() -> tuple[str, int]:
    require_user()
    logout_user()
    session.clear()
    return "", 204

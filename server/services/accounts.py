"""Accounts: e-mail + password for leads and partners, display name only for guests."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from ..extensions import db
from ..models import User
from . import clock
from .errors import Conflict, InvalidInput, NotAuthenticated
from .offload import off_the_loop

MIN_PASSWORD_LENGTH = 10


@dataclass(frozen=True)
class PasswordHashing:
    """The app's argon2id hasher, and a hash to verify against when the e-mail is unknown
    (so that a login takes as long whether or not the account exists)."""

    hasher: PasswordHasher
    dummy_hash: str


def make_password_hashing(parameters: dict[str, int]) -> PasswordHashing:
    hasher = PasswordHasher(**parameters)
    return PasswordHashing(hasher, hasher.hash("codossier-timing-equaliser"))


def _hash(password: str) -> str:
    """The password's argon2id hash, computed off the event loop (see ``offload``)."""
    return off_the_loop(_hashing().hasher.hash, password, pool="passwords")


def _hashing() -> PasswordHashing:
    return current_app.extensions["codossier.password_hashing"]  # type: ignore[no-any-return]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters.",
            code="password_too_short",
            details=[{"field": "password", "message": "too short"}],
        )


def _email_is_free(email: str) -> None:
    if db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
        raise Conflict("An account with this e-mail already exists.", code="email_taken")


def create_account(email: str, password: str, display_name: str) -> User:
    email = normalise_email(email)
    _check_password(password)
    _email_is_free(email)
    user = User(
        email=email,
        password_hash=_hash(password),
        display_name=display_name.strip(),
        created_at=clock.now(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def create_guest(display_name: str) -> User:
    """A person without e-mail or password (beneficiaries, observers)."""
    user = User(display_name=display_name.strip(), created_at=clock.now())
    db.session.add(user)
    db.session.flush()
    return user


def upgrade_guest(user: User, email: str, password: str) -> User:
    """Give an account-less person an e-mail + password account, keeping their dossiers."""
    email = normalise_email(email)
    _check_password(password)
    _email_is_free(email)
    user.email = email
    user.password_hash = _hash(password)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User:
    hashing = _hashing()
    user = db.session.scalar(db.select(User).where(User.email == normalise_email(email)))
    stored = user.password_hash if user is not None else None
    try:
        off_the_loop(hashing.hasher.verify, stored or hashing.dummy_hash, password, pool="passwords")
    except (VerificationError, InvalidHashError):
        stored = None
    if user is None or stored is None:
        raise NotAuthenticated("Wrong e-mail or password.", code="invalid_credentials")
    if hashing.hasher.check_needs_rehash(stored):
        user.password_hash = _hash(password)
        db.session.commit()
    return user

"""Accounts: e-mail + password for leads and partners, display name only for guests."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TypedDict

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..extensions import db
from ..models import PendingSignup, User
from . import clock, mail
from .errors import Conflict, DomainError, Gone, InvalidInput, NotAuthenticated
from .offload import off_the_loop

MIN_PASSWORD_LENGTH = 10
SIGNUP_VALIDITY = timedelta(days=2)
_SIGNUP_SALT = "codossier.signup.v1"


@dataclass(frozen=True)
class PasswordHashing:
    """The app's argon2id hasher, and a hash to verify against when the e-mail is unknown
    (so that a login takes as long whether or not the account exists)."""

    hasher: PasswordHasher
    dummy_hash: str


class Argon2Parameters(TypedDict, total=False):
    """Costs that replace argon2's defaults (config ARGON2_PARAMETERS; the tests lower them)."""

    time_cost: int
    memory_cost: int
    parallelism: int
    hash_len: int
    salt_len: int


def make_password_hashing(parameters: Argon2Parameters) -> PasswordHashing:
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
    user: User | None = db.session.scalar(db.select(User).where(User.email == normalise_email(email)))
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


# --- sign-up by e-mail -------------------------------------------------------------------------


def _signup_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SIGNUP_SALT)


def request_signup(email: str, password: str, display_name: str, base_url: str) -> str:
    """Start a sign-up; returns the normalised address. Answers the same for any address.

    A new address gets a link that creates the account (``confirm_signup``); an address
    that already has an account gets a notice with the way to log in, so the reply tells a
    stranger nothing. The password is hashed in both cases, so both take as long.
    """
    email = normalise_email(email)
    _check_password(password)
    password_hash = _hash(password)
    now = clock.now()
    db.session.execute(db.delete(PendingSignup).where(PendingSignup.expires_at < now))
    if db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
        db.session.commit()
        mail.send(
            email,
            "Codossier : vous avez déjà un compte / you already have an account",
            f"Bonjour,\n\nQuelqu'un (vous, peut-être) a voulu créer un compte Codossier avec cette adresse, "
            f"qui en a déjà un. Pour vous connecter : {base_url}/login\n"
            "Si ce n'était pas vous, vous n'avez rien à faire : votre compte n'a pas changé.\n\n"
            "Hello,\n\nSomeone (perhaps you) tried to create a Codossier account with this address, which "
            f"already has one. To log in: {base_url}/login\n"
            "If it was not you, there is nothing to do: your account has not changed.\n",
        )
        return email
    pending = PendingSignup(
        email=email,
        display_name=display_name.strip(),
        password_hash=password_hash,
        nonce=secrets.token_urlsafe(24),
        created_at=now,
        expires_at=now + SIGNUP_VALIDITY,
    )
    db.session.add(pending)
    db.session.commit()
    link = f"{base_url}/signup/{_signup_serializer().dumps([pending.id, pending.nonce])}"
    mail.send(
        email,
        "Codossier : activez votre compte / activate your account",
        f"Bonjour {pending.display_name},\n\nPour activer votre compte Codossier, ouvrez ce lien "
        f"(valable 2 jours) :\n{link}\nSi vous n'avez rien demandé, ignorez ce message.\n\n"
        f"Hello {pending.display_name},\n\nTo activate your Codossier account, open this link "
        f"(valid for 2 days):\n{link}\nIf you did not ask for it, ignore this message.\n",
    )
    return email


def confirm_signup(token: str) -> User:
    """Create the account of a sign-up whose link was opened (once; the address may not be taken since)."""
    try:
        pending_id, nonce = _signup_serializer().loads(token)
    except (BadSignature, ValueError, TypeError) as exc:
        raise DomainError("This link is not a valid Codossier link.", code="signup_invalid") from exc
    pending = db.session.scalar(db.select(PendingSignup).where(PendingSignup.id == pending_id).with_for_update())
    if pending is None or not hmac.compare_digest(pending.nonce, str(nonce)) or clock.now() >= pending.expires_at:
        raise Gone("This link has expired or was already used: sign up again.", code="signup_expired")
    _email_is_free(pending.email)
    user = User(
        email=pending.email,
        password_hash=pending.password_hash,
        display_name=pending.display_name,
        created_at=clock.now(),
    )
    db.session.add(user)
    db.session.execute(db.delete(PendingSignup).where(PendingSignup.email == pending.email))
    db.session.commit()
    return user

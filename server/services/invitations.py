"""Invitation links (carry a role) and personal re-entry links (carry a person).

A link is ``/join/<token>``; the token signs the row id and a random nonce.
Expiry, single use and revocation are decided by the row, under a row lock,
so a link cannot be used twice even by two requests at the same instant.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..extensions import db
from ..models import Dossier, Invitation, InvitationKind, Membership, Role, User
from . import accounts, clock
from .dossiers import lock_dossier
from .errors import Conflict, DomainError, Forbidden, Gone, InvalidInput, NotAuthenticated, NotFound
from .members import member

INVITABLE_ROLES = (Role.PARTNER, Role.BENEFICIARY, Role.OBSERVER)
MAX_VALIDITY_DAYS = 90
_SALT = "codossier.invitation.v1"


class InvitationStatus(StrEnum):
    PENDING = "pending"
    USED = "used"
    REVOKED = "revoked"
    EXPIRED = "expired"


def status(invitation: Invitation) -> InvitationStatus:
    if invitation.revoked_at is not None:
        return InvitationStatus.REVOKED
    if invitation.used_at is not None:
        return InvitationStatus.USED
    if clock.now() >= invitation.expires_at:
        return InvitationStatus.EXPIRED
    return InvitationStatus.PENDING


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def token_for(invitation: Invitation) -> str:
    return _serializer().dumps([invitation.id, invitation.nonce])


def link_for(invitation: Invitation) -> str:
    return f"/join/{token_for(invitation)}"


def _validity(days: int) -> timedelta:
    if not 1 <= days <= MAX_VALIDITY_DAYS:
        raise InvalidInput(
            f"A link is valid from 1 to {MAX_VALIDITY_DAYS} days.",
            details=[{"field": "expires_in_days", "message": f"between 1 and {MAX_VALIDITY_DAYS}"}],
        )
    return timedelta(days=days)


def _new_link(dossier: Dossier, creator: User, days: int, **fields: object) -> Invitation:
    now = clock.now()
    invitation = Invitation(
        dossier_id=dossier.id,
        nonce=secrets.token_urlsafe(24),
        created_by_id=creator.id,
        created_at=now,
        expires_at=now + _validity(days),
        **fields,
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation


def create_invitation(
    dossier_id: int,
    creator: User,
    role: Role,
    expires_in_days: int,
    label: str | None = None,
    email: str | None = None,
) -> Invitation:
    if role not in INVITABLE_ROLES:
        raise InvalidInput(
            "An invitation is for a partner, a beneficiary or an observer.",
            details=[{"field": "role", "message": "not invitable"}],
        )
    dossier = lock_dossier(dossier_id)
    return _new_link(
        dossier,
        creator,
        expires_in_days,
        kind=InvitationKind.INVITATION.value,
        role=role.value,
        label=label.strip() if label else None,
        email=accounts.normalise_email(email) if email else None,
    )


def create_reentry_link(dossier_id: int, creator: User, member_id: int, expires_in_days: int) -> Invitation:
    """A personal link that logs a member without an e-mail account back in."""
    dossier = lock_dossier(dossier_id)
    membership = member(dossier_id, member_id)
    if membership.user.has_account:
        raise Conflict(
            "This member logs in with e-mail and password; a re-entry link is for members without one.",
            code="has_account",
        )
    return _new_link(
        dossier,
        creator,
        expires_in_days,
        kind=InvitationKind.REENTRY.value,
        target_user_id=membership.user_id,
        label=membership.user.display_name,
    )


def pending(dossier_id: int) -> list[Invitation]:
    rows = db.session.scalars(
        db.select(Invitation)
        .where(Invitation.dossier_id == dossier_id, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    return [i for i in rows if status(i) is InvitationStatus.PENDING]


def revoke(dossier_id: int, invitation_id: int) -> None:
    lock_dossier(dossier_id)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.dossier_id != dossier_id:
        raise NotFound("No such invitation in this dossier.")
    if status(invitation) is InvitationStatus.USED:
        raise Conflict("This link has already been used.", code="invitation_used")
    if invitation.revoked_at is None:
        invitation.revoked_at = clock.now()
    db.session.commit()


def _find(token: str, *, lock: bool = False) -> Invitation:
    try:
        invitation_id, nonce = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError) as exc:
        raise DomainError("This link is not a valid Codossier link.", code="invitation_invalid") from exc
    query = db.select(Invitation).where(Invitation.id == invitation_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    invitation: Invitation | None = db.session.scalar(query)
    if invitation is None or not hmac.compare_digest(invitation.nonce, str(nonce)):
        raise NotFound("This link does not lead to any dossier any more.", code="invitation_not_found")
    return invitation


_GONE_MESSAGES = {
    InvitationStatus.USED: ("This link has already been used.", "invitation_used"),
    InvitationStatus.REVOKED: ("This link was cancelled by the lead structure.", "invitation_revoked"),
    InvitationStatus.EXPIRED: ("This link has expired.", "invitation_expired"),
}


def _usable(token: str, *, lock: bool = False) -> Invitation:
    invitation = _find(token, lock=lock)
    state = status(invitation)
    if state is not InvitationStatus.PENDING:
        message, code = _GONE_MESSAGES[state]
        raise Gone(message, code=code)
    return invitation


@dataclass(frozen=True)
class Preview:
    invitation: Invitation
    requires_account: bool


def preview(token: str) -> Preview:
    invitation = _usable(token)
    return Preview(invitation, requires_account=invitation.role == Role.PARTNER.value)


@dataclass(frozen=True)
class Acceptance:
    """Who is now logged in, the dossier the link leads to, and what the new session may reach
    (``None``: all of the user's dossiers; see ``policy.in_scope``)."""

    user: User
    dossier_id: int
    scope: frozenset[int] | None


def accept(
    token: str,
    current: User | None,
    *,
    display_name: str | None = None,
    email: str | None = None,
    password: str | None = None,
) -> Acceptance:
    """Use a link: join the dossier with its role, or come back as its member.

    A re-entry link is made by one dossier's lead, so the session it opens reaches that
    dossier only (and those of the other links used in the same session), never the rest of
    the person's dossiers. Nothing is changed when it fails.
    """
    invitation = _usable(token, lock=True)
    if invitation.kind == InvitationKind.REENTRY.value:
        user = _reentry_user(invitation)
        carried = current.session_scope if current is not None and current.id == user.id else frozenset()
    else:
        user = _joining_user(invitation, current, display_name, email, password)
        carried = current.session_scope if current is not None else None
        db.session.add(
            Membership(dossier_id=invitation.dossier_id, user_id=user.id, role=invitation.role, joined_at=clock.now())
        )
    invitation.used_at = clock.now()
    invitation.used_by_id = user.id
    db.session.commit()
    scope = None if carried is None else carried | {invitation.dossier_id}
    return Acceptance(user=user, dossier_id=invitation.dossier_id, scope=scope)


def _reentry_user(invitation: Invitation) -> User:
    target = invitation.target_user
    still_member = db.session.scalar(
        db.select(Membership.id).where(
            Membership.dossier_id == invitation.dossier_id, Membership.user_id == invitation.target_user_id
        )
    )
    if target is None or still_member is None:
        raise Gone("This link was cancelled by the lead structure.", code="invitation_revoked")
    return target


def _refuse_upgrade_beyond_scope(current: User) -> None:
    """A password would open every dossier of the person: a session that reaches only some of
    them (opened by a re-entry link) may not set one."""
    if current.session_scope is None:
        return
    beyond = db.session.scalar(
        db.select(Membership.id).where(
            Membership.user_id == current.id, Membership.dossier_id.not_in(current.session_scope)
        )
    )
    if beyond is not None:
        raise Forbidden(
            "This browser was signed in by a personal link for one dossier: open this invitation "
            "in another browser to create your account.",
            code="scoped_session",
        )


def _joining_user(
    invitation: Invitation,
    current: User | None,
    display_name: str | None,
    email: str | None,
    password: str | None,
) -> User:
    needs_account = invitation.role == Role.PARTNER.value
    if current is not None:
        already = db.session.scalar(
            db.select(Membership.id).where(
                Membership.dossier_id == invitation.dossier_id, Membership.user_id == current.id
            )
        )
        if already is not None:
            raise Conflict("You are already a member of this dossier.", code="already_member")
        if not needs_account or current.has_account:
            return current
        if email and password:
            _refuse_upgrade_beyond_scope(current)
            return accounts.upgrade_guest(current, email, password)
        raise NotAuthenticated("A partner needs an e-mail account.", code="account_required")
    if not display_name or not display_name.strip():
        raise InvalidInput(
            "Tell us your name to join.",
            code="display_name_required",
            details=[{"field": "display_name", "message": "required"}],
        )
    if email and password:
        return accounts.create_account(email, password, display_name)
    if needs_account:
        raise NotAuthenticated("A partner needs an e-mail and a password.", code="account_required")
    return accounts.create_guest(display_name)

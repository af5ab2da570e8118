"""Members of a dossier: roles, removal, and the rule that a dossier always keeps a lead."""

from __future__ import annotations

from ..extensions import db
from ..models import Dossier, Invitation, Membership, Role
from . import clock, electorate
from .dossiers import lock_dossier
from .errors import Conflict, NotFound

ACCOUNT_ROLES = frozenset({Role.LEAD, Role.PARTNER})


def _member(dossier: Dossier, member_id: int) -> Membership:
    membership = next((m for m in dossier.memberships if m.id == member_id), None)
    if membership is None:
        raise NotFound("No such member in this dossier.")
    return membership


def _keeps_a_lead(dossier: Dossier, leaving: Membership) -> None:
    if leaving.role == Role.LEAD.value and sum(m.role == Role.LEAD.value for m in dossier.memberships) == 1:
        raise Conflict("A dossier must keep at least one lead.", code="last_lead")


def change_role(dossier_id: int, member_id: int, role: Role) -> Membership:
    dossier = lock_dossier(dossier_id)
    membership = _member(dossier, member_id)
    if role is not Role.LEAD:
        _keeps_a_lead(dossier, membership)
    if role in ACCOUNT_ROLES and not membership.user.has_account:
        raise Conflict("Leads and partners need an e-mail account.", code="account_required")
    membership.role = role.value
    if role is Role.OBSERVER:
        membership.college_id = None  # observers do not vote
    db.session.commit()
    return membership


def remove_member(dossier_id: int, member_id: int) -> None:
    dossier = lock_dossier(dossier_id)
    membership = _member(dossier, member_id)
    _keeps_a_lead(dossier, membership)
    now = clock.now()
    pending_links = db.select(Invitation).where(
        Invitation.dossier_id == dossier_id,
        Invitation.target_user_id == membership.user_id,
        Invitation.used_at.is_(None),
        Invitation.revoked_at.is_(None),
    )
    for link in db.session.scalars(pending_links):
        link.revoked_at = now
    electorate.record_departure(dossier_id, membership.user_id)
    dossier.memberships.remove(membership)
    db.session.commit()


def member(dossier_id: int, member_id: int) -> Membership:
    membership = db.session.get(Membership, member_id)
    if membership is None or membership.dossier_id != dossier_id:
        raise NotFound("No such member in this dossier.")
    return membership

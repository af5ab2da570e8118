"""Dossiers: creation from the current form templates, listing, settings."""

from __future__ import annotations

from sqlalchemy import func

from ..extensions import db
from ..models import Action, Dossier, DossierState, Membership, Role, User
from . import clock, policy
from .errors import Conflict, Forbidden, NotFound
from .forms import latest_template


def create_dossier(owner: User, title: str, structure: str) -> Dossier:
    """A new draft dossier whose only member is ``owner``, as lead."""
    if not owner.has_account:
        raise Forbidden("Creating a dossier needs an e-mail account.", code="account_required")
    annexe, storyboard = latest_template("annexe_b"), latest_template("storyboard")
    now = clock.now()
    dossier = Dossier(
        title=title.strip(),
        structure=structure.strip(),
        state=DossierState.DRAFT.value,
        beneficiaries_may_edit=True,
        template_id=annexe.id,
        template_version=annexe.version,
        storyboard_template_id=storyboard.id,
        storyboard_template_version=storyboard.version,
        created_by_id=owner.id,
        created_at=now,
    )
    dossier.memberships.append(Membership(user_id=owner.id, role=Role.LEAD.value, joined_at=now))
    db.session.add(dossier)
    db.session.commit()
    return dossier


def dossiers_of(user: User) -> list[tuple[Dossier, Membership, int, int]]:
    """The user's dossiers that this session may reach, newest first, with their role and counts."""
    action_count = (
        db.select(func.count(Action.id)).where(Action.dossier_id == Dossier.id).correlate(Dossier).scalar_subquery()
    )
    member_count = (
        db.select(func.count(Membership.id))
        .where(Membership.dossier_id == Dossier.id)
        .correlate(Dossier)
        .scalar_subquery()
    )
    rows = db.session.execute(
        db.select(Dossier, Membership, action_count, member_count)
        .join(Membership, Membership.dossier_id == Dossier.id)
        .where(Membership.user_id == user.id)
        .order_by(Dossier.created_at.desc(), Dossier.id.desc())
    )
    return [(d, m, a, n) for d, m, a, n in rows if policy.in_scope(user, d.id)]


def lock_dossier(dossier_id: int) -> Dossier:
    """Load the dossier for a change, holding its row lock until commit (PostgreSQL).

    Every change to a dossier's members, invitations or actions goes through
    here, so concurrent changes to one dossier are serialised.
    """
    dossier: Dossier | None = db.session.scalar(
        db.select(Dossier).where(Dossier.id == dossier_id).with_for_update().execution_options(populate_existing=True)
    )
    if dossier is None:
        raise NotFound("No such dossier.")
    return dossier


def require_draft(dossier: Dossier) -> None:
    if dossier.state != DossierState.DRAFT.value:
        raise Conflict("The dossier is no longer a draft: this change is not possible.", code="dossier_not_draft")


def update_dossier(
    dossier_id: int,
    *,
    title: str | None = None,
    structure: str | None = None,
    beneficiaries_may_edit: bool | None = None,
) -> Dossier:
    dossier = lock_dossier(dossier_id)
    if title is not None or structure is not None:
        require_draft(dossier)
    if title is not None:
        dossier.title = title.strip()
    if structure is not None:
        dossier.structure = structure.strip()
    if beneficiaries_may_edit is not None:
        dossier.beneficiaries_may_edit = beneficiaries_may_edit
    db.session.commit()
    return dossier

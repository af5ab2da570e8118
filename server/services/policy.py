"""The one place that decides who may do what to a dossier.

HTTP routes and socket handlers both call :func:`authorize`; nothing else
decides. The table is DESIGN.md's "People and roles".
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from ..extensions import db
from ..models import Dossier, Membership, Role, User
from .errors import Forbidden, NotFound


class Capability(StrEnum):
    READ = "read"
    EDIT = "edit"
    COMMENT = "comment"
    VOTE = "vote"
    PROPOSE = "propose"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_ACTIONS = "manage_actions"
    MANAGE_DOSSIER = "manage_dossier"
    FREEZE = "freeze"
    SUBMIT = "submit"


_EVERYONE = frozenset({Capability.READ, Capability.COMMENT})
_VOTERS = _EVERYONE | {Capability.EDIT, Capability.VOTE}
_LEAD_ONLY = frozenset(
    {
        Capability.MANAGE_MEMBERS,
        Capability.MANAGE_ACTIONS,
        Capability.MANAGE_DOSSIER,
        Capability.FREEZE,
        Capability.SUBMIT,
    }
)

TABLE: dict[Role, frozenset[Capability]] = {
    Role.LEAD: _VOTERS | {Capability.PROPOSE} | _LEAD_ONLY,
    Role.PARTNER: _VOTERS | {Capability.PROPOSE},
    Role.BENEFICIARY: _VOTERS,
    Role.OBSERVER: _EVERYONE,
}


def capabilities(role: Role | str, dossier: Dossier) -> frozenset[Capability]:
    """What a member with ``role`` may do in ``dossier`` as it is now configured."""
    allowed = TABLE[Role(role)]
    if Role(role) is Role.BENEFICIARY and not dossier.beneficiaries_may_edit:
        allowed = allowed - {Capability.EDIT}
    return allowed


def in_scope(user: User, dossier_id: int) -> bool:
    """Whether the user's session may reach the dossier at all.

    A session opened by a re-entry link reaches only the dossiers of the links used in it
    (``User.session_scope``), whatever else the person belongs to, until they log in with a password.
    """
    return user.session_scope is None or dossier_id in user.session_scope


def membership_of(user: User | None, dossier_id: int) -> Membership | None:
    if user is None or not user.is_authenticated or not in_scope(user, dossier_id):
        return None
    membership: Membership | None = db.session.scalar(
        db.select(Membership).where(Membership.dossier_id == dossier_id, Membership.user_id == user.id)
    )
    return membership


def authorize(user: User | None, dossier_id: int, capability: Capability) -> Membership:
    """The caller's membership if it may use ``capability`` on the dossier.

    A dossier the user is not a member of, or that their session may not reach, does not
    exist for them (404), so ids leak nothing; a member without the capability gets 403.
    """
    membership = membership_of(user, dossier_id)
    if membership is None:
        raise NotFound("No such dossier.")
    if capability not in capabilities(membership.role, membership.dossier):
        raise Forbidden(f"Your role in this dossier does not allow: {capability.value}.")
    return membership


def in_electorate(electorate: Mapping[str, Any], user_id: int) -> bool:
    """Whether the user takes part in a vote (decision or priority vote) whose electorate is ``electorate``.

    The electorate is fixed when the vote opens, and it decides, not the member's
    current role: someone entitled at opening keeps their vote if demoted (a
    lead cannot silence an objector by demoting them), and someone who left the
    dossier while it was open (marked ``left``) lost their part in it for good.
    See docs/api.md, "Governance".
    """
    voter = electorate.get(str(user_id))
    return voter is not None and not voter.get("left", False)


def require_voter(electorate: Mapping[str, Any], user: User) -> None:
    """Refuse, with the reason, a vote, ballot or objection from someone outside the vote's electorate."""
    voter = electorate.get(str(user.id))
    if voter is None:
        raise Forbidden(
            "You were not a voting member when this vote opened, so you cannot take part in it.",
            code="not_in_electorate",
        )
    if voter.get("left", False):
        raise Forbidden(
            "You left the dossier while this vote was open: your part in it ended then.", code="left_electorate"
        )

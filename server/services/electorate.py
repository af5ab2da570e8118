"""Who may vote in a poll or a decision, fixed when it opens, and how much each voter weighs.

A voter is a member whose role may vote (DESIGN.md "People and roles") when
the vote opens. Later role changes do not change the electorate; leaving the
dossier does (``record_departure``): the voter is marked ``left``, a vote
already cast still counts, and one not cast is no longer expected (the voter
is not eligible any more: not in the quorum, not awaited for an early close).
Who may take part is ``policy.in_electorate``.
Without collèges every voter weighs 1. With collèges, a voter weighs their
collège's weight divided by the number of voters in that collège, so each
collège counts for its weight in total (as in SCIC cooperatives; the same
convention as ``decision_rules``). Once collèges exist every voter must be in
one, otherwise nothing can be put to the vote: the lead is told who is missing.
"""

from __future__ import annotations

from collections.abc import Collection
from fractions import Fraction
from typing import Any

from ..extensions import db
from ..models import Decision, DecisionState, Dossier, Membership, PriorityPoll
from .errors import Conflict
from .policy import TABLE, Capability


def _votes(membership: Membership) -> bool:
    return Capability.VOTE in TABLE[membership.role]  # type: ignore[index]


def snapshot(dossier: Dossier) -> tuple[dict[str, Any], dict[str, Any]]:
    """The electorate (user id → role, collège) and the collèges (id → name, weight), as stored."""
    voters = [m for m in dossier.memberships if _votes(m)]
    if dossier.colleges:
        outside = [m.user.display_name for m in voters if m.college_id is None]
        if outside:
            raise Conflict(
                "Collèges are defined: put every voting member in a collège first "
                f"(not in any collège: {', '.join(outside)}).",
                code="voters_without_college",
                details=[{"field": "members", "message": name} for name in outside],
            )
    electorate = {
        str(m.user_id): {"role": m.role, "college": str(m.college_id) if m.college_id is not None else None}
        for m in voters
    }
    colleges = {str(c.id): {"name": c.name, "weight": c.weight} for c in dossier.colleges}
    return electorate, colleges


def weights(electorate: dict[str, Any], colleges: dict[str, Any]) -> dict[str, Fraction]:
    sizes: dict[str, int] = {}
    for voter in electorate.values():
        if voter["college"] is not None:
            sizes[voter["college"]] = sizes.get(voter["college"], 0) + 1
    return {
        uid: (Fraction(colleges[v["college"]]["weight"], sizes[v["college"]]) if v["college"] else Fraction(1))
        for uid, v in electorate.items()
    }


def eligible(electorate: dict[str, Any], voted: Collection[int]) -> dict[str, Any]:
    """The voters who count: the electorate fixed at opening, less those who left the dossier without voting."""
    return {uid: voter for uid, voter in electorate.items() if not voter.get("left", False) or int(uid) in voted}


def record_departure(dossier_id: int, user_id: int) -> None:
    """Mark the member who leaves the dossier as ``left`` in its open decisions and priority votes."""
    key = str(user_id)
    open_decisions = db.select(Decision).where(
        Decision.dossier_id == dossier_id, Decision.state == DecisionState.OPEN.value
    )
    open_polls = db.select(PriorityPoll).where(PriorityPoll.dossier_id == dossier_id, PriorityPoll.closed_at.is_(None))
    for vote in [*db.session.scalars(open_decisions), *db.session.scalars(open_polls)]:
        if key in vote.electorate:
            vote.electorate = {**vote.electorate, key: {**vote.electorate[key], "left": True}}

"""Who may vote in a poll or a decision, fixed when it opens, and how much each voter weighs.

A voter is a member whose role may vote (DESIGN.md "People and roles").
Without collèges every voter weighs 1. With collèges, a voter weighs their
collège's weight divided by the number of voters in that collège, so each
collège counts for its weight in total (as in SCIC cooperatives; the same
convention as ``decision_rules``). Once collèges exist every voter must be in
one, otherwise nothing can be put to the vote: the lead is told who is missing.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..models import Dossier, Membership, User
from .errors import Conflict, Forbidden
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


def require_voter(electorate: dict[str, Any], user: User) -> None:
    if str(user.id) not in electorate:
        raise Forbidden(
            "You were not a voting member when this vote opened, so you cannot take part in it.",
            code="not_in_electorate",
        )

"""The priority vote: open a ranked poll over the actions, cast ballots, close, count, adopt.

Counting is ``schulze.count_votes`` over weighted ballots (``electorate``).
The stored result keeps the pairwise matrix, the strongest paths and the plain
explanation, so the result page shows why the order came out as it did.
Adopting a result reorders the actions and writes a ``priority_order``
register entry with the content hash of the dossier in its new order.
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from typing import Any

from ..extensions import db
from ..models import Dossier, DossierState, PollBallot, PriorityPoll, Role, User
from . import clock, content, electorate, register, schulze
from .dossiers import lock_dossier, require_draft
from .errors import Conflict, Forbidden, InvalidInput, NotFound
from .policy import require_voter
from .register_chain import utc_timestamp

PRIORITY_ORDER = "priority_order"


def polls(dossier_id: int) -> list[PriorityPoll]:
    """The dossier's polls, newest first."""
    return list(
        db.session.scalars(
            db.select(PriorityPoll).where(PriorityPoll.dossier_id == dossier_id).order_by(PriorityPoll.id.desc())
        )
    )


def poll(dossier_id: int, poll_id: int) -> PriorityPoll:
    found = db.session.get(PriorityPoll, poll_id)
    if found is None or found.dossier_id != dossier_id:
        raise NotFound("No such priority vote in this dossier.")
    return found


def is_open(p: PriorityPoll) -> bool:
    return p.closed_at is None


def open_poll(dossier_id: int, user: User, *, closes_at: datetime, secret: bool, adopt_on_close: bool) -> PriorityPoll:
    dossier = lock_dossier(dossier_id)
    require_draft(dossier)
    if len(dossier.actions) < 2:
        raise Conflict("A priority vote needs at least two actions.", code="poll_needs_two_actions")
    if any(is_open(p) for p in polls(dossier_id)):
        raise Conflict("A priority vote is already open in this dossier.", code="poll_already_open")
    voters, colleges = electorate.snapshot(dossier)
    created = PriorityPoll(
        dossier_id=dossier_id,
        opened_by_id=user.id,
        secret=secret,
        adopt_on_close=adopt_on_close,
        opened_at=clock.now(),
        closes_at=clock.require_deadline(closes_at),
        candidates=[a.id for a in dossier.actions],
        electorate=voters,
        colleges=colleges,
    )
    db.session.add(created)
    db.session.commit()
    return created


def open_poll_of(dossier_id: int) -> PriorityPoll | None:
    return next((p for p in polls(dossier_id) if is_open(p)), None)


def _check_ranking(p: PriorityPoll, ranking: list[list[int]]) -> list[list[int]]:
    seen: set[int] = set()
    for group in ranking:
        if not group:
            raise InvalidInput("A group of the ranking is empty.", code="invalid_ranking")
        for action_id in group:
            if action_id not in p.candidates:
                raise InvalidInput(f"Action {action_id} is not part of this vote.", code="invalid_ranking")
            if action_id in seen:
                raise InvalidInput(f"Action {action_id} is ranked twice.", code="invalid_ranking")
            seen.add(action_id)
    if not seen:
        raise InvalidInput("Rank at least one action.", code="invalid_ranking")
    return [list(group) for group in ranking]


def cast_ballot(dossier_id: int, poll_id: int, user: User, ranking: list[list[int]]) -> PollBallot:
    """Cast or change the user's ballot; unranked actions tie last."""
    lock_dossier(dossier_id)
    p = poll(dossier_id, poll_id)
    if not is_open(p):
        raise Conflict("This priority vote is closed.", code="poll_closed")
    require_voter(p.electorate, user)
    ranking = _check_ranking(p, ranking)
    now = clock.now()
    ballot = next((b for b in p.ballots if b.user_id == user.id), None)
    if ballot is None:
        ballot = PollBallot(user_id=user.id, ranking=ranking, cast_at=now, updated_at=now)
        p.ballots.append(ballot)
    else:
        ballot.ranking = ranking
        ballot.updated_at = now
    db.session.commit()
    return ballot


def close_poll(dossier_id: int, poll_id: int, user: User, role: str) -> PriorityPoll:
    """Close before the deadline: the opener or a lead."""
    dossier = lock_dossier(dossier_id)
    p = poll(dossier_id, poll_id)
    if p.opened_by_id != user.id and role != Role.LEAD.value:
        raise Forbidden("Only the person who opened this vote, or a lead, can close it early.", code="not_opener")
    if not is_open(p):
        raise Conflict("This priority vote is already closed.", code="poll_closed")
    _close(dossier, p, clock.now())
    db.session.commit()
    return p


def close_if_due(dossier_id: int, poll_id: int) -> bool:
    """Close the poll at its deadline if that has passed; whether it was closed now."""
    dossier = lock_dossier(dossier_id)
    p = poll(dossier_id, poll_id)
    if not is_open(p) or p.closes_at > clock.now():
        db.session.rollback()
        return False
    _close(dossier, p, p.closes_at)
    db.session.commit()
    return True


def _close(dossier: Dossier, p: PriorityPoll, at: datetime) -> None:
    p.closed_at = at
    p.result = _count(dossier, p)
    if p.adopt_on_close and p.ballots and dossier.state == DossierState.DRAFT.value:
        _adopt(dossier, p, decision_id=None)


def _text(value: Fraction) -> str:
    return str(value)


def _count(dossier: Dossier, p: PriorityPoll) -> dict[str, Any]:
    weight = electorate.weights(electorate.eligible(p.electorate, {b.user_id for b in p.ballots}), p.colleges)
    ballots = [schulze.Ballot(b.ranking, weight[str(b.user_id)]) for b in p.ballots]
    result = schulze.count_votes(list(p.candidates), ballots)
    titles = {a.id: a.title for a in dossier.actions}
    names = {c: titles.get(c, f"#{c}") for c in p.candidates}
    cands = list(p.candidates)
    return {
        "order": result.order,
        "names": {str(c): names[c] for c in cands},
        "pairwise": [[_text(result.pairwise[a][b]) if a != b else None for b in cands] for a in cands],
        "strongest": [[_text(result.strongest[a][b]) if a != b else None for b in cands] for a in cands],
        "paths": [
            {
                "source": a,
                "target": b,
                "path": schulze.strongest_path(result, a, b),
                "strength": _text(result.strongest[a][b]),
            }
            for i, a in enumerate(result.order)
            for b in result.order[i + 1 :]
            if result.strongest[a][b] > 0
        ],
        "ties_broken": [list(run) for run in result.ties_broken],
        "ballot_count": result.ballot_count,
        "total_weight": _text(result.total_weight),
        "explanation": {lang: schulze.explain(result, names, lang) for lang in ("fr", "en")},
        "tie_rule": dict(schulze.TIE_RULES),
    }


def adopt_by_decision(dossier: Dossier, poll_id: int, decision_id: int) -> None:
    p = poll(dossier.id, poll_id)
    _adopt(dossier, p, decision_id=decision_id)


def check_adoptable(dossier: Dossier, p: PriorityPoll) -> None:
    if p.cancelled or p.result is None:
        raise Conflict("This priority vote has no result to adopt.", code="poll_not_counted")
    if p.adopted_at is not None:
        raise Conflict("This result is already adopted.", code="poll_already_adopted")
    if sorted(a.id for a in dossier.actions) != sorted(p.candidates):
        raise Conflict("The dossier's actions changed since this vote opened: open a new vote.", code="poll_outdated")


def _adopt(dossier: Dossier, p: PriorityPoll, decision_id: int | None) -> None:
    check_adoptable(dossier, p)
    assert p.result is not None
    rank = {action_id: index for index, action_id in enumerate(p.result["order"])}
    for action in dossier.actions:
        action.position = rank[action.id] + 1
    dossier.actions.sort(key=lambda a: a.position)
    db.session.flush()
    now = clock.now()
    entry = register.record(
        dossier.id,
        PRIORITY_ORDER,
        {
            "poll_id": p.id,
            "adopted_by": "decision" if decision_id is not None else "poll",
            "decision_id": decision_id,
            "order": [{"rank": a.position, "action_id": a.id, "title": a.title} for a in dossier.actions],
            "ballots": p.result["ballot_count"],
            "total_weight": p.result["total_weight"],
            "secret": p.secret,
            "opened_at": utc_timestamp(p.opened_at),
            "closed_at": utc_timestamp(p.closed_at or now),
            "pairwise": p.result["pairwise"],
            "ties_broken": p.result["ties_broken"],
            "content_hash": content.content_hash(dossier),
            "adopted_at": utc_timestamp(now),
        },
    )
    p.adopted_at = now
    p.adopted_register_sequence = entry.sequence


def adopted_order(dossier: Dossier) -> list[int] | None:
    """The action order of the latest adopted priority vote (from the register), if any."""
    row = register.latest(dossier.id, PRIORITY_ORDER)
    if row is None:
        return None
    return [item["action_id"] for item in register.content_of(row)["order"]]

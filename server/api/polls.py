"""The priority vote over the actions: open, rank, close, and the result with its explanation."""

from __future__ import annotations

from typing import Any

from spectree import Response

from ..events.documents import dossier_changed
from ..events.dossiers import governance_changed
from ..extensions import db, socketio, spec
from ..models import DossierState, Membership, PriorityPoll, User
from ..services import polls
from ..services.policy import Capability, capabilities, in_electorate
from . import bp
from .access import require_member
from .dossiers import CHANGE_ERRORS, ERRORS
from .due import catch_up
from .governance_schemas import (
    BallotIn,
    CandidateOut,
    NamedBallotOut,
    PersonRef,
    PollIn,
    PollList,
    PollOut,
    PollResultOut,
    VoterOut,
)


def person(user: User) -> PersonRef:
    return PersonRef(user_id=user.id, name=user.display_name)


def voters_out(
    electorate: dict[str, dict[str, Any]],
    colleges: dict[str, dict[str, object]],
    names: dict[int, str],
    voted: set[int],
) -> list[VoterOut]:
    return [
        VoterOut(
            user_id=int(uid),
            name=names[int(uid)],
            role=str(voter["role"]),
            college=str(colleges[voter["college"]]["name"]) if voter["college"] else None,
            voted=int(uid) in voted,
            left=bool(voter.get("left", False)),
        )
        for uid, voter in electorate.items()
    ]


def electorate_names(electorate: dict[str, object]) -> dict[int, str]:
    """Display names of the electorate, including members who left since the vote opened."""
    ids = [int(uid) for uid in electorate]
    rows = db.session.execute(db.select(User.id, User.display_name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows}


def poll_state(p: PriorityPoll) -> str:
    return "cancelled" if p.cancelled else ("open" if polls.is_open(p) else "closed")


def poll_out(p: PriorityPoll, viewer: Membership) -> PollOut:
    allowed = capabilities(viewer.role, viewer.dossier)
    titles = {a.id: a.title for a in viewer.dossier.actions} | {
        int(k): v for k, v in ((p.result or {}).get("names") or {}).items()
    }
    names = electorate_names(p.electorate)
    mine = next((b.ranking for b in p.ballots if b.user_id == viewer.user_id), None)
    is_open = polls.is_open(p)
    return PollOut(
        id=p.id,
        state=poll_state(p),  # type: ignore[arg-type]
        secret=p.secret,
        adopt_on_close=p.adopt_on_close,
        opened_by=person(p.opened_by),
        opened_at=p.opened_at,
        closes_at=p.closes_at,
        closed_at=p.closed_at,
        candidates=[CandidateOut(action_id=c, title=titles.get(c, f"#{c}")) for c in p.candidates],
        voters=voters_out(p.electorate, p.colleges, names, {b.user_id for b in p.ballots}),
        my_ballot=mine,
        ballots=None if p.secret else [NamedBallotOut(voter=person(b.user), ranking=b.ranking) for b in p.ballots],
        result=PollResultOut.model_validate(p.result) if p.result else None,
        adopted_at=p.adopted_at,
        adopted_register_sequence=p.adopted_register_sequence,
        may_vote=is_open and in_electorate(p.electorate, viewer.user_id),
        may_close=is_open and (p.opened_by_id == viewer.user_id or Capability.MANAGE_DOSSIER in allowed),
        may_propose_adoption=not is_open
        and p.result is not None
        and p.adopted_at is None
        and Capability.PROPOSE in allowed
        and viewer.dossier.state == DossierState.DRAFT.value,
    )


@bp.get("/dossiers/<int:dossier_id>/polls")
@spec.validate(resp=Response(HTTP_200=PollList, **ERRORS), tags=["priority votes"])
def list_polls(dossier_id: int) -> PollList:
    """The dossier's priority votes, newest first."""
    viewer = require_member(dossier_id, Capability.READ)
    catch_up(dossier_id)
    return PollList(polls=[poll_out(p, viewer) for p in polls.polls(dossier_id)])


@bp.post("/dossiers/<int:dossier_id>/polls")
@spec.validate(json=PollIn, resp=Response(HTTP_201=PollOut, **CHANGE_ERRORS), tags=["priority votes"])
def open_poll(dossier_id: int, json: PollIn) -> tuple[PollOut, int]:
    """Open a priority vote over all the actions (a lead or a partner)."""
    viewer = require_member(dossier_id, Capability.PROPOSE)
    catch_up(dossier_id)
    p = polls.open_poll(
        dossier_id, viewer.user, closes_at=json.closes_at, secret=json.secret, adopt_on_close=json.adopt_on_close
    )
    governance_changed(socketio, dossier_id, topic="poll", poll_id=p.id)
    return poll_out(p, viewer), 201


@bp.get("/dossiers/<int:dossier_id>/polls/<int:poll_id>")
@spec.validate(resp=Response(HTTP_200=PollOut, **ERRORS), tags=["priority votes"])
def get_poll(dossier_id: int, poll_id: int) -> PollOut:
    viewer = require_member(dossier_id, Capability.READ)
    catch_up(dossier_id)
    return poll_out(polls.poll(dossier_id, poll_id), viewer)


@bp.put("/dossiers/<int:dossier_id>/polls/<int:poll_id>/ballot")
@spec.validate(json=BallotIn, resp=Response(HTTP_200=PollOut, **CHANGE_ERRORS), tags=["priority votes"])
def cast_ballot(dossier_id: int, poll_id: int, json: BallotIn) -> PollOut:
    """Cast or change one's ranking until the close; unranked actions tie last.

    The electorate fixed at opening decides who may (``policy.require_voter``), not the current role.
    """
    viewer = require_member(dossier_id, Capability.READ)
    catch_up(dossier_id)
    ballot = polls.cast_ballot(dossier_id, poll_id, viewer.user, json.ranking)
    governance_changed(socketio, dossier_id, topic="poll", poll_id=poll_id)
    return poll_out(ballot.poll, viewer)


@bp.post("/dossiers/<int:dossier_id>/polls/<int:poll_id>/close")
@spec.validate(resp=Response(HTTP_200=PollOut, **CHANGE_ERRORS), tags=["priority votes"])
def close_poll(dossier_id: int, poll_id: int) -> PollOut:
    """Close before the deadline (whoever opened it, still a member, or a lead); the result is counted at once."""
    viewer = require_member(dossier_id, Capability.READ)
    catch_up(dossier_id)
    p = polls.close_poll(dossier_id, poll_id, viewer.user, viewer.role)
    governance_changed(socketio, dossier_id, topic="poll", poll_id=poll_id)
    dossier_changed(socketio, dossier_id, {"actions": True})
    return poll_out(p, viewer)

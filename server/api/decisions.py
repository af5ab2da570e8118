"""Collegial decisions: propose, vote, integrate objections, close, state the outcome."""

from __future__ import annotations

from spectree import Response

from ..events.documents import dossier_changed
from ..events.dossiers import governance_changed
from ..extensions import socketio, spec
from ..models import Decision, DecisionKind, DecisionState, DecisionVote, Membership
from ..services import decisions
from ..services.decision_rules import Choice, Rule
from ..services.policy import Capability, capabilities, in_electorate
from . import bp
from .access import require_member
from .dossiers import CHANGE_ERRORS, ERRORS
from .due import catch_up
from .governance_schemas import (
    AmendIn,
    DecisionIn,
    DecisionList,
    DecisionOut,
    DecisionSummary,
    DecisionVoterOut,
    ObjectionIn,
    ObjectionOut,
    RevisionOut,
    StatementIn,
    VoteIn,
)
from .polls import electorate_names, person, voters_out


def summary(d: Decision) -> DecisionSummary:
    return DecisionSummary(
        id=d.id,
        kind=d.kind,
        title=d.title,
        rule=d.rule,  # type: ignore[arg-type]
        state=d.state,  # type: ignore[arg-type]
        opened_at=d.opened_at,
        closes_at=d.closes_at,
        closed_at=d.closed_at,
        adopted=d.adopted,
        proposer=person(d.proposer),
        voted_count=len(decisions.voters_who_voted(d)),
        eligible_count=len(decisions.eligible_voters(d)),
    )


def decision_out(d: Decision, viewer: Membership) -> DecisionOut:
    allowed = capabilities(viewer.role, viewer.dossier)
    names = electorate_names(d.electorate)
    votes = {v.user_id: v for v in d.votes}
    voters = []
    for voter in voters_out(d.electorate, d.colleges, names, set(votes)):
        cast = votes.get(voter.user_id)
        shown = cast is not None and (not d.secret or voter.user_id == viewer.user_id)
        voters.append(
            DecisionVoterOut(
                **voter.model_dump(),
                choice=cast.choice if shown and cast else None,
                reason=cast.reason if shown and cast else None,
                maintained=cast.maintained if shown and cast and cast.choice == Choice.OBJECTION.value else None,
                revision=cast.revision if shown and cast else None,
            )
        )
    is_open = decisions.is_open(d)
    is_proposer = d.proposer_id == viewer.user_id
    return DecisionOut(
        **summary(d).model_dump(),
        text=d.text,
        quorum_percent=d.quorum_percent,
        require_every_college=d.require_every_college,
        secret=d.secret,
        content_hash=d.content_hash,
        poll_id=d.poll_id,
        colleges=d.colleges,
        revisions=[
            RevisionOut(number=r.number, text=r.text, note=r.note, created_at=r.created_at) for r in d.revisions
        ],
        voters=voters,
        objections=[_objection(v, d) for v in d.votes if v.choice == Choice.OBJECTION.value],
        integration_round=is_open and any(_blocking(v) for v in d.votes),
        my_vote=next((v for v in voters if v.user_id == viewer.user_id and v.voted), None),
        outcome=d.outcome,
        register_sequence=d.register_sequence,
        statement=d.statement,
        statement_at=d.statement_at,
        may_vote=is_open and in_electorate(d.electorate, viewer.user_id),
        may_amend=is_open and is_proposer and d.rule == Rule.CONSENTEMENT.value and any(_blocking(v) for v in d.votes),
        may_close=is_open
        and (is_proposer or Capability.MANAGE_DOSSIER in allowed)
        and all(v.voted or v.left for v in voters),
        may_state=d.state == DecisionState.CLOSED.value and is_proposer and d.statement is None,
    )


def _blocking(v: DecisionVote) -> bool:
    return v.choice == Choice.OBJECTION.value and v.maintained


def _objection(v: DecisionVote, d: Decision) -> ObjectionOut:
    return ObjectionOut(
        voter=None if d.secret else v.user.display_name,
        reason=v.reason or "",
        maintained=v.maintained,
        revision=v.revision,
    )


def _changed(dossier_id: int, decision_id: int) -> None:
    governance_changed(socketio, dossier_id, topic="decision", decision_id=decision_id)


@bp.get("/dossiers/<int:dossier_id>/decisions")
@spec.validate(resp=Response(HTTP_200=DecisionList, **ERRORS), tags=["decisions"])
def list_decisions(dossier_id: int) -> DecisionList:
    """The dossier's decisions, newest first."""
    require_member(dossier_id, Capability.READ)
    catch_up(dossier_id)
    return DecisionList(decisions=[summary(d) for d in decisions.decisions(dossier_id)])


@bp.post("/dossiers/<int:dossier_id>/decisions")
@spec.validate(json=DecisionIn, resp=Response(HTTP_201=DecisionOut, **CHANGE_ERRORS), tags=["decisions"])
def propose_decision(dossier_id: int, json: DecisionIn) -> tuple[DecisionOut, int]:
    """Propose a decision (a lead or a partner)."""
    viewer = require_member(dossier_id, Capability.PROPOSE)
    catch_up(dossier_id)
    d = decisions.propose(
        dossier_id,
        viewer.user,
        kind=DecisionKind(json.kind),
        title=json.title,
        text=json.text,
        rule=Rule(json.rule),
        quorum_percent=json.quorum_percent,
        closes_at=json.closes_at,
        secret=json.secret,
        require_every_college=json.require_every_college,
        about_text=json.about_text,
        poll_id=json.poll_id,
    )
    _changed(dossier_id, d.id)
    return decision_out(d, viewer), 201


@bp.get("/dossiers/<int:dossier_id>/decisions/<int:decision_id>")
@spec.validate(resp=Response(HTTP_200=DecisionOut, **ERRORS), tags=["decisions"])
def get_decision(dossier_id: int, decision_id: int) -> DecisionOut:
    viewer = require_member(dossier_id, Capability.READ)
    catch_up(dossier_id)
    return decision_out(decisions.decision(dossier_id, decision_id), viewer)


@bp.put("/dossiers/<int:dossier_id>/decisions/<int:decision_id>/vote")
@spec.validate(json=VoteIn, resp=Response(HTTP_200=DecisionOut, **CHANGE_ERRORS), tags=["decisions"])
def vote_on_decision(dossier_id: int, decision_id: int, json: VoteIn) -> DecisionOut:
    """Vote pour, contre, abstention, or (under consent) object with a reason; changeable until the close.

    The electorate fixed at opening decides who may (``policy.require_voter``), not the current role.
    """
    viewer = require_member(dossier_id, Capability.READ)
    catch_up(dossier_id)
    cast = decisions.vote(dossier_id, decision_id, viewer.user, Choice(json.choice), json.reason)
    _changed(dossier_id, decision_id)
    return decision_out(cast.decision, viewer)


@bp.put("/dossiers/<int:dossier_id>/decisions/<int:decision_id>/objection")
@spec.validate(json=ObjectionIn, resp=Response(HTTP_200=DecisionOut, **CHANGE_ERRORS), tags=["decisions"])
def set_objection(dossier_id: int, decision_id: int, json: ObjectionIn) -> DecisionOut:
    """The objector maintains or withdraws their objection (the electorate decides, as for voting)."""
    viewer = require_member(dossier_id, Capability.READ)
    catch_up(dossier_id)
    cast = decisions.set_objection(dossier_id, decision_id, viewer.user, json.maintained)
    _changed(dossier_id, decision_id)
    return decision_out(cast.decision, viewer)


@bp.post("/dossiers/<int:dossier_id>/decisions/<int:decision_id>/amend")
@spec.validate(json=AmendIn, resp=Response(HTTP_200=DecisionOut, **CHANGE_ERRORS), tags=["decisions"])
def amend_decision(dossier_id: int, decision_id: int, json: AmendIn) -> DecisionOut:
    """The proposer (still a member, whatever their role now) amends the text to integrate objections."""
    viewer = require_member(dossier_id, Capability.READ)
    catch_up(dossier_id)
    d = decisions.amend(dossier_id, decision_id, viewer.user, json.text, json.note)
    _changed(dossier_id, decision_id)
    return decision_out(d, viewer)


@bp.post("/dossiers/<int:dossier_id>/decisions/<int:decision_id>/close")
@spec.validate(resp=Response(HTTP_200=DecisionOut, **CHANGE_ERRORS), tags=["decisions"])
def close_decision(dossier_id: int, decision_id: int) -> DecisionOut:
    """Close before the deadline (the proposer, still a member, or a lead); the server computes the outcome."""
    viewer = require_member(dossier_id, Capability.READ)
    catch_up(dossier_id)
    d = decisions.close(dossier_id, decision_id, viewer.user, viewer.role)
    _changed(dossier_id, decision_id)
    dossier_changed(socketio, dossier_id, {"actions": True})
    return decision_out(d, viewer)


@bp.post("/dossiers/<int:dossier_id>/decisions/<int:decision_id>/statement")
@spec.validate(json=StatementIn, resp=Response(HTTP_200=DecisionOut, **CHANGE_ERRORS), tags=["decisions"])
def state_outcome(dossier_id: int, decision_id: int, json: StatementIn) -> DecisionOut:
    """The proposer's outcome statement (still a member, whatever their role now), once, after the close."""
    viewer = require_member(dossier_id, Capability.READ)
    catch_up(dossier_id)
    d = decisions.add_statement(dossier_id, decision_id, viewer.user, json.statement)
    _changed(dossier_id, decision_id)
    return decision_out(d, viewer)

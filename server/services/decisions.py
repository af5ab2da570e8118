"""Collegial decisions: propose, vote, integrate objections (consent), close, state the outcome.

The outcome is ``decision_rules.decide`` over the electorate fixed at
opening (less those who left the dossier without voting: ``electorate``).
Every closed decision, adopted or not, is a ``decision`` register entry;
the proposer's outcome statement, added afterwards, is a
``decision_statement`` entry. A decision "about the text" records the
dossier's content hash when it opens, and the register shows it.

What a decision can be about depends on the dossier's state: in a draft,
general decisions and the adoption of a priority vote's result; once frozen,
a reopening (the final approval is opened by the freeze itself).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from fractions import Fraction
from typing import Any

from ..extensions import db
from ..models import (
    Decision,
    DecisionKind,
    DecisionRevision,
    DecisionState,
    DecisionVote,
    Dossier,
    DossierState,
    Role,
    User,
)
from . import clock, content, decision_rules, electorate, polls, register
from .decision_rules import Choice, Rule
from .dossiers import lock_dossier
from .errors import Conflict, Forbidden, InvalidInput, NotFound
from .policy import require_voter
from .register_chain import utc_timestamp

DECISION = "decision"
STATEMENT = "decision_statement"

_KINDS_BY_STATE = {
    DossierState.DRAFT.value: {DecisionKind.GENERAL, DecisionKind.PRIORITY_ORDER},
    DossierState.FROZEN.value: {DecisionKind.REOPEN},
}


def decisions(dossier_id: int) -> list[Decision]:
    """The dossier's decisions, newest first."""
    return list(
        db.session.scalars(db.select(Decision).where(Decision.dossier_id == dossier_id).order_by(Decision.id.desc()))
    )


def decision(dossier_id: int, decision_id: int) -> Decision:
    found = db.session.get(Decision, decision_id)
    if found is None or found.dossier_id != dossier_id:
        raise NotFound("No such decision in this dossier.")
    return found


def is_open(d: Decision) -> bool:
    return d.state == DecisionState.OPEN.value


def propose(
    dossier_id: int,
    user: User,
    *,
    kind: DecisionKind,
    title: str,
    text: str,
    rule: Rule,
    quorum_percent: int,
    closes_at: datetime,
    secret: bool = False,
    require_every_college: bool = False,
    about_text: bool = False,
    poll_id: int | None = None,
) -> Decision:
    dossier = lock_dossier(dossier_id)
    if kind not in _KINDS_BY_STATE.get(dossier.state, set()):
        raise Conflict(_kind_refusal(kind, dossier), code="decision_kind_not_possible")
    if kind is DecisionKind.PRIORITY_ORDER:
        if poll_id is None:
            raise InvalidInput("Say which priority vote's result to adopt (poll_id).", code="poll_required")
        polls.check_adoptable(dossier, polls.poll(dossier_id, poll_id))
        if any(is_open(d) and d.poll_id == poll_id for d in decisions(dossier_id)):
            raise Conflict("A decision on this vote's result is already open.", code="decision_already_open")
    elif poll_id is not None:
        raise InvalidInput("Only a priority-order decision refers to a priority vote.", code="poll_not_expected")
    created = open_decision(
        dossier,
        user,
        kind=kind,
        title=title,
        text=text,
        rule=rule,
        quorum_percent=quorum_percent,
        closes_at=clock.require_deadline(closes_at),
        secret=secret,
        require_every_college=require_every_college,
        content_hash=content.content_hash(dossier) if about_text else None,
        poll_id=poll_id,
    )
    db.session.commit()
    return created


def _kind_refusal(kind: DecisionKind, dossier: Dossier) -> str:
    if kind is DecisionKind.FINAL_APPROVAL:
        return "The final approval opens when the lead freezes the dossier."
    if kind is DecisionKind.REOPEN:
        return "Reopening is decided only while the dossier is frozen."
    return "The dossier is no longer a draft: only a decision to reopen it can be proposed."


def open_decision(
    dossier: Dossier,
    user: User,
    *,
    kind: DecisionKind,
    title: str,
    text: str,
    rule: Rule,
    quorum_percent: int,
    closes_at: datetime,
    secret: bool,
    require_every_college: bool,
    content_hash: str | None,
    poll_id: int | None = None,
) -> Decision:
    """Open a decision in the caller's transaction (the dossier is locked by the caller)."""
    if not 0 <= quorum_percent <= 100:
        raise InvalidInput("The quorum is a percentage between 0 and 100.", code="invalid_quorum")
    voters, colleges = electorate.snapshot(dossier)
    now = clock.now()
    created = Decision(
        dossier_id=dossier.id,
        kind=kind.value,
        title=title.strip(),
        text=text.strip(),
        rule=Rule(rule).value,
        quorum_percent=quorum_percent,
        require_every_college=require_every_college,
        secret=secret,
        proposer_id=user.id,
        poll_id=poll_id,
        content_hash=content_hash,
        state=DecisionState.OPEN.value,
        opened_at=now,
        closes_at=closes_at,
        electorate=voters,
        colleges=colleges,
    )
    created.revisions.append(DecisionRevision(number=1, text=created.text, note=None, created_at=now))
    db.session.add(created)
    db.session.flush()
    return created


def _open_for_change(dossier_id: int, decision_id: int) -> Decision:
    lock_dossier(dossier_id)
    d = decision(dossier_id, decision_id)
    if not is_open(d):
        raise Conflict("This decision is closed.", code="decision_closed")
    return d


def _revision(d: Decision) -> int:
    return d.revisions[-1].number


def vote(dossier_id: int, decision_id: int, user: User, choice: Choice, reason: str | None = None) -> DecisionVote:
    """Cast or change the user's vote until the close."""
    d = _open_for_change(dossier_id, decision_id)
    require_voter(d.electorate, user)
    reason = (reason or "").strip() or None
    if choice is Choice.OBJECTION and d.rule != Rule.CONSENTEMENT.value:
        raise InvalidInput("An objection is only possible under consent.", code="objection_not_allowed")
    if choice is Choice.CONTRE and d.rule == Rule.CONSENTEMENT.value:
        raise InvalidInput(
            "Under consent, disagreement is an objection with its reason, not a vote against.",
            code="contre_not_allowed",
        )
    if choice is Choice.OBJECTION and reason is None:
        raise InvalidInput("An objection needs its reason, in writing.", code="objection_needs_reason")
    if choice is not Choice.OBJECTION:
        reason = None
    now = clock.now()
    fields = {"choice": choice.value, "reason": reason, "maintained": True, "revision": _revision(d), "updated_at": now}
    cast = _vote_of(d, user)
    if cast is None:
        cast = DecisionVote(user_id=user.id, cast_at=now, **fields)
        d.votes.append(cast)
    else:
        for name, value in fields.items():
            setattr(cast, name, value)
    db.session.commit()
    return cast


def _vote_of(d: Decision, user: User) -> DecisionVote | None:
    return next((v for v in d.votes if v.user_id == user.id), None)


def set_objection(dossier_id: int, decision_id: int, user: User, maintained: bool) -> DecisionVote:
    """The objector maintains or withdraws their objection (integration round)."""
    d = _open_for_change(dossier_id, decision_id)
    require_voter(d.electorate, user)
    cast = _vote_of(d, user)
    if cast is None or cast.choice != Choice.OBJECTION.value:
        raise Conflict("You have no objection on this decision.", code="no_objection")
    cast.maintained = maintained
    cast.revision, cast.updated_at = _revision(d), clock.now()
    db.session.commit()
    return cast


def amend(dossier_id: int, decision_id: int, user: User, text: str, note: str | None) -> Decision:
    """The proposer amends the text to integrate objections (consent only); the history is kept."""
    d = _open_for_change(dossier_id, decision_id)
    if d.proposer_id != user.id:
        raise Forbidden("Only the proposer can amend the proposal.", code="not_proposer")
    if d.rule != Rule.CONSENTEMENT.value:
        raise Conflict("Only a decision by consent can be amended while it is open.", code="amend_not_allowed")
    if not any(v.choice == Choice.OBJECTION.value and v.maintained for v in d.votes):
        raise Conflict("There is no objection to integrate.", code="no_objection")
    text = text.strip()
    if text == d.text:
        raise InvalidInput("The amended text is the same as the current one.", code="text_unchanged")
    d.text = text
    d.revisions.append(
        DecisionRevision(number=_revision(d) + 1, text=text, note=(note or "").strip() or None, created_at=clock.now())
    )
    db.session.commit()
    return d


def close(dossier_id: int, decision_id: int, user: User, role: str) -> Decision:
    """Close before the deadline (the proposer or a lead), once every voter has voted.

    Nobody loses their say to an early close: silence counts as consent under
    the consent rule, so it must have had until the deadline to speak.
    """
    d = _open_for_change(dossier_id, decision_id)
    if d.proposer_id != user.id and role != Role.LEAD.value:
        raise Forbidden("Only the proposer, or a lead, can close this decision early.", code="not_proposer")
    voted = voters_who_voted(d)
    missing = set(electorate.eligible(d.electorate, voted)) - {str(uid) for uid in voted}
    if missing:
        raise Conflict(
            f"{len(missing)} voter(s) have not voted yet: the decision closes at its deadline, "
            "or earlier once every voter has voted.",
            code="votes_missing",
        )
    _close(d, clock.now())
    db.session.commit()
    return d


def close_if_due(dossier_id: int, decision_id: int) -> bool:
    """Close the decision at its deadline if that has passed; whether it was closed now."""
    lock_dossier(dossier_id)
    d = decision(dossier_id, decision_id)
    if not is_open(d) or d.closes_at > clock.now():
        db.session.rollback()
        return False
    _close(d, d.closes_at)
    db.session.commit()
    return True


def voters_who_voted(d: Decision) -> set[int]:
    """The user ids of the electorate who cast a vote."""
    return {v.user_id for v in d.votes if str(v.user_id) in d.electorate}


def eligible_voters(d: Decision) -> dict[str, Any]:
    """The electorate that counts now (``electorate.eligible``)."""
    return electorate.eligible(d.electorate, voters_who_voted(d))


def outcome_of(d: Decision) -> decision_rules.Outcome:
    votes: dict[decision_rules.VoterId, decision_rules.Vote] = {
        v.user_id: decision_rules.Vote(Choice(v.choice), v.reason, v.maintained)
        for v in d.votes
        if str(v.user_id) in d.electorate
    }
    return decision_rules.decide(
        d.rule,
        Fraction(d.quorum_percent, 100),
        {int(uid): voter["college"] for uid, voter in eligible_voters(d).items()},
        votes,
        college_weights={cid: c["weight"] for cid, c in d.colleges.items()},
        college_labels={cid: c["name"] for cid, c in d.colleges.items()},
        require_every_college=d.require_every_college,
    )


def _tally(t: decision_rules.Tally) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Fraction) else v) for k, v in asdict(t).items()}


def _close(d: Decision, at: datetime) -> None:
    result = outcome_of(d)
    d.state = DecisionState.CLOSED.value
    d.closed_at = at
    d.adopted = result.adopted
    names = {v.user_id: v.user.display_name for v in d.votes}
    d.outcome = {
        "adopted": result.adopted,
        "quorum_reached": result.quorum_reached,
        "participants": result.participation.participants,
        "eligible": result.participation.eligible,
        "overall": _tally(result.overall),
        "colleges": {str(c): _tally(t) for c, t in result.colleges.items()},
        "objections": [
            {"reason": v.reason, "maintained": v.maintained, "voter": None if d.secret else names[v.user_id]}
            for v in d.votes
            if v.choice == Choice.OBJECTION.value
        ],
        "reasons": {"fr": list(result.reasons), "en": list(result.reasons_en)},
    }
    if d.adopted and d.kind == DecisionKind.PRIORITY_ORDER.value and d.poll_id is not None:
        _apply_order(d)
    d.register_sequence = register.record(d.dossier_id, DECISION, _register_content(d)).sequence


def _apply_order(d: Decision) -> None:
    """Adopt the poll's order; closing never fails, so an order that no longer fits is recorded as not applied."""
    assert d.outcome is not None and d.poll_id is not None
    dossier = db.session.get(Dossier, d.dossier_id)
    assert dossier is not None
    try:
        polls.check_adoptable(dossier, polls.poll(dossier.id, d.poll_id))
    except Conflict as refusal:
        d.outcome = {**d.outcome, "order_not_applied": refusal.code}
        return
    polls.adopt_by_decision(dossier, d.poll_id, d.id)


def open_order_decision(dossier_id: int) -> Decision | None:
    """The open decision on adopting a priority order, if any."""
    return next((d for d in decisions(dossier_id) if is_open(d) and d.kind == DecisionKind.PRIORITY_ORDER.value), None)


def _register_content(d: Decision) -> dict[str, Any]:
    assert d.outcome is not None and d.closed_at is not None
    return {
        "decision_id": d.id,
        "kind": d.kind,
        "title": d.title,
        "text": d.text,
        "version": _revision(d),
        "rule": d.rule,
        "quorum_percent": d.quorum_percent,
        "require_every_college": d.require_every_college,
        "secret": d.secret,
        "proposer": d.proposer.display_name,
        "opened_at": utc_timestamp(d.opened_at),
        "closed_at": utc_timestamp(d.closed_at),
        "content_hash": d.content_hash,
        "poll_id": d.poll_id,
        "adopted": d.adopted,
        "quorum_reached": d.outcome["quorum_reached"],
        "participants": d.outcome["participants"],
        "eligible": d.outcome["eligible"],
        "tally": d.outcome["overall"],
        "colleges": d.outcome["colleges"],
        "objections": d.outcome["objections"],
        "reasons": d.outcome["reasons"]["fr"],
        "order_not_applied": d.outcome.get("order_not_applied"),
    }


def add_statement(dossier_id: int, decision_id: int, user: User, statement: str) -> Decision:
    """The proposer's outcome statement, once, after the close; it is written to the register."""
    lock_dossier(dossier_id)
    d = decision(dossier_id, decision_id)
    if d.proposer_id != user.id:
        raise Forbidden("Only the proposer writes the outcome statement.", code="not_proposer")
    if d.state != DecisionState.CLOSED.value:
        raise Conflict("The outcome statement comes after the close.", code="decision_open")
    if d.statement is not None:
        raise Conflict("The outcome statement is already written; it is in the register.", code="statement_exists")
    d.statement, d.statement_at = statement.strip(), clock.now()
    register.record(
        dossier_id,
        STATEMENT,
        {
            "decision_id": d.id,
            "title": d.title,
            "statement": d.statement,
            "by": user.display_name,
            "written_at": utc_timestamp(d.statement_at),
        },
    )
    db.session.commit()
    return d


def cancel_open(dossier: Dossier, kinds: set[DecisionKind] | None = None) -> list[int]:
    """Cancel the dossier's open decisions (of ``kinds``, or all); their ids."""
    cancelled = []
    for d in decisions(dossier.id):
        if is_open(d) and (kinds is None or DecisionKind(d.kind) in kinds):
            d.state, d.closed_at = DecisionState.CANCELLED.value, clock.now()
            cancelled.append(d.id)
    return cancelled

"""The dossier's lifecycle: brouillon → figé → déposé, and back to brouillon by a decision.

Freezing computes the content hash, writes a ``freeze`` register entry and
opens the final-approval decision bound to that hash. Reopening needs an
adopted ``reopen`` decision taken since the freeze. Submitting checks every
condition (:func:`conditions`), writes a ``submit`` entry and stores the
receipt and the submission package (``submission_package``: the exact DOCX and
PDF, the register, the receipt as JSON and PDF), all in one transaction. The
dossier row lock serialises concurrent freezes and submissions: exactly one
succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..extensions import db
from ..models import Decision, DecisionKind, DecisionState, Dossier, DossierState, Submission, User
from . import clock, content, decisions, polls, register, register_chain, submission_package
from .content import MissingAnswer
from .decision_rules import Rule
from .dossiers import lock_dossier
from .errors import Conflict, NotFound
from .register_chain import utc_timestamp


@dataclass(frozen=True)
class Conditions:
    """What submission requires, and where the dossier stands on each point."""

    content_hash: str
    missing_answers: list[MissingAnswer]
    order_required: bool
    order_adopted: bool
    final_approval: Decision | None
    final_approval_adopted: bool
    content_unchanged: bool
    unmet: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return not self.unmet


def _final_approval(dossier: Dossier) -> Decision | None:
    if dossier.frozen_at is None:
        return None
    return next(
        (
            d
            for d in decisions.decisions(dossier.id)
            if d.kind == DecisionKind.FINAL_APPROVAL.value
            and d.opened_at >= dossier.frozen_at
            and d.state != DecisionState.CANCELLED.value
        ),
        None,
    )


def conditions(dossier: Dossier) -> Conditions:
    missing = content.missing_answers(dossier)
    order_required = len(dossier.actions) >= 2
    order_adopted = polls.adopted_order(dossier) == [a.id for a in dossier.actions]
    approval = _final_approval(dossier)
    current = content.content_hash(dossier)
    unchanged = current == dossier.frozen_content_hash
    approved = bool(approval and approval.adopted and approval.content_hash == dossier.frozen_content_hash)
    unmet = []
    if dossier.state == DossierState.DRAFT.value:
        unmet.append("frozen")
    if missing:
        unmet.append("answers")
    if order_required and not order_adopted:
        unmet.append("priority_order")
    if not approved:
        unmet.append("final_approval")
    if dossier.frozen_content_hash and not unchanged:
        unmet.append("content_unchanged")
    return Conditions(current, missing, order_required, order_adopted, approval, approved, unchanged, unmet)


_UNMET_MESSAGES = {
    "frozen": "The dossier must be frozen first.",
    "answers": "Some required answers are empty.",
    "priority_order": "No priority order adopted for the current actions.",
    "final_approval": "The final approval of the frozen text is not adopted.",
    "content_unchanged": "The text changed since it was frozen.",
}


def freeze(
    dossier_id: int,
    user: User,
    *,
    rule: Rule,
    quorum_percent: int,
    closes_at: datetime,
    secret: bool = False,
    require_every_college: bool = False,
) -> Decision:
    """Freeze the dossier and open its final approval, bound to the frozen content hash."""
    dossier = lock_dossier(dossier_id)
    if dossier.state != DossierState.DRAFT.value:
        raise Conflict("Only a draft can be frozen.", code="dossier_not_draft")
    if not dossier.actions:
        raise Conflict("Add at least one action before freezing the dossier.", code="no_actions")
    if polls.open_poll_of(dossier_id) is not None:
        raise Conflict("A priority vote is still open: close it before freezing.", code="poll_open")
    if decisions.open_order_decision(dossier_id) is not None:
        raise Conflict(
            "A decision on the priority order is still open: close it before freezing.", code="order_decision_open"
        )
    closes_at = clock.require_deadline(closes_at)
    frozen_hash = content.content_hash(dossier)
    now = clock.now()
    dossier.state, dossier.frozen_at, dossier.frozen_content_hash = DossierState.FROZEN.value, now, frozen_hash
    approval = decisions.open_decision(
        dossier,
        user,
        kind=DecisionKind.FINAL_APPROVAL,
        title="Approbation finale du dossier",
        text=(
            f"Nous approuvons le dossier « {dossier.title} » tel qu'il a été figé le "
            f"{utc_timestamp(now)}, dont l'empreinte du contenu est {frozen_hash}. "
            "Toute modification du texte demandera de rouvrir le dossier par une décision."
        ),
        rule=rule,
        quorum_percent=quorum_percent,
        closes_at=closes_at,
        secret=secret,
        require_every_college=require_every_college,
        content_hash=frozen_hash,
    )
    register.record(
        dossier_id,
        "freeze",
        {
            "content_hash": frozen_hash,
            "frozen_at": utc_timestamp(now),
            "by": user.display_name,
            "final_approval_decision_id": approval.id,
        },
    )
    db.session.commit()
    return approval


def reopen_grounds(dossier: Dossier) -> Decision | None:
    """The adopted, unused decision to reopen taken since the freeze, if any."""
    if dossier.frozen_at is None:
        return None
    return next(
        (
            d
            for d in decisions.decisions(dossier.id)
            if d.kind == DecisionKind.REOPEN.value
            and d.adopted
            and d.used_at is None
            and d.opened_at >= dossier.frozen_at
        ),
        None,
    )


def reopen(dossier_id: int, user: User) -> Dossier:
    """Back to draft, on the strength of an adopted reopening decision taken since the freeze."""
    dossier = lock_dossier(dossier_id)
    if dossier.state != DossierState.FROZEN.value:
        raise Conflict("Only a frozen dossier can be reopened.", code="dossier_not_frozen")
    grounds = reopen_grounds(dossier)
    if grounds is None:
        raise Conflict(
            "Reopening needs an adopted decision to reopen, taken since the dossier was frozen.",
            code="reopen_needs_decision",
        )
    now = clock.now()
    grounds.used_at = now
    cancelled = decisions.cancel_open(dossier, {DecisionKind.FINAL_APPROVAL, DecisionKind.REOPEN})
    register.record(
        dossier_id,
        "reopen",
        {
            "decision_id": grounds.id,
            "frozen_content_hash": dossier.frozen_content_hash,
            "reopened_at": utc_timestamp(now),
            "by": user.display_name,
            "cancelled_decisions": cancelled,
        },
    )
    dossier.state, dossier.frozen_at, dossier.frozen_content_hash = DossierState.DRAFT.value, None, None
    db.session.commit()
    return dossier


def submit(dossier_id: int, user: User) -> Submission:
    """Submit: every condition met, then the ``submit`` entry and the receipt; immutable afterwards."""
    dossier = lock_dossier(dossier_id)
    if dossier.state == DossierState.SUBMITTED.value:
        raise Conflict("This dossier is already submitted.", code="dossier_submitted")
    state = conditions(dossier)
    if not state.met:
        raise Conflict(
            "The dossier cannot be submitted yet: " + " ".join(_UNMET_MESSAGES[c] for c in state.unmet),
            code="submit_conditions_unmet",
            details=[{"field": c, "message": _UNMET_MESSAGES[c]} for c in state.unmet],
        )
    assert state.final_approval is not None and dossier.frozen_content_hash is not None
    now = clock.now()
    cancelled = decisions.cancel_open(dossier)
    entry = register.record(
        dossier_id,
        "submit",
        {
            "content_hash": dossier.frozen_content_hash,
            "submitted_at": utc_timestamp(now),
            "by": user.display_name,
            "final_approval_decision_id": state.final_approval.id,
            "cancelled_decisions": cancelled,
        },
    )
    receipt = _receipt(dossier, entry.hash, entry.sequence, now, user)
    submission = Submission(
        dossier_id=dossier_id,
        submitted_by_id=user.id,
        submitted_at=now,
        content_hash=dossier.frozen_content_hash,
        register_head=entry.hash,
        receipt=register_chain.canonical(receipt),
    )
    dossier.state = DossierState.SUBMITTED.value
    db.session.add(submission)
    submission_package.store(dossier, submission)
    db.session.commit()
    return submission


def _receipt(dossier: Dossier, head: str, sequence: int, at: datetime, user: User) -> dict[str, Any]:
    return {
        "format": "codossier-receipt-v1",
        "dossier_id": dossier.id,
        "title": dossier.title,
        "structure": dossier.structure,
        "content_hash": dossier.frozen_content_hash,
        "register_head": head,
        "register_sequence": sequence,
        "submitted_at": utc_timestamp(at),
        "submitted_by": user.display_name,
    }


def submission(dossier_id: int) -> Submission:
    found: Submission | None = db.session.scalar(db.select(Submission).where(Submission.dossier_id == dossier_id))
    if found is None:
        raise NotFound("This dossier has not been submitted.")
    return found


def receipt_of(found: Submission) -> dict[str, Any]:
    return register_chain.decode(found.receipt)

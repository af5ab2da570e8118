"""The dossier's lifecycle: where it stands, freeze, reopen, submit, and the receipt."""

from __future__ import annotations

from spectree import Response

from ..events.documents import dossier_changed
from ..events.dossiers import governance_changed
from ..extensions import socketio, spec
from ..models import Dossier, Submission
from ..services import lifecycle
from ..services.decision_rules import Rule
from ..services.errors import NotFound
from ..services.policy import Capability
from . import bp
from .access import require_member
from .dossiers import CHANGE_ERRORS, ERRORS
from .due import catch_up
from .governance_schemas import FinalApprovalOut, FreezeIn, LifecycleOut, MissingAnswerOut, ReceiptOut


def receipt_out(found: Submission) -> ReceiptOut:
    return ReceiptOut.model_validate(lifecycle.receipt_of(found))


def lifecycle_out(dossier: Dossier) -> LifecycleOut:
    state = lifecycle.conditions(dossier)
    approval = state.final_approval
    try:
        receipt = receipt_out(lifecycle.submission(dossier.id))
    except NotFound:
        receipt = None
    return LifecycleOut(
        state=dossier.state,
        content_hash=state.content_hash,
        frozen_at=dossier.frozen_at,
        frozen_content_hash=dossier.frozen_content_hash,
        missing_answers=[
            MissingAnswerOut(
                action_id=m.action_id,
                action_title=m.action_title,
                question_key=m.question_key,
                label_fr=m.question_label_fr,
                label_en=m.question_label_en,
            )
            for m in state.missing_answers
        ],
        order_required=state.order_required,
        order_adopted=state.order_adopted,
        final_approval=FinalApprovalOut(
            decision_id=approval.id, state=approval.state, adopted=approval.adopted, closes_at=approval.closes_at
        )
        if approval
        else None,
        final_approval_adopted=state.final_approval_adopted,
        content_unchanged=state.content_unchanged,
        unmet=state.unmet,  # type: ignore[arg-type]
        reopen_decision_adopted=lifecycle.reopen_grounds(dossier) is not None,
        receipt=receipt,
    )


def _state_changed(dossier: Dossier) -> None:
    dossier_changed(
        socketio, dossier.id, {"state": dossier.state, "beneficiaries_may_edit": dossier.beneficiaries_may_edit}
    )
    governance_changed(socketio, dossier.id, topic="lifecycle")


@bp.get("/dossiers/<int:dossier_id>/lifecycle")
@spec.validate(resp=Response(HTTP_200=LifecycleOut, **ERRORS), tags=["lifecycle"])
def get_lifecycle(dossier_id: int) -> LifecycleOut:
    """The state, the current content hash and each submission condition (what is missing)."""
    viewer = require_member(dossier_id, Capability.READ)
    catch_up(dossier_id)
    return lifecycle_out(viewer.dossier)


@bp.post("/dossiers/<int:dossier_id>/freeze")
@spec.validate(json=FreezeIn, resp=Response(HTTP_200=LifecycleOut, **CHANGE_ERRORS), tags=["lifecycle"])
def freeze_dossier(dossier_id: int, json: FreezeIn) -> LifecycleOut:
    """Freeze the answers (lead); the final approval opens, bound to the frozen content hash."""
    viewer = require_member(dossier_id, Capability.FREEZE)
    catch_up(dossier_id)
    lifecycle.freeze(
        dossier_id,
        viewer.user,
        rule=Rule(json.rule),
        quorum_percent=json.quorum_percent,
        closes_at=json.closes_at,
        secret=json.secret,
        require_every_college=json.require_every_college,
    )
    _state_changed(viewer.dossier)
    return lifecycle_out(viewer.dossier)


@bp.post("/dossiers/<int:dossier_id>/reopen")
@spec.validate(resp=Response(HTTP_200=LifecycleOut, **CHANGE_ERRORS), tags=["lifecycle"])
def reopen_dossier(dossier_id: int) -> LifecycleOut:
    """Back to draft (lead), on the strength of an adopted decision to reopen."""
    viewer = require_member(dossier_id, Capability.FREEZE)
    catch_up(dossier_id)
    dossier = lifecycle.reopen(dossier_id, viewer.user)
    _state_changed(dossier)
    return lifecycle_out(dossier)


@bp.post("/dossiers/<int:dossier_id>/submit")
@spec.validate(resp=Response(HTTP_201=ReceiptOut, **CHANGE_ERRORS), tags=["lifecycle"])
def submit_dossier(dossier_id: int) -> tuple[ReceiptOut, int]:
    """Submit (lead) once every condition is met; the reply is the receipt."""
    viewer = require_member(dossier_id, Capability.SUBMIT)
    catch_up(dossier_id)
    found = lifecycle.submit(dossier_id, viewer.user)
    _state_changed(viewer.dossier)
    return receipt_out(found), 201


@bp.get("/dossiers/<int:dossier_id>/receipt")
@spec.validate(resp=Response(HTTP_200=ReceiptOut, **ERRORS), tags=["lifecycle"])
def get_receipt(dossier_id: int) -> ReceiptOut:
    """The submission receipt (content hash, register head, time)."""
    require_member(dossier_id, Capability.READ)
    return receipt_out(lifecycle.submission(dossier_id))

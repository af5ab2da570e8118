"""Dossiers and their actions."""

from __future__ import annotations

from spectree import Response

from ..events import documents as live
from ..extensions import socketio, spec
from ..models import Action, Dossier, Membership
from ..services import actions, dossiers
from ..services.policy import Capability, capabilities
from . import bp
from .access import require_member, require_user
from .due import catch_up
from .schemas import (
    ActionIn,
    ActionList,
    ActionOrderIn,
    ActionOut,
    DossierIn,
    DossierList,
    DossierOut,
    DossierPatch,
    DossierSummary,
    ErrorReply,
    TemplateRef,
)

ERRORS = {"HTTP_401": ErrorReply, "HTTP_403": ErrorReply, "HTTP_404": ErrorReply}
CHANGE_ERRORS = ERRORS | {"HTTP_409": ErrorReply, "HTTP_422": ErrorReply}


def action_out(action: Action) -> ActionOut:
    return ActionOut(id=action.id, title=action.title, position=action.position)


def dossier_out(dossier: Dossier, membership: Membership) -> DossierOut:
    return DossierOut(
        id=dossier.id,
        title=dossier.title,
        structure=dossier.structure,
        state=dossier.state,
        beneficiaries_may_edit=dossier.beneficiaries_may_edit,
        template=TemplateRef(id=dossier.template_id, version=dossier.template_version),
        storyboard_template=TemplateRef(id=dossier.storyboard_template_id, version=dossier.storyboard_template_version),
        my_role=membership.role,  # type: ignore[arg-type]
        my_capabilities=sorted(c.value for c in capabilities(membership.role, dossier)),
        actions=[action_out(a) for a in dossier.actions],
        created_at=dossier.created_at,
    )


@bp.get("/dossiers")
@spec.validate(resp=Response(HTTP_200=DossierList, HTTP_401=ErrorReply), tags=["dossiers"])
def list_dossiers() -> DossierList:
    rows = dossiers.dossiers_of(require_user())
    return DossierList(
        dossiers=[
            DossierSummary(
                id=d.id,
                title=d.title,
                structure=d.structure,
                state=d.state,
                role=m.role,  # type: ignore[arg-type]
                action_count=a,
                member_count=n,
                created_at=d.created_at,
            )
            for d, m, a, n in rows
        ]
    )


@bp.post("/dossiers")
@spec.validate(json=DossierIn, resp=Response(HTTP_201=DossierOut, **CHANGE_ERRORS), tags=["dossiers"])
def create_dossier(json: DossierIn) -> tuple[DossierOut, int]:
    dossier = dossiers.create_dossier(require_user(), json.title, json.structure)
    return dossier_out(dossier, dossier.memberships[0]), 201


@bp.get("/dossiers/<int:dossier_id>")
@spec.validate(resp=Response(HTTP_200=DossierOut, **ERRORS), tags=["dossiers"])
def get_dossier(dossier_id: int) -> DossierOut:
    membership = require_member(dossier_id, Capability.READ)
    return dossier_out(membership.dossier, membership)


@bp.patch("/dossiers/<int:dossier_id>")
@spec.validate(json=DossierPatch, resp=Response(HTTP_200=DossierOut, **CHANGE_ERRORS), tags=["dossiers"])
def update_dossier(dossier_id: int, json: DossierPatch) -> DossierOut:
    membership = require_member(dossier_id, Capability.MANAGE_DOSSIER)
    dossier = dossiers.update_dossier(dossier_id, **json.model_dump(exclude_none=True))
    live.dossier_changed(
        socketio, dossier.id, {"state": dossier.state, "beneficiaries_may_edit": dossier.beneficiaries_may_edit}
    )
    return dossier_out(dossier, membership)


@bp.post("/dossiers/<int:dossier_id>/actions")
@spec.validate(json=ActionIn, resp=Response(HTTP_201=ActionOut, **CHANGE_ERRORS), tags=["actions"])
def add_action(dossier_id: int, json: ActionIn) -> tuple[ActionOut, int]:
    require_member(dossier_id, Capability.MANAGE_ACTIONS)
    catch_up(dossier_id)
    action = actions.add_action(dossier_id, json.title)
    live.dossier_changed(socketio, dossier_id, {"actions": True})
    return action_out(action), 201


@bp.patch("/dossiers/<int:dossier_id>/actions/<int:action_id>")
@spec.validate(json=ActionIn, resp=Response(HTTP_200=ActionOut, **CHANGE_ERRORS), tags=["actions"])
def rename_action(dossier_id: int, action_id: int, json: ActionIn) -> ActionOut:
    require_member(dossier_id, Capability.MANAGE_ACTIONS)
    catch_up(dossier_id)
    action = actions.rename_action(dossier_id, action_id, json.title)
    live.dossier_changed(socketio, dossier_id, {"actions": True})
    return action_out(action)


@bp.delete("/dossiers/<int:dossier_id>/actions/<int:action_id>")
@spec.validate(resp=Response(HTTP_204=None, **CHANGE_ERRORS), tags=["actions"])
def delete_action(dossier_id: int, action_id: int) -> tuple[str, int]:
    require_member(dossier_id, Capability.MANAGE_ACTIONS)
    catch_up(dossier_id)
    actions.delete_action(dossier_id, action_id)
    live.dossier_changed(socketio, dossier_id, {"actions": True})
    return "", 204


@bp.put("/dossiers/<int:dossier_id>/actions/order")
@spec.validate(json=ActionOrderIn, resp=Response(HTTP_200=ActionList, **CHANGE_ERRORS), tags=["actions"])
def reorder_actions(dossier_id: int, json: ActionOrderIn) -> ActionList:
    require_member(dossier_id, Capability.MANAGE_ACTIONS)
    catch_up(dossier_id)
    ordered = actions.reorder_actions(dossier_id, json.action_ids)
    live.dossier_changed(socketio, dossier_id, {"actions": True})
    return ActionList(actions=[action_out(a) for a in ordered])

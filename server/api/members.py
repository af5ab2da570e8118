"""Members of a dossier and the lead's invitations and re-entry links."""

from __future__ import annotations

from spectree import Response

from ..events import documents as live
from ..extensions import socketio, spec
from ..models import Invitation, Membership, Role
from ..services import invitations, members
from ..services.policy import Capability
from . import bp
from .access import require_member
from .dossiers import CHANGE_ERRORS, ERRORS
from .schemas import InvitationIn, InvitationList, InvitationOut, MemberList, MemberOut, ReentryIn, RoleIn


def member_out(membership: Membership, viewer: Membership) -> MemberOut:
    user = membership.user
    return MemberOut(
        id=membership.id,
        user_id=user.id,
        display_name=user.display_name,
        email=user.email if viewer.role == Role.LEAD.value else None,
        role=membership.role,  # type: ignore[arg-type]
        college_id=membership.college_id,
        has_account=user.has_account,
        joined_at=membership.joined_at,
        is_me=membership.user_id == viewer.user_id,
    )


def invitation_out(invitation: Invitation) -> InvitationOut:
    member_id = None
    if invitation.target_user_id is not None:
        member_id = next((m.id for m in invitation.dossier.memberships if m.user_id == invitation.target_user_id), None)
    return InvitationOut(
        id=invitation.id,
        kind=invitation.kind,  # type: ignore[arg-type]
        role=invitation.role,  # type: ignore[arg-type]
        label=invitation.label,
        email=invitation.email,
        member_id=member_id,
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
        status=invitations.status(invitation).value,
        url=invitations.link_for(invitation),
    )


@bp.get("/dossiers/<int:dossier_id>/members")
@spec.validate(resp=Response(HTTP_200=MemberList, **ERRORS), tags=["members"])
def list_members(dossier_id: int) -> MemberList:
    viewer = require_member(dossier_id, Capability.READ)
    return MemberList(members=[member_out(m, viewer) for m in viewer.dossier.memberships])


@bp.patch("/dossiers/<int:dossier_id>/members/<int:member_id>")
@spec.validate(json=RoleIn, resp=Response(HTTP_200=MemberOut, **CHANGE_ERRORS), tags=["members"])
def change_role(dossier_id: int, member_id: int, json: RoleIn) -> MemberOut:
    viewer = require_member(dossier_id, Capability.MANAGE_MEMBERS)
    changed = member_out(members.change_role(dossier_id, member_id, Role(json.role)), viewer)
    live.dossier_changed(socketio, dossier_id, {"members": True})
    return changed


@bp.delete("/dossiers/<int:dossier_id>/members/<int:member_id>")
@spec.validate(resp=Response(HTTP_204=None, **CHANGE_ERRORS), tags=["members"])
def remove_member(dossier_id: int, member_id: int) -> tuple[str, int]:
    require_member(dossier_id, Capability.MANAGE_MEMBERS)
    members.remove_member(dossier_id, member_id)
    live.dossier_changed(socketio, dossier_id, {"members": True})
    return "", 204


@bp.post("/dossiers/<int:dossier_id>/members/<int:member_id>/reentry-link")
@spec.validate(json=ReentryIn, resp=Response(HTTP_201=InvitationOut, **CHANGE_ERRORS), tags=["members"])
def create_reentry_link(dossier_id: int, member_id: int, json: ReentryIn) -> tuple[InvitationOut, int]:
    lead = require_member(dossier_id, Capability.MANAGE_MEMBERS)
    link = invitations.create_reentry_link(dossier_id, lead.user, member_id, json.expires_in_days)
    return invitation_out(link), 201


@bp.get("/dossiers/<int:dossier_id>/invitations")
@spec.validate(resp=Response(HTTP_200=InvitationList, **ERRORS), tags=["invitations"])
def list_invitations(dossier_id: int) -> InvitationList:
    require_member(dossier_id, Capability.MANAGE_MEMBERS)
    return InvitationList(invitations=[invitation_out(i) for i in invitations.pending(dossier_id)])


@bp.post("/dossiers/<int:dossier_id>/invitations")
@spec.validate(json=InvitationIn, resp=Response(HTTP_201=InvitationOut, **CHANGE_ERRORS), tags=["invitations"])
def create_invitation(dossier_id: int, json: InvitationIn) -> tuple[InvitationOut, int]:
    lead = require_member(dossier_id, Capability.MANAGE_MEMBERS)
    invitation = invitations.create_invitation(
        dossier_id, lead.user, Role(json.role), json.expires_in_days, json.label or None, json.email
    )
    return invitation_out(invitation), 201


@bp.delete("/dossiers/<int:dossier_id>/invitations/<int:invitation_id>")
@spec.validate(resp=Response(HTTP_204=None, **CHANGE_ERRORS), tags=["invitations"])
def revoke_invitation(dossier_id: int, invitation_id: int) -> tuple[str, int]:
    require_member(dossier_id, Capability.MANAGE_MEMBERS)
    invitations.revoke(dossier_id, invitation_id)
    return "", 204

"""Opening and using a link: the public side of invitations and re-entry links."""

from __future__ import annotations

from flask_login import current_user
from spectree import Response

from ..extensions import limiter, spec
from ..services import invitations
from . import bp
from .auth import credentials_rate_limit, start_session
from .schemas import AcceptIn, AcceptOut, DossierHeading, ErrorReply, InvitationPreviewOut

LINK_ERRORS = {
    "HTTP_400": ErrorReply,
    "HTTP_401": ErrorReply,
    "HTTP_403": ErrorReply,
    "HTTP_404": ErrorReply,
    "HTTP_409": ErrorReply,
    "HTTP_410": ErrorReply,
    "HTTP_422": ErrorReply,
}


@bp.get("/invitations/<token>")
@spec.validate(resp=Response(HTTP_200=InvitationPreviewOut, **LINK_ERRORS), tags=["invitations"])
def preview_invitation(token: str) -> InvitationPreviewOut:
    found = invitations.preview(token)
    invitation = found.invitation
    return InvitationPreviewOut(
        kind=invitation.kind,  # type: ignore[arg-type]
        role=invitation.role,  # type: ignore[arg-type]
        dossier=DossierHeading(title=invitation.dossier.title, structure=invitation.dossier.structure),
        expires_at=invitation.expires_at,
        requires_account=found.requires_account,
        display_name=invitation.target_user.display_name if invitation.target_user else None,
    )


@bp.post("/invitations/<token>/accept")
@limiter.limit(credentials_rate_limit)
@spec.validate(
    json=AcceptIn,
    resp=Response(HTTP_200=AcceptOut, HTTP_429=ErrorReply, HTTP_503=ErrorReply, **LINK_ERRORS),
    tags=["invitations"],
)
def accept_invitation(token: str, json: AcceptIn) -> AcceptOut:
    current = current_user._get_current_object() if current_user.is_authenticated else None
    accepted = invitations.accept(
        token, current, display_name=json.display_name, email=json.email, password=json.password
    )
    return AcceptOut(session=start_session(accepted.user, accepted.scope), dossier_id=accepted.dossier_id)

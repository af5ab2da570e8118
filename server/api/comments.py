"""Comment threads on the questions of a live document; every change is pushed live."""

from __future__ import annotations

from spectree import Response

from ..extensions import db, socketio, spec
from ..models import CommentThread, DossierState, Membership, User
from ..services import comments, documents
from ..services.errors import Conflict
from ..services.policy import Capability
from . import bp
from .access import require_member
from .dossiers import CHANGE_ERRORS, ERRORS
from .schemas import AnchorOut, CommentOut, PersonOut, ReplyIn, ThreadIn, ThreadList, ThreadOut


def _person(user: User | None, roles: dict[int, str]) -> PersonOut | None:
    if user is None:
        return None
    return PersonOut(id=user.id, display_name=user.display_name, role=roles.get(user.id))  # type: ignore[arg-type]


def thread_out(thread: CommentThread, roles: dict[int, str]) -> ThreadOut:
    resolved_by = db.session.get(User, thread.resolved_by_id) if thread.resolved_by_id else None
    anchor = (
        AnchorOut(start=thread.anchor_start, end=thread.anchor_end)
        if thread.anchor_start and thread.anchor_end
        else None
    )
    return ThreadOut(
        id=thread.id,
        dossier_id=thread.dossier_id,
        document=thread.document,
        question=thread.question,
        anchor=anchor,
        quote=thread.quote,
        created_by=_person(thread.created_by, roles),  # type: ignore[arg-type]
        created_at=thread.created_at,
        resolved_at=thread.resolved_at,
        resolved_by=_person(resolved_by, roles),
        comments=[
            CommentOut(id=c.id, author=_person(c.author, roles), body=c.body, created_at=c.created_at)  # type: ignore[arg-type]
            for c in thread.comments
        ],
    )


def _roles(member: Membership) -> dict[int, str]:
    return {m.user_id: m.role for m in member.dossier.memberships}


def _commenter(dossier_id: int) -> Membership:
    member = require_member(dossier_id, Capability.COMMENT)
    if member.dossier.state == DossierState.SUBMITTED.value:
        raise Conflict("The dossier is submitted: it can no longer be commented.", code="dossier_submitted")
    return member


def _changed(member: Membership, thread: CommentThread) -> ThreadOut:
    """Push the thread to everyone who has its document open, and return it."""
    shaped = thread_out(thread, _roles(member))
    ref = documents.DocumentRef(thread.dossier_id, thread.document)
    socketio.emit("comment", shaped.model_dump(mode="json"), to=ref.room)
    return shaped


@bp.get("/dossiers/<int:dossier_id>/documents/<document>/comments")
@spec.validate(resp=Response(HTTP_200=ThreadList, **ERRORS), tags=["comments"])
def list_threads(dossier_id: int, document: str) -> ThreadList:
    member = require_member(dossier_id, Capability.READ)
    ref = documents.resolve(dossier_id, document)
    roles = _roles(member)
    return ThreadList(threads=[thread_out(t, roles) for t in comments.threads(ref)])


@bp.post("/dossiers/<int:dossier_id>/documents/<document>/comments")
@spec.validate(json=ThreadIn, resp=Response(HTTP_201=ThreadOut, **CHANGE_ERRORS), tags=["comments"])
def open_thread(dossier_id: int, document: str, json: ThreadIn) -> tuple[ThreadOut, int]:
    member = _commenter(dossier_id)
    ref = documents.resolve(dossier_id, document)
    anchor = (json.anchor.start, json.anchor.end) if json.anchor else None
    thread = comments.open_thread(member, ref, json.question, json.body, anchor=anchor, quote=json.quote)
    return _changed(member, thread), 201


@bp.post("/dossiers/<int:dossier_id>/comments/<int:thread_id>/replies")
@spec.validate(json=ReplyIn, resp=Response(HTTP_200=ThreadOut, **CHANGE_ERRORS), tags=["comments"])
def reply(dossier_id: int, thread_id: int, json: ReplyIn) -> ThreadOut:
    member = _commenter(dossier_id)
    return _changed(member, comments.reply(member, dossier_id, thread_id, json.body))


@bp.post("/dossiers/<int:dossier_id>/comments/<int:thread_id>/resolve")
@spec.validate(resp=Response(HTTP_200=ThreadOut, **CHANGE_ERRORS), tags=["comments"])
def resolve(dossier_id: int, thread_id: int) -> ThreadOut:
    member = _commenter(dossier_id)
    return _changed(member, comments.resolve(member, dossier_id, thread_id))


@bp.post("/dossiers/<int:dossier_id>/comments/<int:thread_id>/reopen")
@spec.validate(resp=Response(HTTP_200=ThreadOut, **CHANGE_ERRORS), tags=["comments"])
def reopen(dossier_id: int, thread_id: int) -> ThreadOut:
    member = _commenter(dossier_id)
    return _changed(member, comments.reopen(member, dossier_id, thread_id))

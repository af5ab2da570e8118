"""Comments: threads on a question (optionally on a passage), replies, resolve and reopen.

Comment bodies are plain text: stored as typed (control characters removed),
never interpreted as HTML, so a script in a comment is only ever text.
"""

from __future__ import annotations

import unicodedata

from ..extensions import db
from ..models import Comment, CommentThread, Membership, Role
from . import clock
from .documents import DocumentRef, template_of
from .errors import Conflict, Forbidden, InvalidInput, NotFound

MAX_BODY = 5000


def clean_body(body: str) -> str:
    """Plain text without control characters (new lines and tabs kept)."""
    kept = "".join(c for c in body if c in "\n\t" or unicodedata.category(c)[0] != "C")
    text = kept.strip()
    if not text:
        raise InvalidInput("A comment cannot be empty.", details=[{"field": "body", "message": "empty"}])
    if len(text) > MAX_BODY:
        raise InvalidInput(
            f"A comment holds at most {MAX_BODY} characters.", details=[{"field": "body", "message": "too long"}]
        )
    return text


def threads(ref: DocumentRef) -> list[CommentThread]:
    return list(
        db.session.scalars(
            db.select(CommentThread)
            .where(CommentThread.dossier_id == ref.dossier_id, CommentThread.document == ref.name)
            .order_by(CommentThread.created_at, CommentThread.id)
        )
    )


def thread(dossier_id: int, thread_id: int) -> CommentThread:
    found = db.session.get(CommentThread, thread_id)
    if found is None or found.dossier_id != dossier_id:
        raise NotFound("No such comment thread in this dossier.")
    return found


def open_thread(
    author: Membership,
    ref: DocumentRef,
    question: str,
    body: str,
    *,
    anchor: tuple[str, str] | None = None,
    quote: str | None = None,
) -> CommentThread:
    if template_of(author.dossier, ref).question(question) is None:
        raise InvalidInput("This document has no such question.", details=[{"field": "question", "message": "unknown"}])
    now = clock.now()
    created = CommentThread(
        dossier_id=ref.dossier_id,
        document=ref.name,
        question=question,
        anchor_start=anchor[0] if anchor else None,
        anchor_end=anchor[1] if anchor else None,
        quote=quote.strip()[:500] if quote else None,
        created_by_id=author.user_id,
        created_at=now,
    )
    created.comments.append(Comment(author_id=author.user_id, body=clean_body(body), created_at=now))
    db.session.add(created)
    db.session.commit()
    return created


def reply(author: Membership, dossier_id: int, thread_id: int, body: str) -> CommentThread:
    target = thread(dossier_id, thread_id)
    target.comments.append(Comment(author_id=author.user_id, body=clean_body(body), created_at=clock.now()))
    db.session.commit()
    return target


def _may_settle(member: Membership, target: CommentThread) -> None:
    if target.created_by_id != member.user_id and member.role != Role.LEAD.value:
        raise Forbidden("Only the person who opened this thread, or a lead, can resolve or reopen it.")


def resolve(member: Membership, dossier_id: int, thread_id: int) -> CommentThread:
    target = thread(dossier_id, thread_id)
    _may_settle(member, target)
    if target.resolved_at is not None:
        raise Conflict("This thread is already resolved.", code="already_resolved")
    target.resolved_at = clock.now()
    target.resolved_by_id = member.user_id
    db.session.commit()
    return target


def reopen(member: Membership, dossier_id: int, thread_id: int) -> CommentThread:
    target = thread(dossier_id, thread_id)
    _may_settle(member, target)
    if target.resolved_at is None:
        raise Conflict("This thread is open already.", code="not_resolved")
    target.resolved_at = None
    target.resolved_by_id = None
    db.session.commit()
    return target

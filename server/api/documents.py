"""Answers rendered by the server from the stored CRDT, as HTML and plain text, and who wrote them."""

from __future__ import annotations

from spectree import Response

from ..extensions import spec
from ..services import authorship, documents
from ..services.policy import Capability
from ..services.rendering import render_fragment
from . import bp
from .access import require_member
from .dossiers import ERRORS
from .schemas import AnswerAuthorshipOut, AnswerOut, AnswersOut, AuthorshipOut, WriterOut


@bp.get("/dossiers/<int:dossier_id>/documents/<document>/answers")
@spec.validate(resp=Response(HTTP_200=AnswersOut, **ERRORS), tags=["documents"])
def answers(dossier_id: int, document: str) -> AnswersOut:
    """Every answer of a document (an action or the storyboard), in the form's order."""
    membership = require_member(dossier_id, Capability.READ)
    ref = documents.resolve(dossier_id, document)
    template = documents.template_of(membership.dossier, ref)
    doc = documents.load_doc(ref)
    rendered = [render_fragment(doc, question.key) for question in template.questions]
    return AnswersOut(
        document=ref.name,
        answers=[AnswerOut(key=a.key, html=a.html, text=a.text, characters=a.characters) for a in rendered],
    )


@bp.get("/dossiers/<int:dossier_id>/documents/<document>/authorship")
@spec.validate(resp=Response(HTTP_200=AuthorshipOut, **ERRORS), tags=["documents"])
def document_authorship(dossier_id: int, document: str) -> AuthorshipOut:
    """Who wrote each answer's current text, in characters (deleted text no longer counts)."""
    membership = require_member(dossier_id, Capability.READ)
    ref = documents.resolve(dossier_id, document)
    return AuthorshipOut(
        document=ref.name,
        answers=[
            AnswerAuthorshipOut(
                key=a.key,
                characters=a.characters,
                writers=[
                    WriterOut(
                        user_id=w.user_id,
                        display_name=w.display_name,
                        role=w.role,  # type: ignore[arg-type]
                        characters=w.characters,
                    )
                    for w in a.writers
                ],
            )
            for a in authorship.of_document(membership.dossier, ref)
        ],
    )

"""Who wrote each answer: the characters of its current text per member, for the editor and the API.

The counts come from ``documents.characters`` (the authorship kept at compaction, brought up to date
with the log: see ``author_tracking``); this module names the people and orders them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import Dossier, User
from . import documents
from .documents import DocumentRef


@dataclass(frozen=True)
class Writer:
    user_id: int | None  # None: text stored before authorship was kept
    display_name: str | None
    role: str | None  # None: no longer a member (or not recorded)
    characters: int


@dataclass(frozen=True)
class AnswerAuthorship:
    key: str
    characters: int
    writers: list[Writer]  # most characters first


def of_document(dossier: Dossier, ref: DocumentRef) -> list[AnswerAuthorship]:
    """Every answer of the document, in the form's order, with who wrote its current text."""
    counts = documents.characters(ref)
    template = documents.template_of(dossier, ref)
    people = {a for field in counts.values() for a in field if a is not None}
    names: dict[int, str] = {
        user_id: name
        for user_id, name in db.session.execute(select(User.id, User.display_name).where(User.id.in_(people)))
    }
    roles = {m.user_id: m.role for m in dossier.memberships}
    answers = []
    for question in template.questions:
        field = counts.get(question.key, Counter())
        writers = [
            Writer(author, names.get(author) if author else None, roles.get(author) if author else None, n)
            for author, n in field.items()
            if n > 0
        ]
        writers.sort(key=lambda w: (-w.characters, w.display_name or ""))
        answers.append(AnswerAuthorship(question.key, sum(w.characters for w in writers), writers))
    return answers

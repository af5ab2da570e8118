"""What the dossier says, rendered by the server from the CRDT, and its content hash.

The **content hash** is the SHA-256 (hex) of the canonical encoding
(``register_chain.canonical``) of :func:`snapshot`: the dossier's title and
structure, the form versions, then every action in the dossier's order with
its title and the HTML of each answer (in the form's order), then the
storyboard's answers. A decision "about the text" records this hash; the
register shows it; anyone with the same answers recomputes the same hash.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from ..models import Action, Dossier
from . import documents, register_chain
from .documents import STORYBOARD, DocumentRef
from .forms import FormTemplate
from .rendering import Answer, render_fragment


def _answers(dossier: Dossier, name: str) -> tuple[FormTemplate, list[Answer]]:
    ref = DocumentRef(dossier.id, name)
    template = documents.template_of(dossier, ref)
    doc = documents.load_doc(ref)
    return template, [render_fragment(doc, q.key) for q in template.questions]


def snapshot(dossier: Dossier) -> dict[str, Any]:
    """The content that the hash covers, as plain data (see the module docstring)."""
    actions = []
    for action in dossier.actions:
        _, answers = _answers(dossier, documents.action_document(action.id))
        actions.append({"id": action.id, "title": action.title, "answers": {a.key: a.html for a in answers}})
    _, storyboard = _answers(dossier, STORYBOARD)
    return {
        "format": "codossier-content-v1",
        "title": dossier.title,
        "structure": dossier.structure,
        "forms": {
            "action": f"{dossier.template_id}@{dossier.template_version}",
            "storyboard": f"{dossier.storyboard_template_id}@{dossier.storyboard_template_version}",
        },
        "actions": actions,
        "storyboard": {a.key: a.html for a in storyboard},
    }


def hash_of(content: dict[str, Any]) -> str:
    """The content hash of a :func:`snapshot` already taken."""
    return hashlib.sha256(register_chain.canonical(content)).hexdigest()


def content_hash(dossier: Dossier) -> str:
    return hash_of(snapshot(dossier))


@dataclass(frozen=True)
class MissingAnswer:
    action_id: int
    action_title: str
    question_key: str
    question_label_fr: str
    question_label_en: str


def missing_answers(dossier: Dossier) -> list[MissingAnswer]:
    """Every required question of every action whose answer is still empty, in order."""
    missing = []
    for action in dossier.actions:
        missing.extend(_missing_in(dossier, action))
    return missing


def _missing_in(dossier: Dossier, action: Action) -> list[MissingAnswer]:
    template, answers = _answers(dossier, documents.action_document(action.id))
    by_key = {a.key: a for a in answers}
    return [
        MissingAnswer(action.id, action.title, q.key, q.label.fr, q.label.en)
        for q in template.questions
        if q.required and not by_key[q.key].text.strip()
    ]

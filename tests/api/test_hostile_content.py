"""No stored content ever produces a 5xx: hostile XML structures (tests/hostile.py), written straight
into the stored documents as old data would be, go through the real API: answers, lifecycle (missing
answers, content hash), a decision about the text, the DOCX and PDF exports, the print HTML, and freeze.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pycrdt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.extensions import db
from server.models import Dossier
from server.services import documents
from server.services.export import model as export_model
from server.services.export import pdf as export_pdf
from tests import hostile
from tests.support import DossierWorld

from .governance_support import HEX64, propose
from .test_lifecycle import freeze

ACTION_KEYS = ["objectifs", "descriptif", "calendrier", "inconnu"]
STORYBOARD_KEYS = ["gouvernance_partagee", "inconnu"]


def answered(world: DossierWorld, path: str, status: int = 200) -> Any:
    reply = world.client("lead").get(world.url(path))
    assert reply.status_code == status, (path, reply.status_code, reply.get_data(as_text=True)[:300])
    return reply


def everything_reads(world: DossierWorld) -> None:
    for document in [documents.action_document(a) for a in world.action_ids] + [documents.STORYBOARD]:
        answers = answered(world, f"/documents/{document}/answers").get_json()["answers"]
        assert all(isinstance(a["html"], str) and isinstance(a["text"], str) for a in answers)
    assert HEX64.match(answered(world, "/lifecycle").get_json()["content_hash"])
    assert answered(world, "/export.docx").data.startswith(b"PK")
    assert answered(world, "/export.pdf").data.startswith(b"%PDF")
    with world.app.app_context():
        html = export_pdf.dossier_html(export_model.build(db.session.get(Dossier, world.dossier_id)))
        assert "<html" in html
        db.session.remove()


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    action=st.dictionaries(st.sampled_from(ACTION_KEYS), hostile.roots, min_size=1, max_size=3),
    storyboard=st.dictionaries(st.sampled_from(STORYBOARD_KEYS), hostile.roots, max_size=2),
)
def test_hostile_stored_content_never_gives_a_server_error(
    world: DossierWorld, action: dict[str, Any], storyboard: dict[str, Any]
) -> None:
    author = world.user_ids["beneficiary"]
    hostile.store(world.app, world.dossier_id, documents.action_document(world.action_ids[0]), action, author)
    hostile.store(world.app, world.dossier_id, documents.STORYBOARD, storyboard, author)
    everything_reads(world)
    decision = propose(world, "lead", about_text=True)
    assert HEX64.match(decision["content_hash"]), decision


def heading_inf(doc: pycrdt.Doc, key: str) -> None:
    heading = doc.get(key, type=pycrdt.XmlFragment).children.append(pycrdt.XmlElement("heading"))
    heading.attributes["level"] = "inf"
    heading.children.append(pycrdt.XmlText("Titre"))


def blockquotes(doc: pycrdt.Doc, key: str) -> None:
    current: Any = doc.get(key, type=pycrdt.XmlFragment)
    for _ in range(2000):
        current = current.children.append(pycrdt.XmlElement("blockquote"))
    current.children.append(pycrdt.XmlElement("paragraph")).children.append(pycrdt.XmlText("fond"))


def map_root(doc: pycrdt.Doc, key: str) -> None:
    doc.get(key, type=pycrdt.Map)["level"] = float("inf")


POISON: dict[str, Callable[[pycrdt.Doc, str], None]] = {
    "heading level inf": heading_inf,
    "2000 nested blockquotes": blockquotes,
    "map root": map_root,
}


@pytest.mark.parametrize("poison", POISON.values(), ids=POISON.keys())
def test_the_reported_poison_no_longer_blocks_the_dossier(
    world: DossierWorld, poison: Callable[[pycrdt.Doc, str], None]
) -> None:
    """The review's two updates, stored before the check existed: the dossier still reads, exports and freezes."""
    for document, key in (
        (documents.action_document(world.action_ids[0]), "objectifs"),
        (documents.STORYBOARD, "gouvernance_partagee"),
    ):
        doc = pycrdt.Doc()
        poison(doc, key)
        update = doc.get_update()
        with world.app.app_context():
            documents.append(
                [(documents.DocumentRef(world.dossier_id, document), world.user_ids["beneficiary"], update)]
            )
            db.session.commit()
            db.session.remove()
    everything_reads(world)
    assert freeze(world)["state"] == "fige"
    everything_reads(world)

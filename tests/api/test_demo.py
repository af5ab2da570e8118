"""The demo dossier of `codossier demo`: realistic, complete, and created only once."""

from __future__ import annotations

from collections import Counter

from flask import Flask

from server import demo
from server.extensions import db
from server.services import documents
from server.services.rendering import render_fragment
from tests.support import ApiClient


def test_the_demo_dossier_has_its_people_actions_answers_and_a_comment(sqlite_app: Flask) -> None:
    with sqlite_app.app_context():
        dossier = demo.seed()
        assert demo.seed().id == dossier.id  # reused, not duplicated
        assert dossier.title == "Projet Panier Commun"
        assert [a.position for a in dossier.actions] == [1, 2, 3]
        roles = Counter(m.role for m in dossier.memberships)
        assert roles == {"lead": 1, "partner": 2, "beneficiary": 2, "observer": 1}
        first = documents.DocumentRef(dossier.id, documents.action_document(dossier.actions[0].id))
        answer = render_fragment(documents.load_doc(first), "public_beneficiaire")
        assert answer.html.startswith("<p>Les personnes âgées")
        authors = {a for counts in documents.characters(first).values() for a in counts}
        assert len(authors) == 4, "the first answers are written by four different members"
        links = demo.reentry_links(dossier)
        assert sorted(name for name, _ in links) == ["Jordan", "Sylvie"]
        lead_id = dossier.created_by_id
        dossier_id = dossier.id
        db.session.remove()
    threads = ApiClient(sqlite_app, lead_id).get(f"/api/dossiers/{dossier_id}/documents/{first.name}/comments")
    bodies = [c["body"] for c in threads.get_json()["threads"][0]["comments"]]
    assert bodies[0].startswith("On peut dire aussi") and len(bodies) == 2

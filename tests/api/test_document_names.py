"""A document has one name: ``action-<id>`` in ASCII digits without a leading zero, or ``storyboard``.

Every other spelling (``action-05``, Arabic-Indic or full-width digits, a
trailing newline…) is ``not_found`` on the HTTP routes, even when content was
stored under it before; the socket side is in tests/events/test_content_schema_events.py.
"""

from __future__ import annotations

from urllib.parse import quote

import pycrdt

from server.extensions import db
from server.services import documents
from tests.events.test_content_schema_events import spellings
from tests.support import DossierWorld, snapshot

from .conftest import assert_error


def test_every_other_spelling_of_a_document_is_not_found_on_the_http_routes(world: DossierWorld) -> None:
    lead = world.client("lead")
    action_id = world.action_ids[0]
    before = snapshot(world.app)
    for name in spellings(action_id):
        path = world.url(f"/documents/{quote(name, safe='')}")
        assert_error(lead.get(f"{path}/answers"), 404, "not_found")
        assert_error(lead.get(f"{path}/comments"), 404, "not_found")
        assert_error(lead.post(f"{path}/comments", {"question": "objectifs", "body": "Un avis"}), 404, "not_found")
    assert snapshot(world.app) == before
    for name in (f"action-{action_id}", "storyboard"):
        assert lead.get(world.url(f"/documents/{name}/answers")).status_code == 200


def test_content_stored_under_another_spelling_is_not_served(world: DossierWorld) -> None:
    action_id = world.action_ids[0]
    doc = pycrdt.Doc()
    doc.get("objectifs", type=pycrdt.XmlFragment).children.append(
        pycrdt.XmlElement("paragraph", None, [pycrdt.XmlText("à côté")])
    )
    with world.app.app_context():
        documents.append(
            [
                (
                    documents.DocumentRef(world.dossier_id, f"action-0{action_id}"),
                    world.user_ids["lead"],
                    doc.get_update(),
                )
            ]
        )
        db.session.commit()
        db.session.remove()
    assert_error(world.client("lead").get(world.url(f"/documents/action-0{action_id}/answers")), 404, "not_found")

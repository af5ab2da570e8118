"""The socket refuses an update that breaks the document schema (``invalid_content``) and stores nothing;
a document name has exactly one spelling, the others are ``not_found`` on ``join`` and ``y``.

In-process Socket.IO test clients on each backend (the ``world`` fixture), the
real relay committing what is accepted.
"""

from __future__ import annotations

from typing import Any

import pycrdt
import pytest
from flask_socketio import SocketIOTestClient

from server.extensions import socketio
from server.services import documents
from tests.live import STEP1, sync_message, update_message
from tests.support import DossierWorld, snapshot

BAD_SPELLINGS = (
    "action-0{id}",
    "action-00{id}",
    "action-{arabic}",
    "action-{id}\n",
    "action-{id} ",
    " action-{id}",
    "action-+{id}",
    "action-{wide}",
    "Action-{id}",
    "action-{id}.0",
    "storyboard\n",
    "STORYBOARD",
)


def spellings(action_id: int) -> list[str]:
    arabic = "".join(chr(0x660 + int(d)) for d in str(action_id))
    wide = "".join(chr(0xFF10 + int(d)) for d in str(action_id))
    return [s.format(id=action_id, arabic=arabic, wide=wide) for s in BAD_SPELLINGS]


def connect(world: DossierWorld, who: str) -> SocketIOTestClient:
    connection = socketio.test_client(world.app, flask_test_client=world.client(who).http)
    assert connection.is_connected()
    return connection


def join(connection: SocketIOTestClient, dossier_id: int, document: str) -> Any:
    return connection.emit("join", {"dossier_id": dossier_id, "document": document}, callback=True)


def errors(connection: SocketIOTestClient) -> list[dict[str, Any]]:
    return [event["args"][0] for event in connection.get_received() if event["name"] == "y-error"]


def heading_update(level: object) -> bytes:
    doc = pycrdt.Doc()
    heading = doc.get("objectifs", type=pycrdt.XmlFragment).children.append(pycrdt.XmlElement("heading"))
    heading.attributes["level"] = level
    heading.children.append(pycrdt.XmlText("Titre"))
    return doc.get_update()


def nested_update(depth: int) -> bytes:
    doc = pycrdt.Doc()
    current: Any = doc.get("objectifs", type=pycrdt.XmlFragment)
    for _ in range(depth):
        current = current.children.append(pycrdt.XmlElement("blockquote"))
    current.children.append(pycrdt.XmlElement("paragraph")).children.append(pycrdt.XmlText("fond"))
    return doc.get_update()


@pytest.mark.parametrize(
    "update", [heading_update("inf"), nested_update(2000)], ids=["heading level inf", "2000 nested blockquotes"]
)
def test_a_poison_update_from_a_beneficiary_is_refused_and_stores_nothing(world: DossierWorld, update: bytes) -> None:
    beneficiary = connect(world, "beneficiary")
    document = documents.action_document(world.action_ids[0])
    assert join(beneficiary, world.dossier_id, document)["ok"] is True
    beneficiary.get_received()
    before = snapshot(world.app)

    ack = beneficiary.emit("y", world.dossier_id, document, update_message(update), callback=True)

    assert ack["saved"] is False and ack["error"]["code"] == "invalid_content", ack
    assert errors(beneficiary) == [
        {
            "dossier_id": world.dossier_id,
            "document": document,
            "code": "invalid_content",
            "message": ack["error"]["message"],
        }
    ]
    assert snapshot(world.app) == before
    answers = world.client("beneficiary").get(world.url(f"/documents/{document}/answers"))
    assert answers.status_code == 200
    beneficiary.disconnect()


def test_a_valid_rich_update_is_saved(world: DossierWorld) -> None:
    partner = connect(world, "partner")
    document = documents.action_document(world.action_ids[0])
    assert join(partner, world.dossier_id, document)["ok"] is True

    ack = partner.emit("y", world.dossier_id, document, update_message(heading_update(3)), callback=True)

    assert ack == {"saved": True}
    answers = world.client("partner").get(world.url(f"/documents/{document}/answers")).get_json()
    assert answers["answers"][0]["html"] == "<h3>Titre</h3>"
    partner.disconnect()


def test_every_other_spelling_of_a_document_is_not_found_on_join_and_y(world: DossierWorld) -> None:
    partner = connect(world, "partner")
    action_id = world.action_ids[0]
    before = snapshot(world.app)
    for name in spellings(action_id):
        joined = join(partner, world.dossier_id, name)
        assert joined["ok"] is False and joined["error"]["code"] == "not_found", (name, joined)
        for message, key in ((update_message(heading_update(3)), "saved"), (sync_message(STEP1, b"\x00"), "ok")):
            ack = partner.emit("y", world.dossier_id, name, message, callback=True)
            assert ack[key] is False and ack["error"]["code"] == "not_found", (name, ack)  # the key: docs/protocol.md
    assert snapshot(world.app) == before
    assert join(partner, world.dossier_id, f"action-{action_id}")["ok"] is True
    assert join(partner, world.dossier_id, "storyboard")["ok"] is True
    partner.disconnect()

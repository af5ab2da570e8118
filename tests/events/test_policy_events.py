"""Every socket event × every role, through a real server process: the answer each gets,
written out as one explicit table, and what the others see (or do not see)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pycrdt
import pytest
import socketio

from server.extensions import db
from server.models import Membership, Role
from tests.live import (
    STEP1,
    LiveWorld,
    ServerProcess,
    YClient,
    awareness_message,
    insert_text,
    plain_text,
    session_cookie,
    sync_message,
    total_updates,
)
from tests.support import join

from .conftest import shared_world_and_server

MAX = 1024 * 1024


@dataclass(frozen=True)
class Refused:
    code: str


CANNOT_CONNECT = "cannot connect"
JOINED = {"ok": True, "read_only": False, "max_update_bytes": MAX}
JOINED_READ_ONLY = {"ok": True, "read_only": True, "max_update_bytes": MAX}
OK = {"ok": True}
SAVED = {"saved": True}

EVENTS = ("join", "leave", "sync step 1", "update", "awareness")
EXPECTED: dict[str, tuple[Any, ...]] = {
    #               join                   leave                  sync step 1            update                 awareness  # noqa: E501
    "lead":        (JOINED,                OK,                    OK,                    SAVED,                 OK),
    "partner":     (JOINED,                OK,                    OK,                    SAVED,                 OK),
    "beneficiary": (JOINED,                OK,                    OK,                    SAVED,                 OK),
    "observer":    (JOINED_READ_ONLY,      OK,                    OK,                    Refused("read_only"),  OK),
    "outsider":    (Refused("not_found"),  OK,                    Refused("not_joined"), Refused("not_joined"), Refused("not_joined")),  # noqa: E501
    "anonymous":   (CANNOT_CONNECT,) * 5,
}  # fmt: skip

CASES = [(who, event) for who in EXPECTED for event in EVENTS]
SEED = "Texte commun du dossier"


@pytest.fixture(scope="module")
def shared(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveWorld, ServerProcess]]:
    with shared_world_and_server(sqlite_template, tmp_path_factory, "policy") as (live, server):
        seed = live.client(server, "lead").open()
        assert seed.type(lambda d: insert_text(d, "objectifs", 0, 0, SEED)) == SAVED
        seed.close()
        yield live, server


def assert_answer(ack: Any, expected: Any) -> None:
    if isinstance(expected, Refused):
        assert isinstance(ack, dict) and ack.get("ok") is not True and ack.get("saved") is not True, ack
        assert ack["error"]["code"] == expected.code, ack
    else:
        assert ack == expected


def refused(expected: Any) -> bool:
    return isinstance(expected, Refused)


@pytest.mark.parametrize(("who", "event"), CASES, ids=[f"{who}-{event}" for who, event in CASES])
def test_socket_event_answer_by_role(shared: tuple[LiveWorld, ServerProcess], who: str, event: str) -> None:
    live, server = shared
    expected = EXPECTED[who][EVENTS.index(event)]
    document = live.document()
    try:
        if expected == CANNOT_CONNECT:
            with pytest.raises(socketio.exceptions.ConnectionError):
                live.client(server, who, document).connect()
            return

        witness = live.client(server, "lead", document).open()
        person = live.client(server, who, document).connect()
        if event == "join":
            assert_answer(person.join(), expected)
            assert person.received.step1 == (0 if refused(expected) else 1)  # the server's sync step 1 follows a join
            return

        joined = person.join()
        assert joined.get("ok") is (who != "outsider"), joined
        if event == "leave":
            _leave(live, server, witness, person, expected)
        elif event == "sync step 1":
            assert_answer(person.send_raw(sync_message(STEP1, pycrdt.Doc().get_state())), expected)
            if not refused(expected):
                doc = pycrdt.Doc()
                doc.apply_update(person.received.step2[-1])
                assert SEED in plain_text(doc, "objectifs")
            else:
                assert person.received.step2 == []
        elif event == "update":
            _update(live, witness, person, expected)
        else:
            _awareness(live, server, witness, person, expected)
    finally:
        live.close_clients()


def _leave(live: LiveWorld, server: ServerProcess, witness: YClient, person: YClient, expected: Any) -> None:
    assert_answer(person.leave(), expected)
    if refused(expected) or person.join_ack is None or not person.join_ack["ok"]:
        return  # leaving a document never joined has nothing to do (docs/protocol.md)
    # Left: no more updates of that document, and no more writing to it.
    assert person.send(person.edit(lambda d: insert_text(d, "objectifs", 0, 0, "x")))["error"]["code"] == "not_joined"
    other = live.document(1)
    assert person.join(live.dossier_id, other)["ok"] is True
    witness.type(lambda d: insert_text(d, "descriptif", 0, 0, "après le départ "))
    other_writer = live.client(server, "lead", other).open()
    other_writer.type(lambda d: insert_text(d, "descriptif", 0, 0, "marqueur"))
    person.wait_for(lambda c: any(o[1] == other and o[2][:2] == bytes([0, 2]) for o in c.received.other), what="marker")
    assert person.received.update_messages == 0, "an update of the document it left reached it"


def _update(live: LiveWorld, witness: YClient, person: YClient, expected: Any) -> None:
    document = live.document()
    before = total_updates(live.engine, live.dossier_id, document)
    words = f"écrit par {person.who} "
    ack = person.send(person.edit(lambda d: insert_text(d, "descriptif", 0, 0, words)))
    assert_answer(ack, expected)
    if not refused(expected):
        assert total_updates(live.engine, live.dossier_id, document) == before + 1
        witness.wait_text("descriptif", lambda t: words in t)
        return
    assert total_updates(live.engine, live.dossier_id, document) == before
    if expected.code != "not_joined":
        assert [e["code"] for e in person.received.errors] == [expected.code]
    witness.type(lambda d: insert_text(d, "calendrier", 0, 0, "marqueur "))
    witness.wait_text("calendrier", lambda t: "marqueur" in t)
    assert words not in witness.text("descriptif"), "a refused update was relayed"


def _awareness(live: LiveWorld, server: ServerProcess, witness: YClient, person: YClient, expected: Any) -> None:
    client_id = person.doc.client_id
    state = {"user": {"name": person.who, "color": "#aa3355"}, "cursor": None}
    assert_answer(person.send_raw(awareness_message([(client_id, 1, state)])), expected)
    if not refused(expected):
        relayed = live.as_relayed(person.who, state)
        witness.wait_for(lambda c: c.awareness.get(client_id) == (1, relayed), what="the awareness state")
        return
    marker = live.client(server, "partner").open()
    marker_state = {"user": {"name": "marqueur", "color": "#000000"}}
    assert marker.send_raw(awareness_message([(marker.doc.client_id, 1, marker_state)])) == OK
    witness.wait_for(lambda c: marker.doc.client_id in c.awareness, what="the marker's awareness")
    assert client_id not in witness.awareness, "a refused awareness update was relayed"


def test_the_table_covers_every_role_and_event() -> None:
    assert set(EXPECTED) == {"lead", "partner", "beneficiary", "observer", "outsider", "anonymous"}
    assert all(len(row) == len(EVENTS) for row in EXPECTED.values())


def test_a_member_removed_while_connected_stops_receiving_the_dossiers_edits(
    shared: tuple[LiveWorld, ServerProcess],
) -> None:
    """Removing a member ends their access: their open connection must not keep receiving live edits."""
    live, server = shared
    document = live.document(1)
    try:
        user_id = join(live.app, live.dossier_id, live.user("lead"), Role.BENEFICIARY, "Bruno")
        with live.app.app_context():
            member_id = db.session.scalar(
                db.select(Membership.id).where(Membership.dossier_id == live.dossier_id, Membership.user_id == user_id)
            )
            db.session.remove()
        lead = live.client(server, "lead", document).open()
        beneficiary = YClient(server.url, session_cookie(live.app, user_id), live.dossier_id, document, who="Bruno")
        live.clients.append(beneficiary)
        beneficiary.open()
        lead.type(lambda d: insert_text(d, "objectifs", 0, 0, "avant le retrait "))
        beneficiary.wait_text("objectifs", lambda t: "avant le retrait" in t)

        reply = live.http(server, "lead").delete(
            f"{server.url}/api/dossiers/{live.dossier_id}/members/{member_id}", timeout=10
        )
        assert reply.status_code == 204
        # The removed member's connection was taken out of the document: it can no longer write ...
        ack = beneficiary.type(lambda d: insert_text(d, "objectifs", 0, 0, "x"))
        assert ack is not None and ack["error"]["code"] == "not_joined"
        # ... nor read what is written afterwards.
        assert lead.type(lambda d: insert_text(d, "objectifs", 0, 0, "confidentiel après le retrait ")) == SAVED
        # Ordering marker: anything broadcast before the lead's ack is queued on the removed
        # member's connection before the answer to a request it sends afterwards.
        assert beneficiary.send_raw(sync_message(STEP1, b"\x00"))["error"]["code"] == "not_joined"
        # ... and cannot join it again.
        assert (
            beneficiary.sio.call("join", {"dossier_id": live.dossier_id, "document": document})["error"]["code"]
            == "not_found"
        )
        assert "confidentiel" not in beneficiary.text("objectifs"), "a removed member still receives the live edits"
    finally:
        live.close_clients()

"""Bad input on the live socket: every refusal is explicit (an acknowledgement with an
error code, and a ``y-error`` event for a refused update) and stores nothing.

One server process for the module, started with CODOSSIER_MAX_UPDATE_BYTES=2000.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pycrdt
import pytest
import socketio
import websocket
from flask import Flask

from server.extensions import db
from server.models import User
from server.models.base import is_id
from server.services import actions, dossiers
from tests.live import (
    STEP1,
    LiveWorld,
    ServerProcess,
    YClient,
    awareness_message,
    delete_text,
    insert_text,
    session_cookie,
    stored_fingerprint,
    sync_message,
    total_updates,
    update_message,
)

from .conftest import shared_world_and_server

LIMIT = 2000


@dataclass
class Setting:
    live: LiveWorld
    server: ServerProcess
    other_dossier: int  # a dossier of the outsider, of which the others are not members
    other_document: str


@pytest.fixture(scope="module")
def setting(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setting]:
    with shared_world_and_server(sqlite_template, tmp_path_factory, "bad-input", max_update_bytes=LIMIT) as (
        live,
        server,
    ):
        with live.app.app_context():
            owner = db.session.get(User, live.user("outsider"))
            other = dossiers.create_dossier(owner, "Autre dossier", "Autre structure")
            other_id = other.id
            other_action = actions.add_action(other_id, "Action d'un autre dossier").id
            db.session.remove()
        yield Setting(live, server, other_id, f"action-{other_action}")


@pytest.fixture
def live(setting: Setting) -> Iterator[LiveWorld]:
    yield setting.live
    setting.live.close_clients()


@pytest.fixture
def server(setting: Setting) -> ServerProcess:
    return setting.server


def fingerprint(live: LiveWorld, document: str | None = None, dossier_id: int | None = None) -> Any:
    return stored_fingerprint(live.engine, dossier_id or live.dossier_id, document or live.document())


def refused_update(ack: Any, code: str) -> None:
    assert isinstance(ack, dict) and ack.get("saved") is False, ack
    assert ack["error"]["code"] == code, ack
    assert isinstance(ack["error"]["message"], str) and ack["error"]["message"]


def answered(client: YClient, message: Any) -> Any:
    """The acknowledgement of a ``y`` event; failing clearly when the server never answers."""
    try:
        return client.send_raw(message)
    except socketio.exceptions.TimeoutError:
        pytest.fail(f"the server never acknowledged the y message {bytes(message)!r} (its handler failed?)")


def ack_key(message: Any) -> str:
    """docs/protocol.md: ``ok`` acknowledges a sync step 1 (0, 0) or awareness (1), ``saved`` anything else."""
    if isinstance(message, bytes) and (message[:1] == b"\x01" or message[:2] == b"\x00\x00"):
        return "ok"
    return "saved"


def error_events(client: YClient, code: str) -> list[dict[str, Any]]:
    return [e for e in client.received.errors if e.get("code") == code]


def some_text(length: int) -> bytes:
    """A valid update that inserts ``length`` characters."""
    doc = pycrdt.Doc()
    insert_text(doc, "objectifs", 0, 0, "é" * (length // 2))
    return doc.get_update()


# --- size ----------------------------------------------------------------------------------


def test_an_update_over_the_size_limit_is_refused_with_too_large_and_an_error_event(
    live: LiveWorld, server: ServerProcess
) -> None:
    partner = live.client(server, "partner").open()
    assert partner.join_ack == {"ok": True, "read_only": False, "max_update_bytes": LIMIT}
    big = some_text(3000)
    assert len(big) > LIMIT + 500
    before = fingerprint(live)

    ack = partner.send(big)

    refused_update(ack, "too_large")
    assert error_events(partner, "too_large") == [
        {
            "dossier_id": live.dossier_id,
            "document": live.document(),
            "code": "too_large",
            "message": ack["error"]["message"],
        }
    ]
    assert fingerprint(live) == before
    assert partner.connected, "an oversized update must not drop the connection"
    assert partner.send(some_text(100)) == {"saved": True}  # the connection still works


# --- malformed messages ---------------------------------------------------------------------


def _valid_update_message() -> bytes:
    return update_message(some_text(40))


MALFORMED = {
    # message: expected error code(s)
    "cut in the middle of the update": (_valid_update_message()[:-10], {"invalid_message", "invalid_update"}),
    "length prefix larger than the message": (bytes([0, 2, 50, 1, 2]), {"invalid_message", "invalid_update"}),
    "unterminated length": (bytes([0, 2, 0xFF]), {"invalid_message"}),
    "only the type byte": (bytes([0]), {"invalid_message"}),
    "empty": (b"", {"invalid_message"}),
    "unknown message type": (bytes([7, 1, 0]), {"invalid_message"}),
    "unknown sync type": (bytes([0, 9, 1, 0]), {"invalid_message"}),
    "update not a Yjs update": (update_message(b"\x05\xff\x01\x02\x03\x04"), {"invalid_update"}),
    "update message without its update": (bytes([0, 2]), {"invalid_message"}),
    "sync step 2 without its update": (bytes([0, 1]), {"invalid_message"}),
    "sync step 1 without its state vector": (bytes([0, 0]), {"invalid_message"}),
    "sync step 1 with a state vector that does not decode": (sync_message(STEP1, b"\xff\xff\xff"), {"invalid_message"}),
    "awareness that does not decode": (bytes([1, 0]), {"invalid_message"}),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_message_is_refused_with_a_clear_error_and_nothing_is_stored(
    live: LiveWorld, server: ServerProcess, case: str
) -> None:
    message, codes = MALFORMED[case]
    partner = live.client(server, "partner").open()
    partner.timeout = 5  # a message the server never acknowledges fails in seconds
    partner_errors = len(partner.received.errors)
    before = fingerprint(live)

    ack = answered(partner, message)  # every client → server event is acknowledged, even a bad one

    assert isinstance(ack, dict) and ack.get("saved") is not True and ack.get("ok") is not True, ack
    assert ack["error"]["code"] in codes, ack
    assert [e["code"] for e in partner.received.errors[partner_errors:]] == [ack["error"]["code"]]
    assert fingerprint(live) == before
    assert partner.send(some_text(10)) == {"saved": True}, "the connection is still usable"


def test_random_bytes_are_all_answered_never_saved_and_never_stored(live: LiveWorld, server: ServerProcess) -> None:
    partner = live.client(server, "partner").open()
    partner.timeout = 5
    before = fingerprint(live)
    chance = random.Random(20240611)
    payloads = [bytes(chance.randrange(256) for _ in range(chance.randrange(1, 60))) for _ in range(150)]
    payloads += [
        bytes([0, chance.choice([0, 1, 2])]) + bytes(chance.randrange(256) for _ in range(20)) for _ in range(150)
    ]

    for payload in payloads:
        ack = answered(partner, payload)
        assert isinstance(ack, dict), (payload, ack)
        key = ack_key(payload)
        if ack.get(key) is True:  # a sync step 1 or an awareness message that happens to decode
            assert key == "ok", (payload, ack)
            continue
        assert ack.get(key) is False and ack["error"]["code"] in {"invalid_message", "invalid_update"}, (payload, ack)

    assert fingerprint(live) == before


def test_an_awareness_state_that_is_not_json_is_refused_and_not_relayed(live: LiveWorld, server: ServerProcess) -> None:
    """y-protocols clients JSON.parse every awareness state: relaying garbage breaks everyone's presence."""
    partner = live.client(server, "partner").open()
    witness = live.client(server, "lead").open()
    body = pycrdt.Encoder()
    body.write_var_uint(1)
    body.write_var_uint(partner.doc.client_id)
    body.write_var_uint(1)
    body.write_var_string("{not json")
    message = bytes([1]) + pycrdt.write_message(body.to_bytes())

    ack = answered(partner, message)

    assert ack.get("ok") is not True and ack["error"]["code"] == "invalid_message", ack
    # ordering marker: the lead's own request is answered after anything relayed to it before
    assert witness.send_raw(sync_message(STEP1, b"\x00")) == {"ok": True}
    assert partner.doc.client_id not in witness.awareness, "an awareness state that is not JSON was relayed"


# --- wrong argument types -----------------------------------------------------------------------


WRONG_Y_ARGUMENTS = {
    # case: the arguments of the ``y`` event, from (dossier id, document name)
    "message is a str": lambda d, n: (d, n, "AAIB"),
    "message is a dict": lambda d, n: (d, n, {"update": [0, 2]}),
    "message is a list of ints": lambda d, n: (d, n, [0, 2, 2, 0, 0]),
    "message is missing": lambda d, n: (d, n),
    "an extra argument": lambda d, n: (d, n, update_message(some_text(10)), "extra"),
    "dossier_id is a str": lambda d, n: (str(d), n, update_message(some_text(10))),
    "dossier_id over 32 bits": lambda d, n: (2**31, n, update_message(some_text(10))),
    "dossier_id over 64 bits": lambda d, n: (187779887830530040791040, n, update_message(some_text(10))),
    "no argument at all": lambda d, n: None,
}


@pytest.mark.parametrize("case", list(WRONG_Y_ARGUMENTS))
def test_y_with_arguments_of_the_wrong_type_is_refused_as_invalid_message(
    live: LiveWorld, server: ServerProcess, case: str
) -> None:
    partner = live.client(server, "partner").open()  # joined: a refusal must say what is wrong, not "join first"
    before = fingerprint(live)

    arguments = WRONG_Y_ARGUMENTS[case](live.dossier_id, live.document())

    ack = partner.call("y", arguments)

    refused_update(ack, "invalid_message")
    # the y-error names the message's document, or null where the argument was not an id / a str
    dossier_id = arguments[0] if arguments and is_id(arguments[0]) else None
    document = arguments[1] if arguments and isinstance(arguments[1], str) else None
    partner.wait_for(lambda c: bool(error_events(c, "invalid_message")), 5, "the y-error event")
    assert error_events(partner, "invalid_message") == [
        {"dossier_id": dossier_id, "document": document, "code": "invalid_message", "message": ack["error"]["message"]}
    ]
    assert fingerprint(live) == before


@pytest.mark.parametrize(
    "arguments",
    [lambda d, n: (str(d), n, sync_message(STEP1, b"\x00")), lambda d, n: (d, 5, sync_message(STEP1, b"\x00"))],
    ids=["dossier_id is a str", "document is an int"],
)
def test_a_sync_step_1_with_arguments_of_the_wrong_type_is_refused_with_ok_false_and_a_y_error(
    live: LiveWorld, server: ServerProcess, arguments: Any
) -> None:
    partner = live.client(server, "partner").open()
    args = arguments(live.dossier_id, live.document())

    ack = partner.call("y", args)

    assert ack == {"ok": False, "error": {"code": "invalid_message", "message": ack["error"]["message"]}}
    partner.wait_for(lambda c: bool(error_events(c, "invalid_message")), 5, "the y-error event")
    [event] = error_events(partner, "invalid_message")
    assert (event["dossier_id"], event["document"]) == (
        args[0] if isinstance(args[0], int) else None,
        args[1] if isinstance(args[1], str) else None,
    )


def test_a_refused_sync_step_1_or_awareness_is_acknowledged_ok_false_with_a_y_error(
    live: LiveWorld, server: ServerProcess
) -> None:
    """The acknowledgement of a sync step 1 or awareness message is {ok}, refused or not."""
    partner = live.client(server, "partner").connect()  # not joined

    for message in (sync_message(STEP1, b"\x00"), awareness_message([(1234, 1, {"user": {"name": "x"}})])):
        ack = partner.send_raw(message)
        assert ack == {"ok": False, "error": {"code": "not_joined", "message": "Join the document first."}}, ack

    partner.wait_for(lambda c: len(error_events(c, "not_joined")) == 2, 5, "two y-error events")


@pytest.mark.parametrize(
    ("case", "payload", "code"),
    [
        ("no payload", lambda d, n: None, "invalid_message"),
        ("a list", lambda d, n: [d, n], "invalid_message"),
        ("a str", lambda d, n: n, "invalid_message"),
        ("dossier_id is a str", lambda d, n: {"dossier_id": str(d), "document": n}, "invalid_message"),
        ("dossier_id is a bool", lambda d, n: {"dossier_id": True, "document": n}, "invalid_message"),
        ("dossier_id is a float", lambda d, n: {"dossier_id": float(d), "document": n}, "invalid_message"),
        ("dossier_id is missing", lambda d, n: {"document": n}, "invalid_message"),
        ("dossier_id over 32 bits", lambda d, n: {"dossier_id": 2**31, "document": n}, "invalid_message"),
        (
            "dossier_id over 64 bits",
            lambda d, n: {"dossier_id": 187779887830530040791040, "document": n},
            "invalid_message",
        ),
        ("document is missing", lambda d, n: {"dossier_id": d}, "not_found"),
        ("document is a number", lambda d, n: {"dossier_id": d, "document": 1}, "not_found"),
    ],
)
def test_join_with_arguments_of_the_wrong_type_is_refused(
    live: LiveWorld, server: ServerProcess, case: str, payload: Any, code: str
) -> None:
    partner = live.client(server, "partner").connect()
    before = fingerprint(live)

    ack = partner.call("join", payload(live.dossier_id, live.document()))

    assert ack == {"ok": False, "error": {"code": code, "message": ack["error"]["message"]}}
    assert partner.received.step1 == 0, "no sync for a refused join"
    refused_update(partner.send(some_text(10)), "not_joined")
    assert fingerprint(live) == before


def test_leave_of_a_document_not_joined_succeeds_with_nothing_to_do(live: LiveWorld, server: ServerProcess) -> None:
    """Like ``unwatch``, ``leave`` is idempotent: a client closing a document after a refused join,
    or after the server forgot it, gets {ok: true}; malformed arguments are still refused."""
    partner = live.client(server, "partner").connect()
    assert partner.leave() == {"ok": True}
    assert partner.open().leave() == {"ok": True}
    assert partner.leave() == {"ok": True}  # twice
    assert partner.call("leave", "nonsense")["error"]["code"] == "invalid_message"
    assert partner.received.errors == []


# --- documents that are not yours, or do not exist ----------------------------------------------


def test_a_document_of_another_dossier_cannot_be_joined_or_written(
    live: LiveWorld, server: ServerProcess, setting: Setting
) -> None:
    partner = live.client(server, "partner", setting.other_document, dossier_id=setting.other_dossier).connect()
    before_other = fingerprint(live, setting.other_document, setting.other_dossier)
    before_own = fingerprint(live)

    # the other dossier's document, by its own dossier id: the partner is not a member
    assert partner.join()["error"]["code"] == "not_found"
    # the other dossier's action, named under the partner's own dossier
    assert partner.join(live.dossier_id, setting.other_document)["error"]["code"] == "not_found"
    refused_update(partner.send(some_text(10)), "not_joined")
    refused_update(
        partner.send_raw(update_message(some_text(10)), live.dossier_id, setting.other_document), "not_joined"
    )

    assert partner.received.step1 == 0
    assert fingerprint(live, setting.other_document, setting.other_dossier) == before_other
    assert fingerprint(live) == before_own


@pytest.mark.parametrize(
    "name", ["action-999999", "action-", "action-1x", "storyboard2", "../storyboard", "", "ACTION-1"]
)
def test_a_document_name_that_does_not_exist_is_not_found(live: LiveWorld, server: ServerProcess, name: str) -> None:
    partner = live.client(server, "partner", name).connect()
    ack = partner.join()
    assert ack == {"ok": False, "error": {"code": "not_found", "message": ack["error"]["message"]}}
    # a name that is not a document name at all is not_found on y too; a well-spelled one was never joined
    refused_update(partner.send(some_text(10)), "not_joined" if name == "action-999999" else "not_found")
    assert total_updates(live.engine, live.dossier_id, name) == 0


def test_the_storyboard_is_a_document_of_every_dossier(live: LiveWorld, server: ServerProcess) -> None:
    partner = live.client(server, "partner", "storyboard").open()
    assert partner.join_ack is not None and partner.join_ack["ok"] is True
    assert partner.type(lambda d: insert_text(d, "gouvernance_partagee", 0, 0, "Séquence")) == {"saved": True}


def test_an_update_without_join_is_refused_with_not_joined(live: LiveWorld, server: ServerProcess) -> None:
    partner = live.client(server, "partner").connect()
    before = fingerprint(live)
    refused_update(partner.send(some_text(10)), "not_joined")
    assert fingerprint(live) == before


def test_an_update_without_join_also_gets_a_y_error_event(live: LiveWorld, server: ServerProcess) -> None:
    """docs/protocol.md: a refused update (not_joined among the reasons) gets an ack AND a y-error event."""
    partner = live.client(server, "partner").connect()
    ack = partner.send(some_text(10))
    refused_update(ack, "not_joined")
    assert error_events(partner, "not_joined") == [
        {
            "dossier_id": live.dossier_id,
            "document": live.document(),
            "code": "not_joined",
            "message": ack["error"]["message"],
        }
    ]


# --- people who may not edit -----------------------------------------------------------------------


def test_an_observers_update_is_refused_as_read_only_and_not_stored(live: LiveWorld, server: ServerProcess) -> None:
    observer = live.client(server, "observer").open()
    witness = live.client(server, "lead").open()
    assert observer.join_ack is not None and observer.join_ack["read_only"] is True
    before = fingerprint(live)

    ack = observer.type(lambda d: insert_text(d, "objectifs", 0, 0, "écrit par l'observatrice"))

    refused_update(ack, "read_only")
    assert len(error_events(observer, "read_only")) == 1
    assert fingerprint(live) == before
    # Not relayed either: the witness gets a later update, and never the refused one.
    witness.type(lambda d: insert_text(d, "descriptif", 0, 0, "marqueur"))
    observer.wait_text("descriptif", lambda t: "marqueur" in t)
    assert "observatrice" not in witness.text("objectifs")


def test_known_structs_sent_again_by_an_observer_are_saved_true_and_not_stored(
    live: LiveWorld, server: ServerProcess
) -> None:
    """docs/protocol.md: an update that adds nothing is acknowledged saved, even from a read-only member."""
    lead = live.client(server, "lead").open()
    assert lead.type(lambda d: insert_text(d, "objectifs", 0, 0, "Déjà connu. ")) == {"saved": True}
    observer = live.client(server, "observer").open()
    before = fingerprint(live)

    assert observer.send(observer.state()) == {"saved": True}  # every struct it holds, all known to the server
    assert observer.send(lead.state()) == {"saved": True}  # the lead's whole state, as an update

    assert error_events(observer, "read_only") == []
    assert fingerprint(live) == before
    # something new is still refused
    refused_update(observer.type(lambda d: insert_text(d, "objectifs", 0, 0, "nouveau ")), "read_only")
    assert fingerprint(live) == before


def test_a_beneficiarys_update_is_read_only_once_the_lead_sets_comment_only(
    live: LiveWorld, server: ServerProcess
) -> None:
    document = live.document(1)
    beneficiary = live.client(server, "beneficiary", document).open()
    assert beneficiary.join_ack is not None and beneficiary.join_ack["read_only"] is False
    assert beneficiary.type(lambda d: insert_text(d, "objectifs", 0, 0, "avant ")) == {"saved": True}
    lead = live.http(server, "lead")
    url = f"{server.url}/api/dossiers/{live.dossier_id}"
    try:
        reply = lead.patch(url, json={"beneficiaries_may_edit": False}, timeout=10)
        assert reply.status_code == 200, reply.text
        beneficiary.wait_for(lambda c: bool(c.received.dossier), what="the dossier event")
        assert beneficiary.received.dossier == [
            {"id": live.dossier_id, "state": "brouillon", "beneficiaries_may_edit": False}
        ]
        before = fingerprint(live, document)

        # already joined: the next update is refused
        refused_update(beneficiary.type(lambda d: insert_text(d, "objectifs", 0, 0, "après ")), "read_only")
        assert len(error_events(beneficiary, "read_only")) == 1
        # joining again says so
        again = live.client(server, "beneficiary", document).connect()
        assert again.join() == {"ok": True, "read_only": True, "max_update_bytes": LIMIT}
        refused_update(again.type(lambda d: insert_text(d, "objectifs", 0, 0, "encore ")), "read_only")
        assert fingerprint(live, document) == before
        # the partner still edits
        partner = live.client(server, "partner", document).open()
        assert partner.type(lambda d: insert_text(d, "objectifs", 0, 0, "partenaire ")) == {"saved": True}
    finally:
        assert lead.patch(url, json={"beneficiaries_may_edit": True}, timeout=10).status_code == 200


def test_a_read_only_member_reconnecting_to_a_document_with_deletions_gets_no_error(
    live: LiveWorld, server: ServerProcess
) -> None:
    """Any Yjs client answers the server's sync step 1 with its step 2, which always carries the
    document's delete set. For a read-only member with nothing new, that is not an edit."""
    lead = live.client(server, "lead").open()
    lead.type(lambda d: insert_text(d, "calendrier", 0, 0, "Janvier, février"))
    assert lead.type(lambda d: delete_text(d, "calendrier", 0, 0, 9)) == {"saved": True}
    observer = live.client(server, "observer").open()
    assert "février" in observer.text("calendrier")
    before = fingerprint(live)

    observer.disconnect()
    observer.reconnect()  # nothing typed: its step 2 holds no new insertion, only the known deletions

    assert observer.received.errors == []
    assert all(ack == {"saved": True} for ack in observer.acks), observer.acks
    assert fingerprint(live) == before


def test_a_reconnect_that_brings_nothing_new_stores_nothing(live: LiveWorld, server: ServerProcess) -> None:
    """A member's step 2 that adds nothing must not grow the log nor count as their contribution."""
    lead = live.client(server, "lead").open()
    lead.type(lambda d: insert_text(d, "besoins", 0, 0, "Des besoins"))
    lead.type(lambda d: delete_text(d, "besoins", 0, 0, 4))
    partner = live.client(server, "partner").open()
    before = fingerprint(live)

    partner.disconnect()
    partner.reconnect()

    assert fingerprint(live) == before


# --- a document deleted while open ------------------------------------------------------------------


def test_an_update_for_an_action_deleted_meanwhile_is_refused_and_not_stored(
    live: LiveWorld, server: ServerProcess
) -> None:
    lead = live.http(server, "lead")
    created = lead.post(f"{server.url}/api/dossiers/{live.dossier_id}/actions", json={"title": "Éphémère"}, timeout=10)
    assert created.status_code == 201, created.text
    document = f"action-{created.json()['id']}"
    partner = live.client(server, "partner", document).open()
    assert partner.type(lambda d: insert_text(d, "objectifs", 0, 0, "avant la suppression ")) == {"saved": True}
    deleted = lead.delete(f"{server.url}/api/dossiers/{live.dossier_id}/actions/{created.json()['id']}", timeout=10)
    assert deleted.status_code == 204

    ack = partner.type(lambda d: insert_text(d, "objectifs", 0, 0, "après la suppression "))

    refused_update(ack, "not_found")
    assert fingerprint(live, document) == (0, {}, []), "a deleted action's document must stay empty"


# --- connections -------------------------------------------------------------------------------------


def test_a_connection_without_a_session_cookie_is_refused(live: LiveWorld, server: ServerProcess) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        YClient(server.url, None, live.dossier_id, live.document()).connect()


def test_a_connection_with_a_cookie_signed_by_another_key_is_refused(live: LiveWorld, server: ServerProcess) -> None:
    forger = Flask("forger")
    forger.config.update(SECRET_KEY="not-the-server-key", SESSION_COOKIE_NAME="codossier_session")
    client = forger.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(live.user("lead"))
        session["_fresh"] = True
    cookie = client.get_cookie("codossier_session")
    assert cookie is not None
    with pytest.raises(socketio.exceptions.ConnectionError):
        YClient(server.url, cookie.value, live.dossier_id, live.document()).connect()


def _engineio_greeting(server: ServerProcess, cookie: str, origin: str) -> str | None:
    """The first thing a raw WebSocket to /socket.io/ receives, or None when the server refuses it.

    gevent-websocket completes the upgrade before Engine.IO checks the origin, so a
    refusal is either an HTTP error or a connection closed without the open packet.
    """
    url = f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket"
    try:
        ws = websocket.create_connection(url, header=[f"Cookie: {cookie}"], origin=origin, timeout=10)
    except websocket.WebSocketBadStatusException:
        return None
    try:
        return ws.recv() or None
    except websocket.WebSocketConnectionClosedException:
        return None
    finally:
        ws.close()


def test_a_websocket_from_another_origin_is_refused(live: LiveWorld, server: ServerProcess) -> None:
    cookie = f"codossier_session={session_cookie(live.app, live.user('lead'))}"

    assert _engineio_greeting(server, cookie, "http://evil.example") is None
    greeting = _engineio_greeting(server, cookie, server.url)
    assert greeting is not None and greeting.startswith("0{")  # the Engine.IO open packet: the same site is let in


def test_polling_from_another_origin_is_refused(live: LiveWorld, server: ServerProcess) -> None:
    client = live.client(server, "lead")
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(transports=["polling"], headers={"Origin": "http://evil.example"})
    assert live.client(server, "lead").connect(transports=["polling"], headers={"Origin": server.url}).connected

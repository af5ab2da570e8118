"""Awareness (who is here, their colour, their cursor) is relayed to the document's other
clients and never stored; a client that goes away is removed for everyone at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live import LiveWorld, ServerProcess, YClient, awareness_message
from tests.support import snapshot

from .conftest import shared_world_and_server

# The removal must come from the server at once, not from the 30 s timeout of y-protocols clients.
AT_ONCE = 5.0


@pytest.fixture(scope="module")
def shared(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveWorld, ServerProcess]]:
    with shared_world_and_server(sqlite_template, tmp_path_factory, "awareness") as pair:
        yield pair


@pytest.fixture
def live(shared: tuple[LiveWorld, ServerProcess]) -> Iterator[LiveWorld]:
    yield shared[0]
    shared[0].close_clients()


@pytest.fixture
def server(shared: tuple[LiveWorld, ServerProcess]) -> ServerProcess:
    return shared[1]


def presence(name: str, colour: str, anchor: int, head: int) -> dict[str, Any]:
    """What TipTap's CollaborationCursor puts in the awareness state."""
    return {"user": {"name": name, "color": colour}, "cursor": {"anchor": anchor, "head": head}}


def announce(client: YClient, clock: int, state: dict[str, Any] | None) -> None:
    assert client.send_raw(awareness_message([(client.doc.client_id, clock, state)])) == {"ok": True}


def test_presence_is_relayed_to_the_other_clients_of_the_document_and_not_stored(
    live: LiveWorld, server: ServerProcess
) -> None:
    partner = live.client(server, "partner").open()
    lead = live.client(server, "lead").open()
    observer = live.client(server, "observer").open()
    elsewhere = live.client(server, "beneficiary", live.document(1)).open()
    elsewhere_marker = live.client(server, "lead", live.document(1))  # its login session is stored now
    before = snapshot(live.app)

    paul = presence("Paul Partenaire", "#1f77b4", 3, 7)
    announce(partner, 1, paul)
    lea = presence("Léa Porteur", "#d62728", 0, 0)
    announce(lead, 1, lea)

    paul_seen = live.as_relayed("partner", paul)
    for other in (lead, observer):
        other.wait_for(lambda c: c.awareness.get(partner.doc.client_id) == (1, paul_seen), what="Paul's presence")
    observer.wait_for(lambda c: c.awareness.get(lead.doc.client_id) == (1, live.as_relayed("lead", lea)), what="Léa")
    partner.wait_for(lambda c: lead.doc.client_id in c.awareness, what="Léa's presence")
    assert partner.doc.client_id not in partner.awareness, "a sender does not get its own presence back"
    # The cursor moves: the newer state replaces the older one.
    moved = presence("Paul Partenaire", "#1f77b4", 12, 12)
    announce(partner, 2, moved)
    moved_seen = live.as_relayed("partner", moved)
    lead.wait_for(lambda c: c.awareness.get(partner.doc.client_id) == (2, moved_seen), what="the moved cursor")
    # Another document's clients hear nothing of it.
    elsewhere_marker.open()
    announce(elsewhere_marker, 1, presence("marqueur", "#000000", 0, 0))
    elsewhere.wait_for(lambda c: elsewhere_marker.doc.client_id in c.awareness, what="the marker")
    assert partner.doc.client_id not in elsewhere.awareness
    # Nothing of it is in the database.
    assert snapshot(live.app) == before


def test_a_disconnect_removes_the_clients_presence_for_the_others_at_once(
    live: LiveWorld, server: ServerProcess
) -> None:
    partner = live.client(server, "partner").open()
    lead = live.client(server, "lead").open()
    beneficiary = live.client(server, "beneficiary").open()
    announce(partner, 1, presence("Paul Partenaire", "#1f77b4", 1, 1))
    announce(partner, 2, presence("Paul Partenaire", "#1f77b4", 2, 2))
    for other in (lead, beneficiary):
        other.wait_for(lambda c: partner.doc.client_id in c.awareness, what="Paul's presence")

    partner.disconnect()

    for other in (lead, beneficiary):
        other.wait_for(lambda c: partner.doc.client_id not in c.awareness, AT_ONCE, "Paul's removal")
        removals = [(cid, clock) for cid, clock, state in other.received.awareness if state is None]
        assert removals == [(partner.doc.client_id, 3)], "one removal, with a clock above the last one seen"


def test_leaving_the_document_removes_the_clients_presence_but_not_from_other_documents(
    live: LiveWorld, server: ServerProcess
) -> None:
    partner = live.client(server, "partner").open()
    assert partner.call("join", {"dossier_id": live.dossier_id, "document": live.document(1)})["ok"] is True
    lead = live.client(server, "lead").open()
    lead_elsewhere = live.client(server, "lead", live.document(1)).open()
    announce(partner, 1, presence("Paul Partenaire", "#1f77b4", 1, 1))
    partner.send_raw(
        awareness_message([(partner.doc.client_id, 1, presence("Paul", "#1f77b4", 5, 5))]), document=live.document(1)
    )
    lead.wait_for(lambda c: partner.doc.client_id in c.awareness, what="Paul's presence")
    lead_elsewhere.wait_for(lambda c: partner.doc.client_id in c.awareness, what="Paul's presence elsewhere")

    assert partner.leave() == {"ok": True}

    lead.wait_for(lambda c: partner.doc.client_id not in c.awareness, AT_ONCE, "Paul's removal")
    # Still present in the other document, until the connection closes.
    announce(lead_elsewhere, 1, presence("marqueur", "#000000", 0, 0))
    partner.wait_for(
        lambda c: any(o[1] == live.document(1) and o[2][:1] == b"\x01" for o in c.received.other), what="marker"
    )
    assert partner.doc.client_id in lead_elsewhere.awareness
    partner.disconnect()
    lead_elsewhere.wait_for(lambda c: partner.doc.client_id not in c.awareness, AT_ONCE, "Paul's removal elsewhere")


def test_a_client_announcing_several_ids_has_all_of_them_removed_on_disconnect(
    live: LiveWorld, server: ServerProcess
) -> None:
    """One connection may carry several Yjs clients (several editors of one page)."""
    partner = live.client(server, "partner").open()
    lead = live.client(server, "lead").open()
    ids = [partner.doc.client_id, partner.doc.client_id + 1, partner.doc.client_id + 2]
    entries = [(cid, 4, presence(f"onglet {n}", "#2ca02c", n, n)) for n, cid in enumerate(ids)]
    assert partner.send_raw(awareness_message(entries)) == {"ok": True}
    lead.wait_for(lambda c: all(cid in c.awareness for cid in ids), what="three presences")

    partner.disconnect()

    lead.wait_for(lambda c: not any(cid in c.awareness for cid in ids), AT_ONCE, "every removal")


# --- presence is tied to the sending connection and to who the member really is ---------------


def ordered_after(witness: YClient, live: LiveWorld, server: ServerProcess) -> None:
    """Wait until everything relayed to ``witness`` before now has arrived (a marker's presence)."""
    marker = live.client(server, "beneficiary", witness.document).open()
    announce(marker, 1, presence("marqueur", "#000000", 0, 0))
    witness.wait_for(lambda c: marker.doc.client_id in c.awareness, what="the marker")


def test_a_forged_name_and_role_are_replaced_by_the_members_own(live: LiveWorld, server: ServerProcess) -> None:
    observer = live.client(server, "observer").open()
    witness = live.client(server, "partner").open()
    forged = {
        "user": {"id": live.user("lead"), "name": "Léa Porteur (porteur)", "color": "#d62728", "role": "lead"},
        "cursor": {"anchor": 1, "head": 1},
    }

    announce(observer, 1, forged)

    witness.wait_for(lambda c: observer.doc.client_id in c.awareness, what="the observer's presence")
    clock, state = witness.awareness[observer.doc.client_id]
    assert (clock, state["cursor"]) == (1, forged["cursor"])
    assert state["user"] == {"id": live.user("observer"), "name": "Odile", "color": "#d62728", "role": "observer"}


def test_an_invalid_colour_or_a_missing_user_field_gets_the_members_identity(
    live: LiveWorld, server: ServerProcess
) -> None:
    observer = live.client(server, "observer").open()
    witness = live.client(server, "partner").open()

    announce(observer, 1, {"user": {"name": "x", "color": "red;background:url(x)"}})
    witness.wait_for(lambda c: observer.doc.client_id in c.awareness, what="the observer's presence")
    assert witness.awareness[observer.doc.client_id][1]["user"]["color"] == "#374151"
    announce(observer, 2, {"cursor": None})
    witness.wait_for(lambda c: c.awareness[observer.doc.client_id][0] == 2, what="the renewed presence")
    assert witness.awareness[observer.doc.client_id][1] == {
        "cursor": None,
        "user": {"id": live.user("observer"), "name": "Odile", "color": "#374151", "role": "observer"},
    }


def test_another_members_client_id_can_be_neither_cleared_nor_taken(live: LiveWorld, server: ServerProcess) -> None:
    lead = live.client(server, "lead").open()
    observer = live.client(server, "observer").open()
    witness = live.client(server, "partner").open()
    announce(lead, 1, presence("Léa Porteur", "#d62728", 2, 2))
    witness.wait_for(lambda c: lead.doc.client_id in c.awareness, what="Léa's presence")

    for state in (None, presence("Léa Porteur", "#d62728", 9, 9)):
        ack = observer.send_raw(awareness_message([(lead.doc.client_id, 50, state)]))
        assert ack["error"]["code"] == "foreign_client", ack
        assert ack.get("ok") is not True
    ordered_after(witness, live, server)
    lea = live.as_relayed("lead", presence("Léa Porteur", "#d62728", 2, 2))
    assert witness.awareness[lead.doc.client_id] == (1, lea)
    assert any(e.get("code") == "foreign_client" for e in observer.received.errors)


def test_a_state_that_is_not_an_object_is_refused_and_not_relayed(live: LiveWorld, server: ServerProcess) -> None:
    partner = live.client(server, "partner").open()
    witness = live.client(server, "lead").open()
    for state in ([1, 2], "Léa", 3):
        ack = partner.send_raw(awareness_message([(partner.doc.client_id, 1, state)]))  # type: ignore[list-item]
        assert ack["error"]["code"] == "invalid_message", ack
    ordered_after(witness, live, server)
    assert partner.doc.client_id not in witness.awareness


def test_the_same_members_new_connection_takes_its_client_id_over(live: LiveWorld, server: ServerProcess) -> None:
    """A tab that reconnects keeps its Yjs client id; the old connection may not be gone yet."""
    old = live.client(server, "partner").open()
    witness = live.client(server, "lead").open()
    announce(old, 1, presence("Paul Partenaire", "#1f77b4", 1, 1))
    witness.wait_for(lambda c: old.doc.client_id in c.awareness, what="Paul's presence")
    new = live.client(server, "partner").open()
    client_id = old.doc.client_id

    renewed = presence("Paul Partenaire", "#1f77b4", 5, 5)
    assert new.send_raw(awareness_message([(client_id, 2, renewed)])) == {"ok": True}
    witness.wait_for(lambda c: c.awareness.get(client_id, (0,))[0] == 2, what="the renewed presence")
    old.disconnect()
    ordered_after(witness, live, server)

    assert witness.awareness[client_id][0] == 2, "the old connection's departure removed the new one's presence"


def test_a_newcomer_is_sent_the_states_of_those_already_present_at_join(live: LiveWorld, server: ServerProcess) -> None:
    partner = live.client(server, "partner").open()
    lead = live.client(server, "lead").open()
    paul, lea = presence("Paul Partenaire", "#1f77b4", 3, 7), presence("Léa Porteur", "#d62728", 0, 0)
    announce(partner, 4, paul)
    announce(lead, 1, lea)
    announce(lead, 2, None)  # Léa hid her presence: not sent
    announce(partner, 5, paul)
    lead_elsewhere = live.client(server, "lead", live.document(1)).open()
    announce(lead_elsewhere, 1, presence("ailleurs", "#000000", 0, 0))  # another document's: not sent

    newcomer = live.client(server, "observer").open()  # the states come before the join's acknowledgement

    assert newcomer.awareness == {partner.doc.client_id: (5, live.as_relayed("partner", paul))}

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
def shared(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveWorld, ServerProcess]]:
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


def test_presence_is_relayed_to_the_other_clients_of_the_document_and_not_stored(live: LiveWorld, server: ServerProcess) -> None:
    partner = live.client(server, "partner").open()
    lead = live.client(server, "lead").open()
    observer = live.client(server, "observer").open()
    elsewhere = live.client(server, "beneficiary", live.document(1)).open()
    before = snapshot(live.app)

    paul = presence("Paul Partenaire", "#1f77b4", 3, 7)
    announce(partner, 1, paul)
    lea = presence("Léa Porteur", "#d62728", 0, 0)
    announce(lead, 1, lea)

    for other in (lead, observer):
        other.wait_for(lambda c: c.awareness.get(partner.doc.client_id) == (1, paul), what="Paul's presence")
    observer.wait_for(lambda c: c.awareness.get(lead.doc.client_id) == (1, lea), what="Léa's presence")
    partner.wait_for(lambda c: lead.doc.client_id in c.awareness, what="Léa's presence")
    assert partner.doc.client_id not in partner.awareness, "a sender does not get its own presence back"
    # The cursor moves: the newer state replaces the older one.
    moved = presence("Paul Partenaire", "#1f77b4", 12, 12)
    announce(partner, 2, moved)
    lead.wait_for(lambda c: c.awareness.get(partner.doc.client_id) == (2, moved), what="the moved cursor")
    # Another document's clients hear nothing of it.
    elsewhere_marker = live.client(server, "lead", live.document(1)).open()
    announce(elsewhere_marker, 1, presence("marqueur", "#000000", 0, 0))
    elsewhere.wait_for(lambda c: elsewhere_marker.doc.client_id in c.awareness, what="the marker")
    assert partner.doc.client_id not in elsewhere.awareness
    # Nothing of it is in the database.
    assert snapshot(live.app) == before


def test_a_disconnect_removes_the_clients_presence_for_the_others_at_once(live: LiveWorld, server: ServerProcess) -> None:
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
    partner.send_raw(awareness_message([(partner.doc.client_id, 1, presence("Paul", "#1f77b4", 5, 5))]), document=live.document(1))
    lead.wait_for(lambda c: partner.doc.client_id in c.awareness, what="Paul's presence")
    lead_elsewhere.wait_for(lambda c: partner.doc.client_id in c.awareness, what="Paul's presence elsewhere")

    assert partner.leave() == {"ok": True}

    lead.wait_for(lambda c: partner.doc.client_id not in c.awareness, AT_ONCE, "Paul's removal")
    # Still present in the other document, until the connection closes.
    announce(lead_elsewhere, 1, presence("marqueur", "#000000", 0, 0))
    partner.wait_for(lambda c: any(o[1] == live.document(1) and o[2][:1] == b"\x01" for o in c.received.other), what="marker")
    assert partner.doc.client_id in lead_elsewhere.awareness
    partner.disconnect()
    lead_elsewhere.wait_for(lambda c: partner.doc.client_id not in c.awareness, AT_ONCE, "Paul's removal elsewhere")


def test_a_client_announcing_several_ids_has_all_of_them_removed_on_disconnect(live: LiveWorld, server: ServerProcess) -> None:
    """One connection may carry several Yjs clients (several editors of one page)."""
    partner = live.client(server, "partner").open()
    lead = live.client(server, "lead").open()
    ids = [partner.doc.client_id, partner.doc.client_id + 1, partner.doc.client_id + 2]
    entries = [(cid, 4, presence(f"onglet {n}", "#2ca02c", n, n)) for n, cid in enumerate(ids)]
    assert partner.send_raw(awareness_message(entries)) == {"ok": True}
    lead.wait_for(lambda c: all(cid in c.awareness for cid in ids), what="three presences")

    partner.disconnect()

    lead.wait_for(lambda c: not any(cid in c.awareness for cid in ids), AT_ONCE, "every removal")

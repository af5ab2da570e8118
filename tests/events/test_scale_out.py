"""Scale-out: two server processes on one PostgreSQL database, sharing Redis as
Flask-SocketIO's message queue. Any process can serve any client.

Under CI=true a missing PostgreSQL or Redis is a failure; elsewhere a skip.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.events.conftest import two_processes_on_postgres
from tests.live import LiveWorld, ServerProcess, awareness_message, insert_text, plain_text, stored_doc

pytestmark = pytest.mark.postgres


@dataclass
class ScaleOut:
    live: LiveWorld
    one: ServerProcess
    two: ServerProcess


@pytest.fixture(scope="module")
def scale_out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaleOut]:
    with two_processes_on_postgres(tmp_path_factory, "live") as (live, one, two):
        yield ScaleOut(live, one, two)


def test_both_processes_serve_the_same_postgresql_database(scale_out: ScaleOut) -> None:
    import requests

    for server in (scale_out.one, scale_out.two):
        assert requests.get(f"{server.url}/api/health", timeout=10).json() == {"status": "ok", "database": "postgresql"}
    assert scale_out.live.dossier_id > 1_000_000


def test_an_edit_through_one_process_reaches_a_client_of_the_other(scale_out: ScaleOut) -> None:
    live = scale_out.live
    lead = live.client(scale_out.one, "lead").open()
    partner = live.client(scale_out.two, "partner").open()

    assert lead.type(lambda d: insert_text(d, "objectifs", 0, 0, "Écrit via le processus 1. ")) == {"saved": True}
    partner.wait_text("objectifs", lambda t: "Écrit via le processus 1." in t)

    assert partner.type(lambda d: insert_text(d, "descriptif", 0, 0, "Écrit via le processus 2.")) == {"saved": True}
    lead.wait_text("descriptif", "Écrit via le processus 2.")
    assert lead.xml("objectifs") == partner.xml("objectifs")


def test_a_late_joiner_on_the_other_process_syncs_the_edit_from_the_database(scale_out: ScaleOut) -> None:
    live = scale_out.live
    document = live.document(1)
    lead = live.client(scale_out.one, "lead", document).open()
    assert lead.type(lambda d: insert_text(d, "calendrier", 0, 0, "Printemps 2026")) == {"saved": True}
    lead.close()

    late = live.client(scale_out.two, "beneficiary", document).open()

    assert late.text("calendrier") == "Printemps 2026"
    assert late.received.update_messages == 0  # from the database through sync, not from a broadcast
    assert plain_text(stored_doc(live.engine, live.dossier_id, document), "calendrier") == "Printemps 2026"


def test_presence_and_its_removal_cross_processes(scale_out: ScaleOut) -> None:
    live = scale_out.live
    partner = live.client(scale_out.one, "partner").open()
    observer = live.client(scale_out.two, "observer").open()
    state = {"user": {"name": "Paul Partenaire", "color": "#1f77b4"}, "cursor": {"anchor": 1, "head": 4}}

    assert partner.send_raw(awareness_message([(partner.doc.client_id, 1, state)])) == {"ok": True}
    relayed = live.as_relayed("partner", state)
    observer.wait_for(lambda c: c.awareness.get(partner.doc.client_id) == (1, relayed), what="presence elsewhere")
    partner.disconnect()
    observer.wait_for(lambda c: partner.doc.client_id not in c.awareness, 5, "removal across processes")


def test_a_newcomer_on_the_other_process_is_sent_the_present_states_at_join(scale_out: ScaleOut) -> None:
    live = scale_out.live
    partner = live.client(scale_out.one, "partner").open()
    state = {"user": {"name": "Paul", "color": "#1f77b4"}, "cursor": {"anchor": 2, "head": 2}}
    assert partner.send_raw(awareness_message([(partner.doc.client_id, 3, state)])) == {"ok": True}

    newcomer = live.client(scale_out.two, "observer").open()  # the states come before the join's acknowledgement

    assert newcomer.awareness.get(partner.doc.client_id) == (3, live.as_relayed("partner", state))


def test_a_client_id_of_a_member_on_the_other_process_can_be_neither_cleared_nor_taken(scale_out: ScaleOut) -> None:
    live = scale_out.live
    lead = live.client(scale_out.one, "lead").open()
    observer = live.client(scale_out.two, "observer").open()
    state = {"user": {"name": "Léa", "color": "#d62728"}}
    assert lead.send_raw(awareness_message([(lead.doc.client_id, 1, state)])) == {"ok": True}
    observer.wait_for(lambda c: lead.doc.client_id in c.awareness, what="Léa's presence across processes")

    for forged in (None, {"user": {"name": "Léa", "color": "#d62728"}, "cursor": {"anchor": 9, "head": 9}}):
        ack = observer.send_raw(awareness_message([(lead.doc.client_id, 40, forged)]))
        assert ack.get("error", {}).get("code") == "foreign_client", ack

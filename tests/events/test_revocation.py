"""What ends a live connection's rights, on every process: logging out closes its sockets, a removed
member stops receiving the dossier's edits and comments within one second (docs/protocol.md).

Run on SQLite with one process, and on PostgreSQL with two processes sharing Redis, the change
going through process 1 and the affected socket connected to process 2.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio

from tests.live import LiveWorld, ServerProcess, YClient, http_session, insert_text, wait_until

from .conftest import shared_world_and_server, two_processes_on_postgres

# docs/protocol.md: a removal or a logout takes effect within a second everywhere.
WITHIN = 1.0
# How long the removed member is then watched for anything reaching them.
QUIET = 3.0


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def setup(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveWorld, ServerProcess, ServerProcess]]:
    """(world, the process that serves the change, the process the affected socket is connected to)."""
    if request.param == "sqlite":
        with shared_world_and_server(sqlite_template, tmp_path_factory, "revocation") as (live, server):
            yield live, server, server
    else:
        with two_processes_on_postgres(tmp_path_factory, "revocation") as (live, one, two):
            yield live, one, two


def test_logout_disconnects_the_sessions_sockets_and_refuses_the_old_cookie(
    setup: tuple[LiveWorld, ServerProcess, ServerProcess],
) -> None:
    live, one, two = setup
    cookie = live.cookie("beneficiary")  # a session of its own: logging it out ends no other test's
    assert cookie is not None
    socket = YClient(two.url, cookie, live.dossier_id, live.document(), who="beneficiary").open()
    live.clients.append(socket)
    other_session = live.client(two, "beneficiary").open()
    http = http_session(one.url, cookie)

    assert http.post(f"{one.url}/api/auth/logout", timeout=10).status_code == 204
    started = time.monotonic()

    wait_until(lambda: not socket.connected, WITHIN + 0.5, "the logged-out socket to be disconnected")
    assert time.monotonic() - started <= WITHIN + 0.5
    assert http.get(f"{two.url}/api/dossiers/{live.dossier_id}", timeout=10).status_code == 401
    with pytest.raises(socketio.exceptions.ConnectionError):
        YClient(two.url, cookie, live.dossier_id, live.document()).connect()
    # The same person's other session is not affected.
    assert other_session.connected
    assert other_session.type(lambda d: insert_text(d, "objectifs", 0, 0, "Toujours là. ")) == {"saved": True}


def test_a_removed_member_stops_receiving_edits_and_comments_on_every_process(
    setup: tuple[LiveWorld, ServerProcess, ServerProcess],
) -> None:
    live, one, two = setup
    lead = live.client(one, "lead").open()
    partner = live.client(two, "partner").open()
    witness = live.client(two, "beneficiary").open()  # still a member: proves the edits were sent
    comments: list[Any] = []
    assert partner.sio is not None
    partner.sio.on("comment", comments.append)
    assert lead.type(lambda d: insert_text(d, "objectifs", 0, 0, "Avant. ")) == {"saved": True}
    partner.wait_text("objectifs", lambda t: "Avant." in t)
    lead_http = live.http(one, "lead")

    member_id = live.world.member_ids["partner"]
    reply = lead_http.delete(f"{one.url}/api/dossiers/{live.dossier_id}/members/{member_id}", timeout=10)
    assert reply.status_code == 204, reply.text
    time.sleep(WITHIN)  # the promise: one second, on every process
    with partner.lock:
        updates, awareness = len(partner.received.updates), len(partner.received.awareness)

    deadline = time.monotonic() + QUIET
    n = 0
    while time.monotonic() < deadline:
        n += 1
        assert lead.type(lambda d, n=n: insert_text(d, "objectifs", 0, 0, f"Après {n}. ")) == {"saved": True}
        posted = lead_http.post(
            f"{one.url}/api/dossiers/{live.dossier_id}/documents/{live.document()}/comments",
            json={"question": "objectifs", "body": f"Commentaire {n}"},
            timeout=10,
        )
        assert posted.status_code == 201, posted.text
        time.sleep(0.2)  # spread the edits over the watched period
    witness.wait_text("objectifs", lambda t: f"Après {n}." in t)

    with partner.lock:
        assert len(partner.received.updates) == updates, "the removed member still received edits"
        assert len(partner.received.awareness) == awareness
    assert comments == [], "the removed member still received comments"
    assert "Après" not in partner.text("objectifs")


def test_a_demoted_member_is_told_and_may_no_longer_edit_within_a_second_on_every_process(
    setup: tuple[LiveWorld, ServerProcess, ServerProcess],
) -> None:
    live, one, two = setup
    beneficiary = live.client(two, "beneficiary").open()
    assert beneficiary.join_ack is not None and beneficiary.join_ack["read_only"] is False
    member_id = live.world.member_ids["beneficiary"]

    reply = live.http(one, "lead").patch(
        f"{one.url}/api/dossiers/{live.dossier_id}/members/{member_id}", json={"role": "observer"}, timeout=10
    )
    assert reply.status_code == 200, reply.text
    beneficiary.wait_for(lambda c: {"id": live.dossier_id, "members": True} in c.received.dossier, WITHIN, "the notice")
    time.sleep(WITHIN)

    ack = beneficiary.type(lambda d: insert_text(d, "objectifs", 0, 0, "Après la rétrogradation. "))
    assert ack is not None and ack["error"]["code"] == "read_only", ack
    assert beneficiary.join()["read_only"] is True  # the re-join the notice asks for

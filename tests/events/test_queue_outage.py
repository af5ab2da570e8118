"""A Redis outage between two server processes: edits committed while the message queue is
down reach the other process's open clients once it is back, without them reconnecting.

The test runs its own ``redis-server`` on a free port, stops it in the middle of a session
and starts it again on the same port. Under CI=true a missing PostgreSQL is a failure.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
import sqlalchemy as sa

from tests.conftest import require_service
from tests.events.conftest import postgres_database
from tests.live import (
    LiveWorld,
    free_port,
    insert_text,
    plain_text,
    servers,
    stored_doc,
    wait_until,
)
from tests.support import build_world

pytestmark = pytest.mark.postgres


class RedisServer:
    """``redis-server`` without persistence on one port; stop and start it again."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_until(answers, 10, "redis-server to answer")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@contextmanager
def own_redis() -> Iterator[RedisServer]:
    require_service(shutil.which("redis-server") is not None, "the redis-server program")
    server = RedisServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_edits_made_while_redis_is_down_reach_the_other_process_when_it_is_back(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("outage")
    with own_redis() as queue, postgres_database("outage", folder) as (app, url):
        live = LiveWorld(app, build_world(app), url, folder, sa.create_engine(url))
        try:
            with servers() as start:
                one = start(url, folder / "one", redis_url=queue.url)
                two = start(url, folder / "two", redis_url=queue.url)
                lead = live.client(one, "lead").open()
                partner = live.client(two, "partner").open()
                assert lead.type(lambda d: insert_text(d, "objectifs", 0, 0, "Avant. ")) == {"saved": True}
                partner.wait_text("objectifs", lambda t: "Avant." in t)
                connection = partner.sio

                queue.stop()
                words = ["un", "deux", "trois"]
                for word in words:
                    assert lead.type(lambda d, w=word: insert_text(d, "objectifs", 0, 0, f"{w} ")) == {"saved": True}
                stored = plain_text(stored_doc(live.engine, live.dossier_id, live.document()), "objectifs")
                assert all(word in stored for word in words), stored
                assert "trois" not in partner.text("objectifs"), "the queue was down: nothing can have crossed yet"

                queue.start()  # same port

                partner.wait_text("objectifs", lambda t: all(w in t for w in words), timeout=20)
                assert partner.sio is connection and partner.connected, "converged without reconnecting"
                assert partner.xml("objectifs") == lead.xml("objectifs")
                # and live delivery works again, both ways
                assert partner.type(lambda d: insert_text(d, "descriptif", 0, 0, "Après.")) == {"saved": True}
                lead.wait_text("descriptif", "Après.")
        finally:
            live.close_clients()
            live.engine.dispose()

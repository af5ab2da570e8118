"""Scale-out: two server processes on one PostgreSQL database, sharing Redis as
Flask-SocketIO's message queue. Any process can serve any client.

Under CI=true a missing PostgreSQL or Redis is a failure; elsewhere a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from tests.conftest import PG_ADMIN_URL, _pg_available, make_app, migrate, require_service
from tests.live import LiveWorld, ServerProcess, awareness_message, insert_text, plain_text, servers, stored_doc
from tests.support import build_world

pytestmark = pytest.mark.postgres

# Redis pub/sub channels ignore the database number and Flask-SocketIO's channel name
# is fixed by the server, so runs sharing this Redis are kept apart by their rooms:
# each run's dossier gets an id no other run uses (rooms are "doc:<dossier id>:<name>").
REDIS_URL = os.environ.get("CODOSSIER_TEST_REDIS", "redis://127.0.0.1:6379/11")


def _redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping())
    except redis.RedisError:
        return False


@dataclass
class ScaleOut:
    live: LiveWorld
    one: ServerProcess
    two: ServerProcess


@pytest.fixture(scope="module")
def scale_out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaleOut]:
    require_service(_pg_available(), "PostgreSQL at 127.0.0.1:5432")
    require_service(_redis_available(), f"Redis at {REDIS_URL}")
    folder = tmp_path_factory.mktemp("scale-out")
    name = f"codossier_live_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate(make_app(url, folder))
        app = make_app(url, folder)
        first_id = 1_000_000 + uuid.uuid4().int % 1_000_000_000
        with app.app_context():
            from server.extensions import db

            with db.engine.begin() as conn:
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('dossiers', 'id'), {first_id})"))
            db.engine.dispose()
        live = LiveWorld(app, build_world(app), url, folder, sa.create_engine(url))
        try:
            with servers() as start:
                one = start(url, folder / "one", redis_url=REDIS_URL)
                two = start(url, folder / "two", redis_url=REDIS_URL)
                yield ScaleOut(live, one, two)
                live.close_clients()
        finally:
            live.close_clients()
            live.engine.dispose()
            with app.app_context():
                from server.extensions import db

                db.session.remove()
                db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
    observer.wait_for(lambda c: c.awareness.get(partner.doc.client_id) == (1, state), what="presence across processes")
    partner.disconnect()
    observer.wait_for(lambda c: partner.doc.client_id not in c.awareness, 5, "removal across processes")

"""Fixtures for the live co-editing tests: a dossier world in a database file that
real ``python -m server.cli serve`` processes open, and a factory of such processes
(each one stopped at the end of its test, even on failure)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from server.extensions import db
from tests.conftest import PG_ADMIN_URL, _pg_available, make_app, migrate, require_service
from tests.live import LiveWorld, ServerProcess, servers
from tests.support import build_world


def make_live_world(template: Path, folder: Path) -> LiveWorld:
    """build_world's dossier in a copy of the migrated SQLite template."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "codossier.sqlite3"
    shutil.copyfile(template, path)
    url = f"sqlite:///{path}"
    app = make_app(url, folder)
    world = build_world(app)
    return LiveWorld(app, world, url, folder, sa.create_engine(url))


def close_live_world(live: LiveWorld) -> None:
    from server.extensions import db

    live.close_clients()
    live.engine.dispose()
    with live.app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live(sqlite_template: Path, tmp_path: Path) -> Iterator[LiveWorld]:
    world = make_live_world(sqlite_template, tmp_path / "live")
    yield world
    close_live_world(world)


@pytest.fixture
def start_server() -> Iterator[Callable[..., ServerProcess]]:
    """Start ``ServerProcess(database_url, data_dir, **options)``; all are stopped after the test."""
    with servers() as start:
        yield start


@pytest.fixture
def server(live: LiveWorld, start_server: Callable[..., ServerProcess]) -> ServerProcess:
    """One server process on the test's world."""
    return start_server(live.database_url, live.data_dir / "server")


@contextmanager
def shared_world_and_server(
    template: Path, tmp_path_factory: pytest.TempPathFactory, name: str, **options: Any
) -> Iterator[tuple[LiveWorld, ServerProcess]]:
    """One world and one server process for a whole module (module-scoped fixtures)."""
    live = make_live_world(template, tmp_path_factory.mktemp(name))
    try:
        with servers() as start:
            yield live, start(live.database_url, live.data_dir / "server", **options)
            live.close_clients()
    finally:
        close_live_world(live)


# --- PostgreSQL (+ Redis) with several server processes ------------------------------------------

# Redis channels are shared by every run on this machine: each run's dossiers get
# ids no other run uses, so rooms ("dossier:<id>", "watch:<id>:<user>") never collide.
REDIS_URL = os.environ.get("CODOSSIER_TEST_REDIS", "redis://127.0.0.1:6379/11")


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping())
    except redis.RedisError:
        return False


@contextmanager
def postgres_database(label: str, folder: Path) -> Iterator[tuple[Flask, str]]:
    """A fresh migrated PostgreSQL database and an app on it, dropped afterwards."""
    require_service(_pg_available(), "PostgreSQL at 127.0.0.1:5432")
    name = f"codossier_{label}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate(make_app(url, folder))
        app = make_app(url, folder)
        first_id = 1_000_000 + uuid.uuid4().int % 1_000_000_000
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('dossiers', 'id'), {first_id})"))
        try:
            yield app, url
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def two_processes_on_postgres(
    tmp_path_factory: pytest.TempPathFactory, label: str
) -> Iterator[tuple[LiveWorld, ServerProcess, ServerProcess]]:
    """A world on PostgreSQL served by two processes that share Redis."""
    require_service(redis_available(), f"Redis at {REDIS_URL}")
    folder = tmp_path_factory.mktemp(label)
    with postgres_database(label, folder) as (app, url):
        live = LiveWorld(app, build_world(app), url, folder, sa.create_engine(url))
        try:
            with servers() as start:
                yield (
                    live,
                    start(url, folder / "one", redis_url=REDIS_URL),
                    start(url, folder / "two", redis_url=REDIS_URL),
                )
        finally:
            live.close_clients()
            live.engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world_and_server(
    request: pytest.FixtureRequest, tmp_path: Path, start_server: Callable[..., ServerProcess]
) -> Iterator[tuple[LiveWorld, ServerProcess]]:
    """The test world served by one real server process, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        live = make_live_world(request.getfixturevalue("sqlite_template"), tmp_path / "live")
        try:
            yield live, start_server(live.database_url, tmp_path / "server")
        finally:
            close_live_world(live)
        return
    with postgres_database("world", tmp_path) as (app, url):
        live = LiveWorld(app, build_world(app), url, tmp_path, sa.create_engine(url))
        try:
            yield live, start_server(url, tmp_path / "server")
        finally:
            live.close_clients()
            live.engine.dispose()

"""Fixtures for the live co-editing tests: a dossier world in a database file that
real ``python -m server.cli serve`` processes open, and a factory of such processes
(each one stopped at the end of its test, even on failure)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import make_app
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

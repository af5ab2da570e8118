"""Shared fixtures: real databases (SQLite and PostgreSQL), real apps, real sessions.

Databases are migrated once per run through Alembic; each test then starts
from an empty migrated database (a copied SQLite file, or truncated
PostgreSQL tables in a database created for this run).

Under ``CI=true`` a missing PostgreSQL is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from server import create_app
from server.extensions import db, limiter
from server.services import clock

from .mail import MailServer, shared_mail_server
from .support import ApiClient, DossierWorld, build_world

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get("CODOSSIER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TEST_SECRET = "test-secret-key-not-for-production"
# Real argon2id hashes, at a cost that keeps hundreds of logins per run fast.
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


def require_service(available: bool, what: str) -> None:
    """Skip with a reason on a user's machine; fail under CI=true."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true but is not available")
    pytest.skip(f"{what} is not available on this machine")


def _pg_available() -> bool:
    try:
        engine = sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except sa.exc.OperationalError:
        return False


def make_app(database_url: str, data_dir: Path, **overrides: object) -> Flask:
    return create_app(
        SQLALCHEMY_DATABASE_URI=database_url,
        DATA_DIR=data_dir,
        SECRET_KEY=TEST_SECRET,
        TESTING=True,
        ARGON2_PARAMETERS=CHEAP_ARGON2,
        ASYNC_MODE="threading",
        **{"SMTP_HOST": "127.0.0.1", "SMTP_PORT": shared_mail_server().port, **overrides},
    )


def migrate(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite database file that each test copies."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.sqlite3"
    migrate(make_app(f"sqlite:///{path}", folder))
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database created for this test run, migrated, dropped at the end."""
    require_service(_pg_available(), "PostgreSQL at 127.0.0.1:5432")
    name = f"codossier_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    migrate(make_app(url, Path("/tmp")))
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_all(app: Flask) -> None:
    with app.app_context():
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))  # past the register's triggers
            conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def app(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """A fresh app on an empty migrated database of the test's backend."""
    if backend == "sqlite":
        path = tmp_path / "codossier.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        application = make_app(f"sqlite:///{path}", tmp_path)
    else:
        application = make_app(request.getfixturevalue("postgres_url"), tmp_path)
        _truncate_all(application)
    with application.app_context():
        limiter.reset()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    clock.set_source(None)


@pytest.fixture
def sqlite_app(sqlite_template: Path, tmp_path: Path) -> Iterator[Flask]:
    """For tests that need only one backend."""
    path = tmp_path / "codossier.sqlite3"
    shutil.copyfile(sqlite_template, path)
    application = make_app(f"sqlite:///{path}", tmp_path)
    with application.app_context():
        limiter.reset()
    yield application
    with application.app_context():
        db.engine.dispose()
    clock.set_source(None)


@pytest.fixture
def mailbox() -> MailServer:
    """The test SMTP server every test app sends to, emptied for this test."""
    server = shared_mail_server()
    server.clear()
    return server


@pytest.fixture
def client(app: Flask) -> ApiClient:
    return ApiClient(app)


@pytest.fixture
def world(app: Flask) -> DossierWorld:
    """A dossier with one member of each role and an outsider, built through the services."""
    return build_world(app)

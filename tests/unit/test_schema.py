"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from server.alembic_hooks import MIGRATION_OPTIONS
from server.extensions import db
from server.models import Base


def test_autogenerate_finds_no_difference(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=MIGRATION_OPTIONS)
        assert compare_metadata(context, Base.metadata) == []


def test_migrated_database_is_at_head(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        head = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_current_head()
    assert current == head

"""Alembic environment: the Flask app's engine and the models' metadata."""

from alembic import context
from flask import current_app

from server.alembic_hooks import MIGRATION_OPTIONS
from server.models.base import Base


def run_migrations_online() -> None:
    engine = current_app.extensions["migrate"].db.engine
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, **MIGRATION_OPTIONS)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported: run them against a database.")
run_migrations_online()

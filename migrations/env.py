"""Alembic environment: the Flask app's engine and the models' metadata."""

from alembic import context
from flask import current_app
from sqlalchemy import DateTime

from server.models.base import Base, UTCDateTime

config = context.config


def render_item(type_, obj, autogen_context):
    """Write our UTC timestamp type as the plain SQL type it stores."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def compare_type(context, inspected_column, metadata_column, inspected_type, metadata_type):
    if isinstance(metadata_type, UTCDateTime):
        return context.impl.compare_type(inspected_column, metadata_column.copy(type_=DateTime(timezone=True)))
    return None


def run_migrations_online() -> None:
    engine = current_app.extensions["migrate"].db.engine
    options = current_app.extensions["migrate"].configure_args
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_item=render_item,
            compare_type=compare_type,
            render_as_batch=options.get("render_as_batch", True),
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported: run them against a database.")
run_migrations_online()

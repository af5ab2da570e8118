"""Alembic hooks for our own column types, shared by migrations/env.py and the schema test."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, DateTime

from .models.base import UTCDateTime


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write our UTC timestamp type as the plain SQL type it stores."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def compare_type(
    context: Any, inspected_column: Any, metadata_column: Any, inspected_type: Any, metadata_type: Any
) -> bool | None:
    if isinstance(metadata_type, UTCDateTime):
        return bool(context.impl.compare_type(inspected_column, Column(metadata_column.name, DateTime(timezone=True))))
    return None


MIGRATION_OPTIONS = {"compare_type": compare_type, "render_item": render_item, "render_as_batch": True}

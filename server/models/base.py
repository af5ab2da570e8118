"""Declarative base shared by every model, with stable constraint names."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeGuard

from sqlalchemy import DateTime, MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

# The largest id a row can have: ids are INTEGER columns, signed 32-bit on PostgreSQL (which refuses
# a larger parameter with "integer out of range"; SQLite's driver raises OverflowError beyond 64 bits).
# A larger number names nothing: paths, bodies and socket messages refuse it before any query.
MAX_ID = 2**31 - 1


def is_id(value: object) -> TypeGuard[int]:
    """Whether ``value`` (from JSON or a socket message) is an int, not a bool, that an id column can hold.

    Zero and negatives name no row but are safe to look up (they are simply not found)."""
    return isinstance(value, int) and not isinstance(value, bool) and -MAX_ID <= value <= MAX_ID


NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no timezone; PostgreSQL keeps ``timestamptz``. Both give an
    aware UTC ``datetime`` to the code.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        result: datetime = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return result


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )

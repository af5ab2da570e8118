"""The dossier's register, stored: append an entry in the caller's transaction, read, verify.

The chain itself (canonical encoding, hashes, verification) is
``register_chain``; this module keeps it in the database. Entries are only
ever inserted; on PostgreSQL a trigger refuses any UPDATE or DELETE as well.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..extensions import db
from ..models import RegisterEntry
from . import clock, register_chain
from .dossiers import lock_dossier
from .register_chain import ChainEntry, Verification


def _chain(row: RegisterEntry) -> ChainEntry:
    return ChainEntry(
        sequence=row.sequence, kind=row.kind, content=row.content, previous_hash=row.previous_hash, hash=row.hash
    )


def rows(dossier_id: int) -> list[RegisterEntry]:
    """The stored entries in stored order (by sequence, then insertion)."""
    return list(
        db.session.scalars(
            db.select(RegisterEntry)
            .where(RegisterEntry.dossier_id == dossier_id)
            .order_by(RegisterEntry.sequence, RegisterEntry.id)
        )
    )


def record(dossier_id: int, kind: str, content: Mapping[str, Any]) -> RegisterEntry:
    """Append an entry after the current head, in the caller's transaction.

    The dossier's row lock (PostgreSQL) serialises appends; the unique
    (dossier, sequence) constraint refuses a fork in any case.
    """
    lock_dossier(dossier_id)
    current = head(dossier_id)
    entry = register_chain.append(_chain(current) if current else None, kind, content)
    row = RegisterEntry(
        dossier_id=dossier_id,
        sequence=entry.sequence,
        kind=entry.kind,
        content=entry.content,
        previous_hash=entry.previous_hash,
        hash=entry.hash,
        created_at=clock.now(),
    )
    db.session.add(row)
    db.session.flush()
    return row


def verify(dossier_id: int, expected_head: str | None = None) -> Verification:
    return register_chain.verify([_chain(row) for row in rows(dossier_id)], expected_head)


def latest(dossier_id: int, kind: str) -> RegisterEntry | None:
    """The newest entry of ``kind``."""
    return _newest(dossier_id, RegisterEntry.kind == kind)


def content_of(row: RegisterEntry) -> dict[str, Any]:
    return register_chain.decode(row.content)


def head(dossier_id: int) -> RegisterEntry | None:
    return _newest(dossier_id)


def _newest(dossier_id: int, *conditions: Any) -> RegisterEntry | None:
    entry: RegisterEntry | None = db.session.scalar(
        db.select(RegisterEntry)
        .where(RegisterEntry.dossier_id == dossier_id, *conditions)
        .order_by(RegisterEntry.sequence.desc())
        .limit(1)
    )
    return entry

"""The dossier's register, stored: append an entry in the caller's transaction, read, verify.

The chain itself (canonical encoding, hashes, verification) is
``register_chain``; this module keeps it in the database. Entries are only
ever inserted; on PostgreSQL triggers refuse any UPDATE, DELETE or TRUNCATE as
well. The head (sequence and hash of the last entry) is anchored on the
dossier's row, moved in the same transaction as each append, and every
verification checks that the entries end exactly there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..extensions import db
from ..models import Dossier, RegisterEntry
from . import clock, register_chain
from .dossiers import lock_dossier
from .errors import Conflict, NotFound
from .register_chain import ChainEntry, Head, Verification


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
    """Append an entry after the anchored head and move the anchor, in the caller's transaction.

    The dossier's row lock (PostgreSQL) serialises appends; the anchor moves
    only from the head the entry was chained to (compare and set), and the
    unique (dossier, sequence) constraint refuses a fork in any case.
    """
    anchored = anchor(lock_dossier(dossier_id))
    entry = register_chain.append(anchored, kind, content)
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
    moved = db.session.execute(
        db.update(Dossier)
        .where(Dossier.id == dossier_id, Dossier.register_head_sequence == anchored.sequence)
        .values(register_head_sequence=entry.sequence, register_head_hash=entry.hash)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("The register moved on during this change; try again.", code="register_conflict")
    return row


def anchor(dossier: Dossier) -> Head:
    """The head recorded on the dossier's row at the last append."""
    return Head(dossier.register_head_sequence, dossier.register_head_hash or register_chain.GENESIS)


def verify(dossier_id: int, expected_head: str | None = None) -> Verification:
    """Recompute the chain, check it ends at the anchored head (and contains ``expected_head`` when given).

    The dossier's row is read under a share lock (PostgreSQL), so no append
    commits between reading the anchor and reading the entries.
    """
    dossier = db.session.scalar(
        db.select(Dossier)
        .where(Dossier.id == dossier_id)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    )
    if dossier is None:
        raise NotFound("No such dossier.")
    return register_chain.verify([_chain(row) for row in rows(dossier_id)], expected_head, anchor(dossier))


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

"""Live documents: the append-only update log and its compacted snapshots, with who wrote their text.

A document is named within its dossier (``action-<id>`` or ``storyboard``).
Its state is the snapshot merged with every update still in the log, in any
order: Yjs updates commute, so compaction only has to remove exactly the rows
it folded into the snapshot.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

DocumentId = BigInteger().with_variant(Integer(), "sqlite")


class DocumentUpdate(Base):
    __tablename__ = "document_updates"
    __table_args__ = (Index("ix_document_updates_document", "dossier_id", "document", "id"),)

    id: Mapped[int] = mapped_column(DocumentId, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    document: Mapped[str] = mapped_column(String(40))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class DocumentSnapshot(Base):
    __tablename__ = "document_snapshots"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True)
    document: Mapped[str] = mapped_column(String(40), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    folded_updates: Mapped[int] = mapped_column(BigInteger, default=0)
    # Who wrote the snapshot's text (services/author_tracking.py), written by the same compaction.
    authors: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime]

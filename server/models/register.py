"""The register (*registre des décisions*): one append-only hash chain per dossier."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class RegisterEntry(Base):
    """An entry as ``services.register_chain`` defines it; never updated or deleted."""

    __tablename__ = "register_entries"
    __table_args__ = (UniqueConstraint("dossier_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    sequence: Mapped[int]
    kind: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]

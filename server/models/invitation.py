"""Invitation links and personal re-entry links.

Both are signed, expiring, single-use and revocable. The link carries only the
row id and a random nonce, signed with the app's secret: the row is the truth
for expiry, use and revocation, and the link can be shown again at any time.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .dossier import Dossier, _in
from .user import User


class InvitationKind(StrEnum):
    INVITATION = "invitation"
    REENTRY = "reentry"


class Invitation(Base):
    __tablename__ = "invitations"
    __table_args__ = (CheckConstraint(_in("kind", InvitationKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    role: Mapped[str | None] = mapped_column(String(16))
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    label: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    nonce: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None]

    dossier: Mapped[Dossier] = relationship()
    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id])

"""The dossier aggregate: the dossier itself and who belongs to it, with which role."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .user import User

if TYPE_CHECKING:
    from .action import Action


class DossierState(StrEnum):
    DRAFT = "brouillon"
    FROZEN = "fige"
    SUBMITTED = "depose"


class Role(StrEnum):
    LEAD = "lead"
    PARTNER = "partner"
    BENEFICIARY = "beneficiary"
    OBSERVER = "observer"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Dossier(Base):
    __tablename__ = "dossiers"
    __table_args__ = (CheckConstraint(_in("state", DossierState), name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    structure: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default=DossierState.DRAFT.value)
    beneficiaries_may_edit: Mapped[bool] = mapped_column(default=True)
    template_id: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int]
    storyboard_template_id: Mapped[str] = mapped_column(String(64))
    storyboard_template_version: Mapped[int]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    frozen_at: Mapped[datetime | None]
    frozen_content_hash: Mapped[str | None] = mapped_column(String(64))
    # The register's head (sequence and hash of its last entry; 0 and no hash while empty), anchored here,
    # outside the entries, and moved in the same transaction as every append (``services.register``).
    register_head_sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    register_head_hash: Mapped[str | None] = mapped_column(String(64))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="Membership.id"
    )
    colleges: Mapped[list[College]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="College.id"
    )
    actions: Mapped[list[Action]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="Action.position"
    )


class College(Base):
    """A stakeholder collège with its weight in votes (as in SCIC cooperatives)."""

    __tablename__ = "colleges"
    __table_args__ = (UniqueConstraint("dossier_id", "name"), CheckConstraint("weight > 0", name="weight"))

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    weight: Mapped[int]

    dossier: Mapped[Dossier] = relationship(back_populates="colleges")


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("dossier_id", "user_id"),
        CheckConstraint(_in("role", Role), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    college_id: Mapped[int | None] = mapped_column(ForeignKey("colleges.id", ondelete="SET NULL"))
    joined_at: Mapped[datetime]

    dossier: Mapped[Dossier] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(lazy="joined")

"""Collegial decisions: the proposal, its amended versions and the votes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .user import User


class DecisionKind(StrEnum):
    GENERAL = "general"
    PRIORITY_ORDER = "priority_order"
    FINAL_APPROVAL = "final_approval"
    REOPEN = "reopen"


class DecisionState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Decision(Base):
    """A proposal put to the vote; ``text`` is its current (possibly amended) version.

    ``electorate`` and ``colleges`` are fixed at opening, as for polls;
    ``outcome`` is the server's count, written once at close.
    """

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint(_in("kind", DecisionKind), name="kind"),
        CheckConstraint(_in("state", DecisionState), name="state"),
        CheckConstraint("quorum_percent BETWEEN 0 AND 100", name="quorum"),
        Index("ix_decisions_open", "state", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(String(32))
    quorum_percent: Mapped[int]
    require_every_college: Mapped[bool]
    secret: Mapped[bool]
    proposer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("priority_polls.id", ondelete="SET NULL"))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default=DecisionState.OPEN.value)
    opened_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    electorate: Mapped[dict[str, Any]] = mapped_column(JSON)
    colleges: Mapped[dict[str, Any]] = mapped_column(JSON)
    adopted: Mapped[bool | None]
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    register_sequence: Mapped[int | None]
    statement: Mapped[str | None] = mapped_column(Text)
    statement_at: Mapped[datetime | None]
    used_at: Mapped[datetime | None]

    proposer: Mapped[User] = relationship(lazy="joined")
    revisions: Mapped[list[DecisionRevision]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="DecisionRevision.number"
    )
    votes: Mapped[list[DecisionVote]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="DecisionVote.id"
    )


class DecisionRevision(Base):
    """One version of the proposal's text; version 1 is the text as proposed."""

    __tablename__ = "decision_revisions"
    __table_args__ = (UniqueConstraint("decision_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]

    decision: Mapped[Decision] = relationship(back_populates="revisions")


class DecisionVote(Base):
    """A voter's current vote; ``revision`` is the version of the text it was last cast on."""

    __tablename__ = "decision_votes"
    __table_args__ = (UniqueConstraint("decision_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    choice: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    maintained: Mapped[bool] = mapped_column(default=True)
    revision: Mapped[int]
    cast_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    decision: Mapped[Decision] = relationship(back_populates="votes")
    user: Mapped[User] = relationship(lazy="joined")

"""The priority vote (*ordre de priorité*): a ranked poll over the dossier's actions and its ballots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .user import User


class PriorityPoll(Base):
    """A poll; ``candidates`` and ``electorate`` are fixed when it opens.

    ``electorate`` maps each eligible voter's user id (as a string) to their
    role and collège at opening (plus ``"left": true`` once they leave the
    dossier while it is open: ``services.electorate``); ``colleges`` maps collège ids to name and
    weight. ``result`` is the stored count, written once at close.
    """

    __tablename__ = "priority_polls"
    __table_args__ = (Index("ix_priority_polls_open", "closed_at", "closes_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    secret: Mapped[bool]
    adopt_on_close: Mapped[bool]
    opened_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    cancelled: Mapped[bool] = mapped_column(default=False)
    candidates: Mapped[list[int]] = mapped_column(JSON)
    electorate: Mapped[dict[str, Any]] = mapped_column(JSON)
    colleges: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    adopted_at: Mapped[datetime | None]
    adopted_register_sequence: Mapped[int | None]

    opened_by: Mapped[User] = relationship(lazy="joined")
    ballots: Mapped[list[PollBallot]] = relationship(
        back_populates="poll", cascade="all, delete-orphan", order_by="PollBallot.id"
    )


class PollBallot(Base):
    """One voter's ranking: groups of action ids, best first; a voter changes it until the close."""

    __tablename__ = "poll_ballots"
    __table_args__ = (UniqueConstraint("poll_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("priority_polls.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ranking: Mapped[list[list[int]]] = mapped_column(JSON)
    cast_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    poll: Mapped[PriorityPoll] = relationship(back_populates="ballots")
    user: Mapped[User] = relationship(lazy="joined")

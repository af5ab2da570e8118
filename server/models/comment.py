"""Comment threads on a question of a live document, optionally anchored to a passage."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .user import User


class CommentThread(Base):
    __tablename__ = "comment_threads"
    __table_args__ = (Index("ix_comment_threads_document", "dossier_id", "document"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    document: Mapped[str] = mapped_column(String(40))
    question: Mapped[str] = mapped_column(String(64))
    # Yjs relative positions (base64) that keep the passage as the text changes.
    anchor_start: Mapped[str | None] = mapped_column(String(512))
    anchor_end: Mapped[str | None] = mapped_column(String(512))
    quote: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    comments: Mapped[list[Comment]] = relationship(
        back_populates="thread", cascade="all, delete-orphan", order_by="Comment.id"
    )
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("comment_threads.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]

    thread: Mapped[CommentThread] = relationship(back_populates="comments")
    author: Mapped[User] = relationship(lazy="joined")

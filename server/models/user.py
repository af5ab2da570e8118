"""People. A beneficiary may have no e-mail and no password at all."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class User(UserMixin, Base):  # type: ignore[misc]  # flask_login ships no types
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]

    # Not a column: the dossiers the current session may reach, when a re-entry link opened it
    # (None: every dossier the user belongs to). Set from the session when the user is loaded;
    # services.policy enforces it.
    session_scope = None  # type: frozenset[int] | None

    @property
    def has_account(self) -> bool:
        """True for an e-mail + password account (leads and partners)."""
        return self.email is not None and self.password_hash is not None

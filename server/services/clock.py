"""The one source of "now", so that deadlines can be tested with a controlled clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from .errors import InvalidInput

_source: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    return _source()


def source() -> Callable[[], datetime]:
    """The clock in use (tests save it to restore it)."""
    return _source


def set_source(source: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests); ``None`` restores the system clock."""
    global _source
    _source = source if source is not None else (lambda: datetime.now(UTC))


def require_deadline(moment: datetime, *, max_days: int = 90) -> datetime:
    """A closing date in the future (at most ``max_days`` ahead), in UTC; otherwise a clear error."""
    if moment.tzinfo is None:
        raise InvalidInput("The closing date must include its time zone.", code="invalid_deadline")
    current = now()
    if moment <= current:
        raise InvalidInput("The closing date must be in the future.", code="deadline_in_past")
    if moment > current + timedelta(days=max_days):
        raise InvalidInput(f"The closing date must be within {max_days} days.", code="deadline_too_far")
    return moment.astimezone(UTC)

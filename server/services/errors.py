"""Domain errors. Each carries a stable code, an English message and its HTTP status.

The HTTP layer and the socket layer turn them into their own error replies; the
services raise them without knowing who asked.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details


class InvalidInput(DomainError):
    status = 422
    code = "validation_error"


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Gone(DomainError):
    status = 410
    code = "gone"


class Busy(DomainError):
    """The server refuses work it has too much of right now; the client may retry after ``retry_after`` s."""

    status = 503
    code = "busy"
    retry_after = 5

"""The HTTP API: one blueprint under /api, JSON errors, CSRF and body checks.

Routes are thin: validate (spectree + pydantic), authorise through
``services.policy``, call a service, shape the reply.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request, session
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ..extensions import db, spec
from ..models.base import MAX_ID
from ..services.errors import Busy, DomainError, Forbidden, InvalidInput, NotFound

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix="/api")

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_HEADER = "X-CSRF-Token"

_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    429: "too_many_attempts",
}

# Limits that are not about one address's attempts, by the error_message their decorator sets.
SIGNUPS_BUSY = "signups_busy"
_RATE_LIMITS = {
    SIGNUPS_BUSY: (SIGNUPS_BUSY, "Many people are signing up right now: try again in a few minutes."),
}


def csrf_token() -> str:
    """The session's CSRF token, created on first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def rotate_csrf_token() -> str:
    session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def error_reply(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    response = jsonify({"error": body})
    response.status_code = status
    return response


@bp.url_value_preprocessor
def _ids_in_range(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Every ``<int:…>`` in an API path names a row: a number above MAX_ID names nothing (404), whatever
    the method, and never reaches the database driver (which would overflow)."""
    if values and any(isinstance(value, int) and value > MAX_ID for value in values.values()):
        raise NotFound("Nothing has this id.")


@bp.before_request
def _check_csrf_and_body() -> None:
    if request.method not in UNSAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER, "").encode()
    expected = session.get("csrf")
    if not expected or not hmac.compare_digest(sent, str(expected).encode()):
        raise Forbidden("Missing or wrong CSRF token (header X-CSRF-Token).", code="csrf_failed")
    if not request.get_data(cache=True):
        if _takes_a_body(request.endpoint):
            raise InvalidInput(
                "This route needs a JSON object body.", details=[{"field": "(body)", "message": "missing"}]
            )
        return
    body = request.get_json(silent=True)
    if body is None and request.get_data(cache=True).strip() != b"null":
        raise DomainError(
            "The request body must be valid JSON sent as Content-Type: application/json.", code="malformed_json"
        )
    if not isinstance(body, dict):
        raise InvalidInput(
            "The request body must be a JSON object.", details=[{"field": "(body)", "message": "expected an object"}]
        )


def _takes_a_body(endpoint: str | None) -> bool:
    """Whether the route declares a JSON body (its OpenAPI requestBody is required: an empty one is refused)."""
    view = current_app.view_functions.get(endpoint or "")
    metadata = spec.get_function_metadata(view) if view is not None else None
    return metadata is not None and metadata.json is not None


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError) -> Response:
        db.session.rollback()
        reply = error_reply(error.status, error.code, error.message, error.details)
        if isinstance(error, Busy):
            reply.headers["Retry-After"] = str(error.retry_after)
        return reply

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response | HTTPException:
        if not request.path.startswith("/api/"):
            return error
        db.session.rollback()
        status = error.code or 500
        code, message = _HTTP_CODES.get(status, "http_error"), error.description or ""
        if status == 429:
            code, message = _RATE_LIMITS.get(message, (code, "Too many attempts: wait a moment and try again."))
        reply = error_reply(status, code, message)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            reply.headers["Allow"] = ", ".join(sorted(error.valid_methods))
        if status == 429 and error.response is not None:
            for header in ("Retry-After", "X-RateLimit-Reset"):
                if header in error.response.headers:
                    reply.headers[header] = error.response.headers[header]
        return reply

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_reply(500, "internal_error", "Something went wrong on our side. Please try again.")


from . import (  # noqa: E402,F401
    auth,
    colleges,
    comments,
    decisions,
    documents,
    dossiers,
    exports,
    forms,
    health,
    invitations,
    lifecycle,
    members,
    polls,
    register,
    submission,
)

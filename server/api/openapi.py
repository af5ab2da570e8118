"""The OpenAPI document: spectree's, completed with the replies that the API's shared checks give.

The routes declare their own outcomes (``spectree.Response``). The checks every route goes through are
declared here, once, as they are enforced in ``api/__init__.py``: on a change (POST, PUT, PATCH, DELETE)
a missing CSRF token (403 ``csrf_failed``), a body that is not JSON (400 ``malformed_json``), over 64 KiB
(413 ``payload_too_large``) or not valid (422 ``validation_error``); an id in the path that names nothing
(404 ``not_found``). Every error reply has the one ``ErrorReply`` schema (spectree's own validation-error
model is never sent).
"""

from __future__ import annotations

import copy
from typing import Any

ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorReply"}
CHANGES = {"post", "put", "patch", "delete"}
ON_CHANGES = {
    "400": "The body is not JSON (malformed_json)",
    "403": "Missing or wrong X-CSRF-Token header (csrf_failed), or the policy refuses (forbidden)",
    "413": "The body is over 64 KiB (payload_too_large)",
    "422": "The request is not valid (validation_error, with details)",
}
WITH_PATH_PARAMETERS = {"404": "Nothing has this id, or you are not a member of the dossier (not_found)"}
WITH_QUERY = {"422": "The request is not valid (validation_error, with details)"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}}


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of spectree's ``document`` in which every operation lists every status it can return."""
    document = copy.deepcopy(document)
    for operations in document["paths"].values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for reply in responses.values():
                for content in reply.get("content", {}).values():
                    if content.get("schema", {}).get("$ref", "").endswith("/ValidationError"):
                        content["schema"] = ERROR_SCHEMA
            locations = {parameter["in"] for parameter in operation.get("parameters", [])}
            shared = (
                (ON_CHANGES if method in CHANGES else {})
                | (WITH_PATH_PARAMETERS if "path" in locations else {})
                | (WITH_QUERY if "query" in locations else {})
            )
            for status, description in shared.items():
                responses.setdefault(status, _error(description))
    document["components"]["schemas"].pop("ValidationError", None)
    return document

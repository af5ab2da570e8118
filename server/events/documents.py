"""Socket.IO handlers of live documents (see docs/protocol.md): join, leave, y, disconnect.

Thin: parse the arguments, authorise through the policy module, call the
document services and the relay, shape the acknowledgement.

Each joined document keeps the member's access as the policy last answered
it. Every message is checked against it, and it is asked again of the policy
when older than ``ACCESS_TTL`` seconds (and at once in this process when the
lead changes the dossier's settings): a role change or removal takes effect
within that time, without a database round trip per keystroke.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request
from flask_login import current_user
from flask_socketio import SocketIO, emit, join_room, leave_room

from ..services import awareness, documents
from ..services.documents import AWARENESS, STEP1, DocumentRef, Message
from ..services.errors import DomainError, NotAuthenticated
from ..services.policy import Capability, authorize
from ..services.relay import Relay

Ack = dict[str, Any]
ACCESS_TTL = 1.0


@dataclass
class Joined:
    """One document joined by one connection."""

    user_id: int
    may_edit: bool
    checked_at: float
    clocks: dict[int, int] = field(default_factory=dict)  # awareness client id -> last clock


# sid -> joined documents
_connections: dict[str, dict[DocumentRef, Joined]] = {}


def _error(exc: DomainError) -> Ack:
    return {"code": exc.code, "message": exc.message}


def _refuse(ref: DocumentRef | None, exc: DomainError) -> None:
    if ref is not None:
        emit("y-error", {"dossier_id": ref.dossier_id, "document": ref.name, **_error(exc)})


def _check_access(dossier_id: int) -> tuple[int, bool]:
    """Ask the policy: the member's user id and whether they may edit now (NotFound if not a member)."""
    if not current_user.is_authenticated:
        raise NotAuthenticated("Log in first.")
    membership = authorize(current_user, dossier_id, Capability.READ)
    return membership.user_id, documents.may_edit(membership)


def _joined(dossier_id: object, name: object) -> tuple[DocumentRef, Joined]:
    for ref, joined in _connections.get(request.sid, {}).items():
        if ref.dossier_id == dossier_id and ref.name == name:
            if time.monotonic() - joined.checked_at > ACCESS_TTL:
                joined.user_id, joined.may_edit = _check_access(ref.dossier_id)
                joined.checked_at = time.monotonic()
            return ref, joined
    raise DomainError("Join the document first.", code="not_joined")


def expire_access(dossier_id: int) -> None:
    """Make this process ask the policy again for every connection to the dossier."""
    for joined_documents in _connections.values():
        for ref, joined in joined_documents.items():
            if ref.dossier_id == dossier_id:
                joined.checked_at = float("-inf")


def dossier_changed(socketio: SocketIO, dossier_id: int, settings: dict[str, Any]) -> None:
    """Tell the dossier's connected editors that its settings or members changed."""
    expire_access(dossier_id)
    socketio.emit("dossier", {"id": dossier_id, **settings}, to=documents.dossier_room(dossier_id))


def _relay() -> Relay:
    return current_app.extensions["codossier.relay"]  # type: ignore[no-any-return]


def _args(data: object) -> tuple[object, object]:
    if not isinstance(data, dict):
        raise DomainError("Expected {dossier_id, document}.", code="invalid_message")
    return data.get("dossier_id"), data.get("document")


def join(data: object = None) -> Ack:
    try:
        dossier_id, name = _args(data)
        if not isinstance(dossier_id, int) or isinstance(dossier_id, bool):
            raise DomainError("dossier_id must be an integer.", code="invalid_message")
        user_id, may_edit = _check_access(dossier_id)
        ref = documents.resolve(dossier_id, name)
    except DomainError as exc:
        return {"ok": False, "error": _error(exc)}
    try:
        join_room(ref.room)
        join_room(documents.dossier_room(ref.dossier_id))
    except ValueError:  # the client left while its join was being handled
        return {"ok": False, "error": {"code": "not_connected", "message": "The connection is closed."}}
    joined = _connections.setdefault(request.sid, {})
    previous = joined.get(ref)
    joined[ref] = Joined(user_id, may_edit, time.monotonic(), previous.clocks if previous else {})
    emit("y", (ref.dossier_id, ref.name, documents.sync_step1(ref)))
    return {"ok": True, "read_only": not may_edit, "max_update_bytes": current_app.config["MAX_UPDATE_BYTES"]}


def leave(data: object = None) -> Ack:
    try:
        ref, _ = _joined(*_args(data))
    except DomainError as exc:
        return {"ok": False, "error": _error(exc)}
    _forget(request.sid, ref)
    leave_room(ref.room)
    return {"ok": True}


def disconnect(*_: object) -> None:
    for ref in list(_connections.get(request.sid, {})):
        _forget(request.sid, ref)
    _connections.pop(request.sid, None)


def _forget(sid: str, ref: DocumentRef) -> None:
    joined = _connections.get(sid, {}).pop(ref, None)
    if joined is not None and joined.clocks:
        emit("y", (ref.dossier_id, ref.name, awareness.removal(joined.clocks)), to=ref.room, skip_sid=sid)


def y(dossier_id: object = None, name: object = None, raw: object = None, *extra: object) -> Ack:
    ref: DocumentRef | None = None
    try:
        if extra:
            raise DomainError("Expected (dossier_id, document, message).", code="invalid_message")
        ref, joined = _joined(dossier_id, name)
        message = documents.parse_message(raw)
        if message.kind == AWARENESS:
            return _relay_awareness(ref, joined, message, bytes(raw))  # type: ignore[arg-type]
        if message.sub == STEP1:
            emit("y", (ref.dossier_id, ref.name, documents.sync_step2(ref, message.payload)))
            return {"ok": True}
        return _store(ref, joined, message)
    except DomainError as exc:
        _refuse(ref, exc)
        return {"saved": False, "error": _error(exc)}


def _relay_awareness(ref: DocumentRef, joined: Joined, message: Message, raw: bytes) -> Ack:
    joined.clocks.update(awareness.client_clocks(message.payload))
    emit("y", (ref.dossier_id, ref.name, raw), to=ref.room, skip_sid=request.sid)
    return {"ok": True}


def _store(ref: DocumentRef, joined: Joined, message: Message) -> Ack:
    if documents.is_empty_update(message.payload):
        return {"saved": True}
    if not joined.may_edit:
        raise DomainError("You can read this document but not change it.", code="read_only")
    documents.check_update(message.payload, current_app.config["MAX_UPDATE_BYTES"])
    _relay().submit(ref, joined.user_id, message.payload)
    return {"saved": True}


def register(socketio: SocketIO) -> None:
    handlers: dict[str, Callable[..., Any]] = {"join": join, "leave": leave, "y": y, "disconnect": disconnect}
    for event, handler in handlers.items():
        socketio.on_event(event, handler)

"""Socket.IO handlers of live documents (see docs/protocol.md): join, leave, y, disconnect.

Thin: parse the arguments, authorise through the policy module, call the
document services and the relay, shape the acknowledgement.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_login import current_user
from flask_socketio import SocketIO, emit, join_room, leave_room

from ..models import Membership
from ..services import awareness, documents
from ..services.documents import AWARENESS, STEP1, DocumentRef, Message
from ..services.errors import DomainError, NotAuthenticated
from ..services.policy import Capability, authorize
from ..services.relay import Relay

Ack = dict[str, Any]

# sid -> joined documents -> awareness client id -> last clock seen from this connection
_connections: dict[str, dict[DocumentRef, dict[int, int]]] = {}


def _error(exc: DomainError) -> Ack:
    return {"code": exc.code, "message": exc.message}


def _refuse(ref: DocumentRef | None, exc: DomainError) -> None:
    if ref is not None:
        emit("y-error", {"dossier_id": ref.dossier_id, "document": ref.name, **_error(exc)})


def _document(dossier_id: object, name: object) -> tuple[DocumentRef, Membership]:
    """The document a join names, with the member's membership (policy: read)."""
    if not current_user.is_authenticated:
        raise NotAuthenticated("Log in first.")
    if not isinstance(dossier_id, int) or isinstance(dossier_id, bool):
        raise DomainError("dossier_id must be an integer.", code="invalid_message")
    membership = authorize(current_user, dossier_id, Capability.READ)
    return documents.resolve(dossier_id, name), membership


def _joined(dossier_id: object, name: object) -> DocumentRef:
    for ref in _connections.get(request.sid, {}):
        if ref.dossier_id == dossier_id and ref.name == name:
            return ref
    raise DomainError("Join the document first.", code="not_joined")


def _relay() -> Relay:
    return current_app.extensions["codossier.relay"]  # type: ignore[no-any-return]


def _args(data: object) -> tuple[object, object]:
    if not isinstance(data, dict):
        raise DomainError("Expected {dossier_id, document}.", code="invalid_message")
    return data.get("dossier_id"), data.get("document")


def join(data: object = None) -> Ack:
    try:
        ref, membership = _document(*_args(data))
    except DomainError as exc:
        return {"ok": False, "error": _error(exc)}
    join_room(ref.room)
    join_room(documents.dossier_room(ref.dossier_id))
    _connections.setdefault(request.sid, {}).setdefault(ref, {})
    emit("y", (ref.dossier_id, ref.name, documents.sync_step1(ref)))
    return {
        "ok": True,
        "read_only": not documents.may_edit(membership),
        "max_update_bytes": current_app.config["MAX_UPDATE_BYTES"],
    }


def leave(data: object = None) -> Ack:
    try:
        ref = _joined(*_args(data))
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
    clocks = _connections.get(sid, {}).pop(ref, {})
    if clocks:
        emit("y", (ref.dossier_id, ref.name, awareness.removal(clocks)), to=ref.room, skip_sid=sid)


def y(dossier_id: object = None, name: object = None, raw: object = None, *extra: object) -> Ack:
    ref: DocumentRef | None = None
    try:
        if extra:
            raise DomainError("Expected (dossier_id, document, message).", code="invalid_message")
        ref = _joined(dossier_id, name)
        membership = authorize(current_user, ref.dossier_id, Capability.READ)
        message = documents.parse_message(raw)
        if message.kind == AWARENESS:
            return _relay_awareness(ref, message, bytes(raw))  # type: ignore[arg-type]
        if message.sub == STEP1:
            emit("y", (ref.dossier_id, ref.name, documents.sync_step2(ref, message.payload)))
            return {"ok": True}
        return _store(ref, membership, message)
    except DomainError as exc:
        _refuse(ref, exc)
        return {"saved": False, "error": _error(exc)}


def _relay_awareness(ref: DocumentRef, message: Message, raw: bytes) -> Ack:
    _connections[request.sid][ref].update(awareness.client_clocks(message.payload))
    emit("y", (ref.dossier_id, ref.name, raw), to=ref.room, skip_sid=request.sid)
    return {"ok": True}


def _store(ref: DocumentRef, membership: Membership, message: Message) -> Ack:
    if documents.is_empty_update(message.payload):
        return {"saved": True}
    if not documents.may_edit(membership):
        raise DomainError("You can read this document but not change it.", code="read_only")
    documents.check_update(message.payload, current_app.config["MAX_UPDATE_BYTES"])
    _relay().submit(ref, membership.user_id, message.payload)
    return {"saved": True}


def register(socketio: SocketIO) -> None:
    handlers: dict[str, Callable[..., Any]] = {"join": join, "leave": leave, "y": y, "disconnect": disconnect}
    for event, handler in handlers.items():
        socketio.on_event(event, handler)

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

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_login import current_user
from flask_socketio import SocketIO, emit, join_room, leave_room

from ..frames import Oversized
from ..models.base import is_id as _is_id
from ..services import awareness, content_schema, documents
from ..services.documents import AWARENESS, STEP1, STEP2, DocumentRef, Message
from ..services.errors import DomainError, NotAuthenticated, NotFound
from ..services.policy import Capability, authorize
from ..services.relay import Relay
from . import connections
from . import dossiers as watching
from .sockets import request

log = logging.getLogger(__name__)

Ack = dict[str, Any]
ACCESS_TTL = 1.0


@dataclass
class Joined:
    """One document joined by one connection."""

    person: awareness.Person
    may_edit: bool
    checked_at: float
    # The stored state vector when it joined (or last caught up, see events/queue.py): the
    # connection holds at least that; what is committed later reaches it by broadcast.
    baseline: bytes = b"\x00"

    @property
    def user_id(self) -> int:
        return self.person.user_id


# sid -> joined documents
_connections: dict[str, dict[DocumentRef, Joined]] = {}


def _error(exc: DomainError) -> Ack:
    return {"code": exc.code, "message": exc.message}


def _refuse(dossier_id: object, name: object, exc: DomainError) -> None:
    """The ``y-error`` event of a refused message; ids that are not an int and a str are sent as null."""
    emit(
        "y-error",
        {
            "dossier_id": dossier_id if _is_id(dossier_id) else None,
            "document": name[:80] if isinstance(name, str) else None,
            **_error(exc),
        },
    )


def _ack_field(raw: object) -> str:
    """The key of a ``y`` acknowledgement, read from the message's first bytes (docs/protocol.md).

    ``ok`` for a sync step 1 (0, 0) or an awareness message (1); ``saved`` for anything else.
    """
    if isinstance(raw, bytes | bytearray) and (raw[:1] == b"\x01" or raw[:2] == b"\x00\x00"):
        return "ok"
    return "saved"


def _check_access(dossier_id: int, name: object) -> tuple[DocumentRef, awareness.Person, bool]:
    """Ask the policy about a document: its ref, who the member is, whether they may edit now."""
    if not current_user.is_authenticated:
        raise NotAuthenticated("Log in first.")
    membership = authorize(current_user, dossier_id, Capability.READ)
    person = awareness.Person(membership.user_id, membership.user.display_name, membership.role)
    return documents.resolve(dossier_id, name), person, documents.may_edit(membership)


def _joined(dossier_id: object, name: object) -> tuple[DocumentRef, Joined]:
    for ref, joined in _connections.get(request.sid, {}).items():
        if ref.dossier_id == dossier_id and ref.name == name:
            if time.monotonic() - joined.checked_at > ACCESS_TTL:
                _refresh(ref, joined)
            return ref, joined
    raise DomainError("Join the document first.", code="not_joined")


def _refresh(ref: DocumentRef, joined: Joined) -> None:
    """Ask the policy again; a member who lost access is taken out of the document's rooms."""
    try:
        _, joined.person, joined.may_edit = _check_access(ref.dossier_id, ref.name)
    except DomainError:
        _drop(request.sid, ref)
        raise
    joined.checked_at = time.monotonic()


def expire_access(dossier_id: int) -> None:
    """Make this process ask the policy again for every connection to the dossier."""
    for joined_documents in _connections.values():
        for ref, joined in joined_documents.items():
            if ref.dossier_id == dossier_id:
                joined.checked_at = float("-inf")


def connections_by_document() -> dict[DocumentRef, list[tuple[str, Joined]]]:
    """This process's connections, by the document they joined."""
    found: dict[DocumentRef, list[tuple[str, Joined]]] = {}
    for sid, joined_documents in list(_connections.items()):
        for ref, joined in list(joined_documents.items()):
            found.setdefault(ref, []).append((sid, joined))
    return found


def dossier_changed(socketio: SocketIO, dossier_id: int, settings: dict[str, Any]) -> None:
    """Tell the dossier's connected editors that its settings or members changed.

    In this process, connections of people who are no longer members leave the
    dossier's rooms at once; elsewhere they do at the next sweep of their
    process (``connections.SWEEP_SECONDS``).
    """
    expire_access(dossier_id)
    members = watching.member_ids(dossier_id)
    _drop_leavers(socketio, {dossier_id: members})
    watching.notify(socketio, dossier_id, "dossier", settings, members)


def drop_all_leavers(socketio: SocketIO) -> None:
    """Take the connections of people no longer members out of every dossier open on this process."""
    here = connections.sids_here()
    open_here = {ref.dossier_id for sid in here for ref in _connections.get(sid, {})} | watching.watched(here)
    members = watching.members_of(open_here)
    _drop_leavers(socketio, {dossier_id: members.get(dossier_id, set()) for dossier_id in open_here})


def _drop_leavers(socketio: SocketIO, members: dict[int, set[int]]) -> None:
    """In this process, take out of these dossiers (id -> member user ids) whoever is not a member."""
    here = connections.sids_here()
    for sid, joined_documents in list(_connections.items()):
        if sid not in here:  # another app's (tests run several in one process)
            continue
        for ref, joined in list(joined_documents.items()):
            if ref.dossier_id in members and joined.user_id not in members[ref.dossier_id]:
                _drop(sid, ref, server=socketio.server)  # type: ignore[attr-defined]
    watching.drop_watchers(socketio, members, here)


def _relay() -> Relay:
    return current_app.extensions["codossier.relay"]  # type: ignore[no-any-return]


def _presence() -> awareness.Presence:
    """Who announced which awareness client ids in each document, and their latest states."""
    return current_app.extensions["codossier.presence"]  # type: ignore[no-any-return]


def _args(data: object) -> tuple[object, object]:
    if not isinstance(data, dict):
        raise DomainError("Expected {dossier_id, document}.", code="invalid_message")
    return data.get("dossier_id"), data.get("document")


def join(data: object = None) -> Ack:
    try:
        dossier_id, name = _args(data)
        if not _is_id(dossier_id):
            raise DomainError("dossier_id must be an integer.", code="invalid_message")
        ref, person, may_edit = _check_access(dossier_id, name)
    except DomainError as exc:
        return {"ok": False, "error": _error(exc)}
    try:
        join_room(ref.room)
        join_room(documents.dossier_room(ref.dossier_id))
    except ValueError:  # the client left while its join was being handled
        return {"ok": False, "error": {"code": "not_connected", "message": "The connection is closed."}}
    baseline = documents.state_vector(ref)  # read after join_room: later commits are broadcast to it
    _connections.setdefault(request.sid, {})[ref] = Joined(person, may_edit, time.monotonic(), baseline)
    emit("y", (ref.dossier_id, ref.name, documents.sync_step1(baseline)))
    try:
        present = _presence().states(ref.room, request.sid)
    except Exception:  # presence is a convenience: never let it fail a join
        log.exception("could not read the presence of %s", ref.room)
        present = []
    if present:  # those already here, so that the newcomer sees them at once
        emit("y", (ref.dossier_id, ref.name, awareness.message(present)))
    return {"ok": True, "read_only": not may_edit, "max_update_bytes": current_app.config["MAX_UPDATE_BYTES"]}


def leave(data: object = None) -> Ack:
    """Leave a document; leaving one that is not joined has nothing to do and succeeds."""
    try:
        ref, _ = _joined(*_args(data))
    except DomainError as exc:
        if exc.code == "not_joined":
            return {"ok": True}
        return {"ok": False, "error": _error(exc)}
    _drop(request.sid, ref)
    return {"ok": True}


def disconnect(*_: object) -> None:
    connections.disconnect()
    watching.disconnect()
    for ref in list(_connections.get(request.sid, {})):
        _forget(request.sid, ref)
    _connections.pop(request.sid, None)


def _forget(sid: str, ref: DocumentRef, server: Any = None) -> None:
    """Forget a joined document and remove its presence states for the others."""
    _connections.get(sid, {}).pop(ref, None)
    try:
        clocks = _presence().release(ref.room, sid)
    except Exception:  # the others' clients time these states out (30 s)
        log.exception("could not release presence in %s", ref.room)
        return
    if clocks:
        message = (ref.dossier_id, ref.name, awareness.removal(clocks))
        if server is None:
            emit("y", message, to=ref.room, skip_sid=sid)
        else:
            server.emit("y", message, to=ref.room, skip_sid=sid)


def _drop(sid: str, ref: DocumentRef, server: Any = None) -> None:
    """Take a connection out of a document (and of its dossier once it has none of it open)."""
    _forget(sid, ref, server)
    rooms = [ref.room]
    if not any(other.dossier_id == ref.dossier_id for other in _connections.get(sid, {})):
        rooms.append(documents.dossier_room(ref.dossier_id))
    for room in rooms:
        if server is None:
            leave_room(room, sid=sid)
        else:
            server.leave_room(sid, room)


def y(dossier_id: object = None, name: object = None, raw: object = None, *extra: object) -> Ack:
    try:
        if extra or not _is_id(dossier_id) or not isinstance(name, str):
            raise DomainError("Expected (dossier_id, document, message).", code="invalid_message")
        if not documents.is_document_name(name):
            raise NotFound("No such document.")
        if isinstance(raw, Oversized):  # dropped by the transport (server/frames.py)
            raise DomainError(f"The message ({raw.size} bytes) is larger than the server accepts.", code="too_large")
        message = documents.parse_message(raw)
        ref, joined = _joined(dossier_id, name)
        if message.kind == AWARENESS:
            return _relay_awareness(ref, joined, message)
        if message.sub == STEP1:
            emit("y", (ref.dossier_id, ref.name, documents.sync_step2(ref, message.payload)))
            return {"ok": True}
        return _store(ref, joined, message)
    except DomainError as exc:
        _refuse(dossier_id, name, exc)
        return {_ack_field(raw): False, "error": _error(exc)}
    except Exception:
        log.exception("live message failed")
        failure = DomainError("Something went wrong on our side.", code="internal_error")
        _refuse(dossier_id, name, failure)
        return {_ack_field(raw): False, "error": _error(failure)}


def _relay_awareness(ref: DocumentRef, joined: Joined, message: Message) -> Ack:
    """Relay an awareness update under the sender's real identity (see services/awareness.py)."""
    entries = _presence().announce(ref.room, request.sid, joined.person, awareness.parse(message.payload))
    emit("y", (ref.dossier_id, ref.name, awareness.message(entries)), to=ref.room, skip_sid=request.sid)
    return {"ok": True}


def _store(ref: DocumentRef, joined: Joined, message: Message) -> Ack:
    documents.check_update(message.payload, current_app.config["MAX_UPDATE_BYTES"])
    if (message.sub == STEP2 or not joined.may_edit) and documents.adds_nothing(ref, message.payload):
        return {"saved": True}  # e.g. a reconnecting client's step 2, or known structs sent again
    if not joined.may_edit:
        raise DomainError("You can read this document but not change it.", code="read_only")
    content_schema.check(ref, message.payload)
    try:
        _relay().submit(ref, joined.user_id, message.payload)
    except BaseException:  # not stored (e.g. frozen meanwhile): the checked copy must not keep it
        content_schema.forget(ref)
        raise
    return {"saved": True}


def register(socketio: SocketIO) -> None:
    handlers: dict[str, Callable[..., Any]] = {"join": join, "leave": leave, "y": y, "disconnect": disconnect}
    for event, handler in handlers.items():
        socketio.on_event(event, handler)

"""Watching a dossier live without editing: ``watch`` / ``unwatch``, and the dossier-wide notices.

Pages about the dossier as a whole (votes, decisions, register, members)
``watch`` it to receive its ``dossier`` and ``governance`` notices. Notices
carry ids only: clients fetch what changed over HTTP, where the policy
decides what they may see (secret ballots stay secret).
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_socketio import SocketIO, join_room, leave_room

from ..extensions import db
from ..models import Membership
from ..models.base import is_id
from ..services import documents
from ..services.errors import DomainError, NotAuthenticated
from ..services.policy import Capability, authorize
from .sockets import request

Ack = dict[str, Any]

# sid -> {dossier id -> user id}
_watching: dict[str, dict[int, int]] = {}


def watch_room(dossier_id: int, user_id: int) -> str:
    """One room per watching member: notices go to the rooms of the dossier's members at the time they
    are sent, so someone removed through any process stops receiving them everywhere."""
    return f"watch:{dossier_id}:{user_id}"


def _dossier_id(data: object) -> int:
    value = data.get("dossier_id") if isinstance(data, dict) else None
    if not is_id(value):
        raise DomainError("Expected {dossier_id}.", code="invalid_message")
    return value


def watch(data: object = None) -> Ack:
    try:
        dossier_id = _dossier_id(data)
        if not current_user.is_authenticated:
            raise NotAuthenticated("Log in first.")
        authorize(current_user, dossier_id, Capability.READ)
    except DomainError as exc:
        return {"ok": False, "error": {"code": exc.code, "message": exc.message}}
    join_room(watch_room(dossier_id, current_user.id))
    _watching.setdefault(request.sid, {})[dossier_id] = current_user.id
    return {"ok": True}


def unwatch(data: object = None) -> Ack:
    try:
        dossier_id = _dossier_id(data)
    except DomainError as exc:
        return {"ok": False, "error": {"code": exc.code, "message": exc.message}}
    user_id = _watching.get(request.sid, {}).pop(dossier_id, None)
    if user_id is not None:
        leave_room(watch_room(dossier_id, user_id))
    return {"ok": True}


def disconnect(*_: object) -> None:
    _watching.pop(request.sid, None)


def drop_watchers(socketio: SocketIO, members: dict[int, set[int]], sids: set[str]) -> None:
    """Of these connections, forget the watchers of these dossiers (id -> member user ids) who are no
    longer members (notices already go only to current members' rooms)."""
    for sid, watched in list(_watching.items()):
        if sid not in sids:
            continue
        for dossier_id, user_id in list(watched.items()):
            if dossier_id in members and user_id not in members[dossier_id]:
                socketio.server.leave_room(sid, watch_room(dossier_id, user_id))  # type: ignore[attr-defined]
                del watched[dossier_id]


def member_ids(dossier_id: int) -> set[int]:
    return members_of({dossier_id}).get(dossier_id, set())


def members_of(dossier_ids: set[int]) -> dict[int, set[int]]:
    """The user ids of each dossier's members, in one query."""
    members: dict[int, set[int]] = {}
    if dossier_ids:
        rows = db.session.execute(
            db.select(Membership.dossier_id, Membership.user_id).where(Membership.dossier_id.in_(dossier_ids))
        )
        for dossier_id, user_id in rows:
            members.setdefault(dossier_id, set()).add(user_id)
    return members


def watched(sids: set[str]) -> set[int]:
    """The dossiers watched by these connections of this process."""
    return {dossier_id for sid in sids for dossier_id in _watching.get(sid, {})}


def notify(
    socketio: SocketIO, dossier_id: int, event: str, payload: dict[str, Any], members: set[int] | None = None
) -> None:
    """Send a notice to everyone with the dossier open: editors, and watchers who are still members."""
    if members is None:
        members = member_ids(dossier_id)
    rooms = [documents.dossier_room(dossier_id), *(watch_room(dossier_id, user_id) for user_id in members)]
    socketio.emit(event, {"id": dossier_id, **payload}, to=rooms)  # type: ignore[arg-type]  # a list of rooms is fine


def governance_changed(socketio: SocketIO, dossier_id: int, **what: Any) -> None:
    """A poll, a decision or the register changed (``what`` names it)."""
    notify(socketio, dossier_id, "governance", what)


def register(socketio: SocketIO) -> None:
    socketio.on_event("watch", watch)
    socketio.on_event("unwatch", unwatch)

"""Awareness (presence, cursors) is relayed, never stored in the database.

This module reads and writes the y-protocols awareness payload, and keeps, in
memory, who announced which Yjs client ids in which document and their
latest states:

- a client id belongs to the member who first announced it in the document
  (their connections may pass it on to each other: a reconnecting tab keeps
  its Yjs client id); anyone else's update for it is refused;
- the ``user`` field of every state is rewritten to the member's real name,
  role and user id, so no one can appear as someone else;
- a newcomer is sent the latest states of those already there; a connection
  that goes away has its states removed for everyone.

With one process this lives in memory (:class:`Presence`); with several
(a Redis message queue) in Redis (:class:`RedisPresence`), so that ownership
and a newcomer's states are the same whichever process serves them.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import pycrdt

from .errors import DomainError

MAX_AWARENESS_BYTES = 64 * 1024
DEFAULT_COLOR = "#374151"
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Entry:
    """One client's announcement: its clock and state (``None``: the client is gone)."""

    client_id: int
    clock: int
    state: dict[str, Any] | None


@dataclass(frozen=True)
class Person:
    """Who a connection really is in the dossier, as presence shows it."""

    user_id: int
    name: str
    role: str


def parse(payload: bytes) -> list[Entry]:
    """The entries of an awareness update; a state must be a JSON object or null."""
    if len(payload) > MAX_AWARENESS_BYTES:
        raise DomainError("The awareness update is too large.", code="too_large")
    try:
        decoder = pycrdt.Decoder(payload)
        entries = []
        for _ in range(decoder.read_var_uint()):
            client_id = decoder.read_var_uint()
            clock = decoder.read_var_uint()
            state = json.loads(decoder.read_var_string())
            if state is not None and not isinstance(state, dict):
                raise ValueError("not an object")
            entries.append(Entry(client_id, clock, state))
        return entries
    except Exception as exc:
        raise DomainError(
            "The awareness update is malformed: each state must be a JSON object or null.", code="invalid_message"
        ) from exc


def message(entries: Iterable[Entry]) -> bytes:
    """An awareness message (type byte included) carrying these entries."""
    listed = list(entries)
    body = [pycrdt.write_var_uint(len(listed))]
    for entry in listed:
        state = json.dumps(entry.state, ensure_ascii=False, separators=(",", ":")).encode()
        # a string is its UTF-8 length then its bytes (pycrdt's write_var_string counts characters)
        body += [pycrdt.write_var_uint(entry.client_id), pycrdt.write_var_uint(entry.clock)]
        body.append(pycrdt.write_message(state))
    return pycrdt.write_var_uint(1) + pycrdt.write_message(b"".join(body))


def removal(clocks: dict[int, int]) -> bytes:
    """An awareness message that removes these clients' states (clock above the last one seen)."""
    return message(Entry(client_id, clock + 1, None) for client_id, clock in clocks.items())


def presented(state: dict[str, Any], person: Person) -> dict[str, Any]:
    """The state with its ``user`` field set to who the member really is (their colour kept if valid)."""
    claimed = state.get("user")
    color = claimed.get("color") if isinstance(claimed, dict) else None
    user = {
        "id": person.user_id,
        "name": person.name,
        "color": color if isinstance(color, str) and _COLOR.match(color) else DEFAULT_COLOR,
        "role": person.role,
    }
    return {**state, "user": user}


@dataclass
class _Client:
    user_id: int
    connection: str
    clock: int
    state: dict[str, Any] | None
    at: float = 0.0  # when it was last announced (time.time())


class Presence:
    """The awareness of each document (key: its room) on this process: client id → its owner, the
    connection that last announced it, its latest clock and state. Subclasses keep it elsewhere."""

    def __init__(self) -> None:
        self._documents: dict[str, dict[int, _Client]] = {}

    def announce(self, document: str, connection: str, person: Person, entries: list[Entry]) -> list[Entry]:
        """Check and record a connection's update; returns the entries to relay (user fields rewritten).

        Refused whole, changing nothing, when one of its client ids belongs to another member.
        """
        known = self._load(document, [entry.client_id for entry in entries])
        for entry in entries:
            owner = known.get(entry.client_id)
            if owner is not None and owner.user_id != person.user_id:
                raise DomainError(
                    f"The awareness client id {entry.client_id} belongs to another participant.",
                    code="foreign_client",
                )
        now = time.time()
        clients = {}
        for entry in entries:
            state = None if entry.state is None else presented(entry.state, person)
            clients[entry.client_id] = _Client(person.user_id, connection, entry.clock, state, now)
        self._save(document, clients)
        return [Entry(client_id, c.clock, c.state) for client_id, c in clients.items()]

    def states(self, document: str, connection: str) -> list[Entry]:
        """The present states of the document's other connections (what a newcomer must be sent)."""
        return [
            Entry(client_id, client.clock, client.state)
            for client_id, client in self._all(document).items()
            if client.connection != connection and client.state is not None
        ]

    def release(self, document: str, connection: str) -> dict[int, int]:
        """Forget a connection's clients in the document; returns their last clocks (to remove them)."""
        mine = {client_id: c.clock for client_id, c in self._all(document).items() if c.connection == connection}
        self._delete(document, list(mine))
        return mine

    # storage: a dict per document in this process

    def _load(self, document: str, client_ids: list[int]) -> dict[int, _Client]:
        clients = self._documents.get(document, {})
        return {client_id: clients[client_id] for client_id in client_ids if client_id in clients}

    def _all(self, document: str) -> dict[int, _Client]:
        return dict(self._documents.get(document, {}))

    def _save(self, document: str, clients: dict[int, _Client]) -> None:
        self._documents.setdefault(document, {}).update(clients)

    def _delete(self, document: str, client_ids: list[int]) -> None:
        clients = self._documents.get(document, {})
        for client_id in client_ids:
            clients.pop(client_id, None)
        if not clients:
            self._documents.pop(document, None)


class RedisPresence(Presence):
    """The same, shared by every process through Redis (one hash per document), for several processes.

    A process that dies cannot remove its connections' states: entries not announced again for
    ``STALE_SECONDS`` (y-protocols clients renew theirs every 15 s) are ignored and may be taken.
    """

    STALE_SECONDS = 30.0

    def __init__(self, client: Any, prefix: str) -> None:
        super().__init__()
        self._redis = client
        self._prefix = prefix

    def _key(self, document: str) -> str:
        return f"{self._prefix}:presence:{document}"

    def _decode(self, raw: bytes | str | None) -> _Client | None:
        if raw is None:
            return None
        client = _Client(**json.loads(raw))
        return client if time.time() - client.at <= self.STALE_SECONDS else None

    def _load(self, document: str, client_ids: list[int]) -> dict[int, _Client]:
        if not client_ids:
            return {}
        found = zip(client_ids, self._redis.hmget(self._key(document), [str(c) for c in client_ids]), strict=True)
        return {client_id: client for client_id, raw in found if (client := self._decode(raw)) is not None}

    def _all(self, document: str) -> dict[int, _Client]:
        found = self._redis.hgetall(self._key(document)).items()
        return {int(client_id): client for client_id, raw in found if (client := self._decode(raw)) is not None}

    def _save(self, document: str, clients: dict[int, _Client]) -> None:
        if not clients:
            return
        key = self._key(document)
        pipe = self._redis.pipeline()
        pipe.hset(key, mapping={str(client_id): json.dumps(asdict(c)) for client_id, c in clients.items()})
        pipe.expire(key, int(self.STALE_SECONDS * 2))
        pipe.execute()

    def _delete(self, document: str, client_ids: list[int]) -> None:
        if client_ids:
            self._redis.hdel(self._key(document), *[str(c) for c in client_ids])

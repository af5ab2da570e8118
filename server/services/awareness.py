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
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
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
        body += [pycrdt.write_var_uint(entry.client_id), pycrdt.write_var_uint(entry.clock), pycrdt.write_message(state)]
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
    connection: Hashable
    clock: int
    state: dict[str, Any] | None


class Presence:
    """This process's awareness of each document: client id → owner, connection, latest clock and state."""

    def __init__(self) -> None:
        self._documents: dict[Hashable, dict[int, _Client]] = {}

    def announce(self, document: Hashable, connection: Hashable, person: Person, entries: list[Entry]) -> list[Entry]:
        """Check and record a connection's update; returns the entries to relay (user fields rewritten).

        Refused whole, changing nothing, when one of its client ids belongs to another member.
        """
        clients = self._documents.setdefault(document, {})
        for entry in entries:
            known = clients.get(entry.client_id)
            if known is not None and known.user_id != person.user_id:
                raise DomainError(
                    f"The awareness client id {entry.client_id} belongs to another participant.",
                    code="foreign_client",
                )
        relayed = []
        for entry in entries:
            state = None if entry.state is None else presented(entry.state, person)
            clients[entry.client_id] = _Client(person.user_id, connection, entry.clock, state)
            relayed.append(Entry(entry.client_id, entry.clock, state))
        return relayed

    def states(self, document: Hashable, connection: Hashable) -> list[Entry]:
        """The present states of the document's other connections (what a newcomer must be sent)."""
        return [
            Entry(client_id, client.clock, client.state)
            for client_id, client in self._documents.get(document, {}).items()
            if client.connection != connection and client.state is not None
        ]

    def release(self, document: Hashable, connection: Hashable) -> dict[int, int]:
        """Forget a connection's clients in the document; returns their last clocks (to remove them)."""
        clients = self._documents.get(document, {})
        mine = {client_id: c.clock for client_id, c in clients.items() if c.connection == connection}
        for client_id in mine:
            del clients[client_id]
        if not clients:
            self._documents.pop(document, None)
        return mine

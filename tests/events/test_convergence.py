"""Three people edit the same answers concurrently through one real server process,
going offline and coming back in random orders: everyone converges on the stored
state, and nothing acknowledged and not deleted is lost.

Every inserted character is unique in its example, so "what must be there" is
exact: every character inserted by anyone, minus those a delete removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pycrdt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.extensions import db
from server.models import Action
from server.services import actions
from server.services.rendering import render_fragment
from tests.live import (
    LiveWorld,
    ServerProcess,
    YClient,
    append_paragraph,
    delete_text,
    fragment,
    insert_text,
    plain_text,
    stored_doc,
)

from .conftest import shared_world_and_server

PEOPLE = ("lead", "partner", "beneficiary")
FIELDS = ("objectifs", "descriptif")
IN_FLIGHT = 8  # unacknowledged updates per client, like a browser that keeps typing


@pytest.fixture(scope="module")
def shared(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveWorld, ServerProcess]]:
    """One world and ONE server process for every example of the module."""
    with shared_world_and_server(sqlite_template, tmp_path_factory, "convergence") as pair:
        yield pair


def fresh_document(live: LiveWorld) -> str:
    """A new action (so examples do not interfere), keeping the dossier under its 30 actions.

    Only older actions are deleted, so SQLite never hands a deleted action's id out again.
    """
    with live.app.app_context():
        ids = sorted(db.session.scalars(db.select(Action.id).where(Action.dossier_id == live.dossier_id)))
        if len(ids) >= 25:
            for old in ids[:-1]:
                actions.delete_action(live.dossier_id, old)
        action_id = actions.add_action(live.dossier_id, "Exemple").id
        db.session.remove()
    return f"action-{action_id}"


# --- the model of what must be there ---------------------------------------------------------


@dataclass
class Example:
    clients: list[YClient]
    fields: tuple[str, ...]
    next_char: int = 0x4E00  # CJK ideographs: thousands of distinct one-character tokens
    inserted: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)

    def fresh(self, length: int) -> str:
        text = "".join(chr(self.next_char + i) for i in range(length))
        self.next_char += length
        self.inserted.update(text)
        return text

    def apply(self, client: YClient, change: Callable[[pycrdt.Doc], object]) -> None:
        """Edit locally; when online send it (a few in flight), when offline keep it for the reconnect."""
        if client.connected:
            client.wait_for(lambda c: c.pending < IN_FLIGHT, what="room in flight")
        client.type(change, wait=False)


Insert = st.tuples(
    st.just("insert"), st.integers(0, 2), st.integers(0, 1), st.integers(0, 3), st.floats(0, 1), st.integers(1, 4)
)
Delete = st.tuples(
    st.just("delete"), st.integers(0, 2), st.integers(0, 1), st.integers(0, 3), st.floats(0, 1), st.integers(1, 6)
)
Paragraph = st.tuples(st.just("paragraph"), st.integers(0, 2), st.integers(0, 1))
Offline = st.tuples(st.just("disconnect"), st.integers(0, 2))
Online = st.tuples(st.just("reconnect"), st.integers(0, 2))
Step = st.one_of(Insert, Insert, Delete, Paragraph, Offline, Online)


def run_step(example: Example, step: tuple[object, ...]) -> None:
    kind, who = step[0], example.clients[int(step[1])]  # type: ignore[call-overload]
    if kind == "disconnect":
        if who.connected:
            who.disconnect()
        return
    if kind == "reconnect":
        if not who.connected:
            who.reconnect()
        return
    key = example.fields[int(step[2]) % len(example.fields)]  # type: ignore[call-overload]
    if kind == "paragraph":
        example.apply(who, lambda doc: append_paragraph(doc, key, example.fresh(1)))
        return
    _, _, _, paragraph, where, size = step
    current = who.text(key).split("\n")
    line = current[int(paragraph) % len(current)] if current else ""  # type: ignore[call-overload]
    position = int(float(where) * len(line))  # type: ignore[arg-type]
    if kind == "insert":
        text = example.fresh(int(size))  # type: ignore[call-overload]
        example.apply(who, lambda doc: insert_text(doc, key, int(paragraph), position, text))  # type: ignore[call-overload]
    else:
        removed: list[str] = []
        example.apply(
            who,
            lambda doc: removed.append(delete_text(doc, key, int(paragraph), position, position + int(size))),  # type: ignore[call-overload]
        )
        example.deleted.update("".join(removed))


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(Step, min_size=1, max_size=40), field_count=st.integers(1, 2))
def test_concurrent_offline_edits_converge_on_the_stored_state_without_losing_anything(
    shared: tuple[LiveWorld, ServerProcess], steps: list[tuple[object, ...]], field_count: int
) -> None:
    live, server = shared
    document = fresh_document(live)
    clients = [live.client(server, who, document) for who in PEOPLE]
    example = Example(clients, FIELDS[:field_count])
    try:
        for client in clients:
            client.open()
        for step in steps:
            run_step(example, step)

        # Everyone comes back; the server's step 1 makes each send what it has not stored yet.
        for client in clients:
            if not client.connected:
                client.reconnect()
        for client in clients:
            client.flush()
        for client in clients:
            client.sync()  # everything is stored now: pull what the others sent

        acks = [ack for client in clients for ack in client.acks]
        assert acks and all(ack == {"saved": True} for ack in acks), acks
        stored = stored_doc(live.engine, live.dossier_id, document)
        expected = example.inserted - example.deleted
        answers = {
            a["key"]: a
            for a in live.http(server, "observer")
            .get(f"{server.url}/api/dossiers/{live.dossier_id}/documents/{document}/answers", timeout=10)
            .json()["answers"]
        }
        for key in example.fields:
            stored_xml = str(fragment(stored, key))
            for client in clients:
                assert client.xml(key) == stored_xml, f"{client.who} differs from the stored state in {key}"
            text = plain_text(stored, key)
            present = set(text) - {"\n"}
            assert present <= expected, f"deleted text came back in {key}: {present - expected}"
            rendered = render_fragment(stored, key)
            assert (answers[key]["html"], answers[key]["text"]) == (rendered.html, rendered.text)
        all_text = "".join(plain_text(stored, key) for key in example.fields)
        assert set(all_text) - {"\n"} == expected, (
            "an acknowledged, undeleted insertion is missing (or a deleted one is back)"
        )
    finally:
        for client in clients:
            client.close()

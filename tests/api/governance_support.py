"""Helpers shared by the governance API tests (priority votes, decisions, policy matrix).

A controlled clock, deadlines relative to it, quick ways to open polls and
decisions over HTTP, to answer every required question of a dossier through
the live-document log, and to read the register and the action order back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pycrdt
import pytest
from flask import Flask

from server.extensions import db
from server.models import Dossier
from server.services import clock, documents
from server.services.documents import DocumentRef
from tests.support import DossierWorld

HEX64 = re.compile(r"^[0-9a-f]{64}$")
VOTERS = ("lead", "partner", "beneficiary")


class ControlledClock:
    """The server's "now", fixed until a test moves it (no sleeping, no drift)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)
        clock.set_source(lambda: self.now)

    def at(self, moment: datetime) -> datetime:
        self.now = moment
        return moment

    def advance(self, delta: timedelta) -> datetime:
        return self.at(self.now + delta)

    def later(self, delta: timedelta = timedelta(days=3)) -> str:
        """An ISO deadline ``delta`` after the controlled now."""
        return (self.now + delta).isoformat()


@pytest.fixture
def frozen_clock(app: Flask) -> Iterator[ControlledClock]:
    """A controlled clock for the test; the system clock is restored afterwards."""
    controlled = ControlledClock()
    try:
        yield controlled
    finally:
        clock.set_source(None)


def soon(days: float = 3) -> str:
    """A deadline ``days`` after the server's current time."""
    return (clock.now() + timedelta(days=days)).isoformat()


def parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


def ok(reply: Any, status: int = 200) -> dict[str, Any]:
    """The JSON body of a reply that must have ``status``."""
    assert reply.status_code == status, reply.get_data(as_text=True)
    return dict(reply.get_json())


def open_poll(world: DossierWorld, who: str = "lead", **fields: Any) -> dict[str, Any]:
    body = {"closes_at": soon(), "secret": False, "adopt_on_close": True} | fields
    return ok(world.client(who).post(world.url("/polls"), body), 201)


def ballot(world: DossierWorld, who: str, poll_id: int, ranking: list[list[int]]) -> dict[str, Any]:
    return ok(world.client(who).put(world.url(f"/polls/{poll_id}/ballot"), {"ranking": ranking}))


def propose(world: DossierWorld, who: str = "lead", **fields: Any) -> dict[str, Any]:
    body = {
        "title": "Budget du jardin",
        "text": "Nous consacrons 500 euros aux semences.",
        "rule": "majorite_simple",
        "quorum_percent": 50,
        "closes_at": soon(),
    } | fields
    return ok(world.client(who).post(world.url("/decisions"), body), 201)


def vote(world: DossierWorld, who: str, decision_id: int, choice: str, reason: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"choice": choice} | ({"reason": reason} if reason is not None else {})
    return ok(world.client(who).put(world.url(f"/decisions/{decision_id}/vote"), body))


def close_decision(world: DossierWorld, who: str, decision_id: int) -> dict[str, Any]:
    """Close as the server allows: at once when every voter has voted, otherwise at the deadline.

    In the second case the server's clock is moved just past the deadline for
    one read (which closes it), then put back.
    """
    current = ok(world.client(who).get(world.url(f"/decisions/{decision_id}")))
    if all(v["voted"] for v in current["voters"]):
        return ok(world.client(who).post(world.url(f"/decisions/{decision_id}/close")))
    previous = clock.source()
    deadline = parse(current["closes_at"])
    clock.set_source(lambda: deadline)
    try:
        return ok(world.client(who).get(world.url(f"/decisions/{decision_id}")))
    finally:
        clock.set_source(previous)


def action_order(world: DossierWorld) -> list[int]:
    """The dossier's actions in their current order, as GET /dossiers/<id> lists them."""
    actions = ok(world.client("observer").get(world.url()))["actions"]
    assert [a["position"] for a in actions] == list(range(1, len(actions) + 1))
    return [a["id"] for a in actions]


def register_entries(world: DossierWorld, kind: str | None = None) -> list[dict[str, Any]]:
    entries = ok(world.client("observer").get(world.url("/register")))["entries"]
    return [e for e in entries if kind is None or e["kind"] == kind]


def register_verifies(world: DossierWorld) -> dict[str, Any]:
    verified = ok(world.client("beneficiary").get(world.url("/register/verify")))
    assert verified["ok"] is True, verified
    return verified


def content_hash(world: DossierWorld) -> str:
    value = str(ok(world.client("observer").get(world.url("/lifecycle")))["content_hash"])
    assert HEX64.match(value), value
    return value


def answer_everything(app: Flask, dossier_id: int, author_id: int, text: str = "Réponse") -> None:
    """Write a paragraph into every required question of every action, as an editor's update would."""
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        assert dossier is not None
        for action in dossier.actions:
            ref = DocumentRef(dossier_id, documents.action_document(action.id))
            template = documents.template_of(dossier, ref)
            doc = pycrdt.Doc()
            for question in template.questions:
                if question.required:
                    node = pycrdt.XmlText()
                    doc.get(question.key, type=pycrdt.XmlFragment).children.append(
                        pycrdt.XmlElement("paragraph", None, [node])
                    )
                    node.insert(0, f"{text} : {question.key}")
            documents.append([(ref, author_id, doc.get_update())])
        db.session.commit()
        db.session.remove()


def freeze(world: DossierWorld, **fields: Any) -> dict[str, Any]:
    return ok(world.client("lead").post(world.url("/freeze"), {"closes_at": soon()} | fields))

"""Two leads freezing, or submitting, the same dossier at the same moment: exactly one succeeds.

Real concurrent requests on PostgreSQL: two ``python -m server.cli serve`` processes
on one database, each lead talking to a different process, both requests released
together by a ``threading.Barrier``. The dossier's row lock must serialise them:
one freeze (one ``freeze`` entry, one final approval), one submission (one
``submit`` entry, one receipt). Each race is run on several dossiers.

Under CI=true a missing PostgreSQL is a failure (``require_service``), elsewhere a skip.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
import sqlalchemy as sa
from flask import Flask

from server.extensions import db
from server.models import Dossier, Role, User
from server.services import accounts, actions, dossiers, invitations, members
from tests.api.test_lifecycle import adopt_order, approve, lifecycle
from tests.events.conftest import postgres_database
from tests.live import TIMEOUT, ServerProcess, http_session, servers, session_cookie
from tests.support import PASSWORD, DossierWorld
from tests.unit.test_content import fill_required

pytestmark = pytest.mark.postgres

ROUNDS = 5
LEADS = ("lead", "partner")  # "partner" is promoted to a second lead
RACES = ("freeze", "submit", "reopen")


@dataclass
class Race:
    app: Flask
    one: ServerProcess
    two: ServerProcess
    worlds: dict[str, list[DossierWorld]]  # ROUNDS fresh dossiers for each race


def _dossier_with_two_leads(app: Flask, lea: User, paul: User, n: int) -> DossierWorld:
    dossier = dossiers.create_dossier(lea, f"Dossier n° {n}", "Association Les Racines")
    action_ids = [actions.add_action(dossier.id, title).id for title in ("Jardin", "Cuisine")]
    link = invitations.create_invitation(dossier.id, lea, Role.PARTNER, 14, label="Paul")
    accepted = invitations.accept(invitations.token_for(link), paul)
    membership = next(m for m in db.session.get(Dossier, dossier.id).memberships if m.user_id == accepted.user.id)
    members.change_role(dossier.id, membership.id, Role.LEAD)
    world = DossierWorld(app, dossier.id, action_ids)
    world.user_ids = {"lead": lea.id, "partner": paul.id}
    return world


@pytest.fixture(scope="module")
def race(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Race]:
    """Dossiers with two leads each, and two server processes on one PostgreSQL database made for this module."""
    folder = tmp_path_factory.mktemp("lifecycle-race")
    with postgres_database("race", folder) as (app, url):
        with app.app_context():
            lea = accounts.create_account("lea@porteur.example", PASSWORD, "Léa Porteur")
            paul = accounts.create_account("paul@porteur.example", PASSWORD, "Paul Porteur")
            db.session.commit()
            worlds = {
                kind: [_dossier_with_two_leads(app, lea, paul, n) for n in range(1, ROUNDS + 1)] for kind in RACES
            }
            db.session.remove()
        with servers() as start:
            yield Race(app, start(url, folder / "one"), start(url, folder / "two"), worlds)


def soon() -> str:
    return (datetime.now(UTC) + timedelta(days=3)).isoformat()


@dataclass
class Outcome:
    replies: list[requests.Response]
    overlapped: bool  # every request was sent before any reply came back


def at_once(calls: list[Callable[[], requests.Response]]) -> Outcome:
    """Run every call in its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    replies: list[requests.Response | BaseException | None] = [None] * len(calls)
    spans: list[tuple[float, float]] = [(0.0, 0.0)] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(TIMEOUT)
            started = time.monotonic()
            replies[index] = calls[index]()
            spans[index] = (started, time.monotonic())
        except BaseException as exc:  # reported below
            replies[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    assert not any(t.is_alive() for t in threads), "a request did not finish"
    for reply in replies:
        if isinstance(reply, BaseException):
            raise reply
    overlapped = max(start for start, _ in spans) < min(end for _, end in spans)
    return Outcome(replies, overlapped)  # type: ignore[arg-type]


def _sessions(race: Race) -> dict[str, tuple[ServerProcess, requests.Session]]:
    """Each lead on its own server process, the session and CSRF token fetched before the race."""
    world = race.worlds["freeze"][0]
    return {
        who: (server, http_session(server.url, session_cookie(race.app, world.user_ids[who])))
        for who, server in zip(LEADS, (race.one, race.two), strict=True)
    }


def _post_all(race: Race, world: DossierWorld, suffix: str, body: Any = None) -> Outcome:
    sessions = _sessions(race)
    calls = [
        (
            lambda server=server, http=http: http.post(
                f"{server.url}/api/dossiers/{world.dossier_id}{suffix}", json=body, timeout=TIMEOUT
            )
        )
        for server, http in sessions.values()
    ]
    return at_once(calls)


def _count(app: Flask, sql: str, dossier_id: int) -> int:
    with app.app_context():
        try:
            return int(db.session.execute(sa.text(sql), {"d": dossier_id}).scalar_one())
        finally:
            db.session.remove()


def _register_kinds(app: Flask, dossier_id: int) -> list[str]:
    with app.app_context():
        try:
            return list(
                db.session.scalars(
                    sa.text("SELECT kind FROM register_entries WHERE dossier_id = :d ORDER BY sequence"),
                    {"d": dossier_id},
                )
            )
        finally:
            db.session.remove()


def _prepare(world: DossierWorld) -> None:
    fill_required(world.app, world.dossier_id, world.action_ids, world.user_ids["lead"])
    adopt_order(world, voters=LEADS)


def _race_freeze(race: Race, world: DossierWorld, overlaps: list[bool]) -> dict[str, Any]:
    outcome = _post_all(race, world, "/freeze", {"closes_at": soon()})
    overlaps.append(outcome.overlapped)
    replies = outcome.replies
    statuses = sorted(r.status_code for r in replies)
    assert statuses == [200, 409], [(r.status_code, r.text) for r in replies]
    won = next(r for r in replies if r.status_code == 200).json()
    lost = next(r for r in replies if r.status_code == 409).json()
    assert lost["error"]["code"] == "dossier_not_draft", lost
    return dict(won)


def test_two_leads_freezing_at_once(race: Race) -> None:
    overlaps: list[bool] = []
    for world in race.worlds["freeze"]:
        _prepare(world)
        won = _race_freeze(race, world, overlaps)

        assert won["state"] == "fige"
        assert _register_kinds(race.app, world.dossier_id) == ["priority_order", "freeze"]
        approvals = _count(
            race.app,
            "SELECT count(*) FROM decisions WHERE dossier_id = :d AND kind = 'final_approval'",
            world.dossier_id,
        )
        assert approvals == 1
        body = lifecycle(world)
        assert body["state"] == "fige" and body["final_approval"]["decision_id"] == won["final_approval"]["decision_id"]
        assert body["frozen_content_hash"] == won["frozen_content_hash"]
        verified = world.client("lead").get(world.url("/register/verify")).get_json()
        assert verified["ok"] is True and verified["length"] == 2
    assert any(overlaps), "the two requests never were in flight together: no race was tested"


def test_two_leads_submitting_at_once(race: Race) -> None:
    overlaps: list[bool] = []
    for world in race.worlds["submit"]:
        _prepare(world)
        _race_freeze(race, world, [])
        approve(world, LEADS)
        assert lifecycle(world)["unmet"] == []

        outcome = _post_all(race, world, "/submit")
        overlaps.append(outcome.overlapped)
        replies = outcome.replies

        statuses = sorted(r.status_code for r in replies)
        assert statuses == [201, 409], [(r.status_code, r.text) for r in replies]
        receipt = next(r for r in replies if r.status_code == 201).json()
        lost = next(r for r in replies if r.status_code == 409).json()
        assert lost["error"]["code"] == "dossier_submitted", lost
        assert _register_kinds(race.app, world.dossier_id) == ["priority_order", "freeze", "decision", "submit"]
        assert _count(race.app, "SELECT count(*) FROM submissions WHERE dossier_id = :d", world.dossier_id) == 1
        assert world.client("lead").get(world.url("/receipt")).get_json() == receipt
        listed = world.client("partner").get(world.url("/register")).get_json()
        assert receipt["register_head"] == listed["head"] == listed["entries"][-1]["hash"]
        assert lifecycle(world)["state"] == "depose"
    assert any(overlaps), "the two requests never were in flight together: no race was tested"


def test_a_freeze_racing_a_reopening_and_a_second_freeze(race: Race) -> None:
    """Reopen and freeze sent together on a frozen dossier with an adopted decision to reopen:
    whichever goes first, the register stays a consistent chain and the state matches its last entry."""
    for world in race.worlds["reopen"]:
        _prepare(world)
        _race_freeze(race, world, [])
        reopen = (
            world.client("partner")
            .post(
                world.url("/decisions"),
                {
                    "kind": "reopen",
                    "title": "Rouvrir",
                    "text": "Corriger.",
                    "rule": "majorite_simple",
                    "quorum_percent": 50,
                    "closes_at": soon(),
                },
            )
            .get_json()
        )
        for who in LEADS:
            assert (
                world.client(who).put(world.url(f"/decisions/{reopen['id']}/vote"), {"choice": "pour"}).status_code
                == 200
            )
        assert world.client("lead").post(world.url(f"/decisions/{reopen['id']}/close")).get_json()["adopted"] is True

        sessions = _sessions(race)
        (one, lea), (two, paul) = sessions["lead"], sessions["partner"]
        base = f"/api/dossiers/{world.dossier_id}"
        reopened, refrozen = at_once(
            [
                lambda: lea.post(f"{one.url}{base}/reopen", timeout=TIMEOUT),  # noqa: B023  (run at once)
                lambda: paul.post(f"{two.url}{base}/freeze", json={"closes_at": soon()}, timeout=TIMEOUT),  # noqa: B023
            ]
        ).replies
        assert reopened.status_code == 200, reopened.text
        kinds = _register_kinds(race.app, world.dossier_id)
        state = lifecycle(world)["state"]
        if refrozen.status_code == 200:  # the reopening went first, then the freeze
            assert kinds[-2:] == ["reopen", "freeze"] and state == "fige"
        else:  # the freeze found the dossier still frozen
            assert refrozen.status_code == 409 and refrozen.json()["error"]["code"] == "dossier_not_draft"
            assert kinds[-1] == "reopen" and state == "brouillon"
        assert kinds.count("reopen") == 1
        assert world.client("lead").get(world.url("/register/verify")).get_json()["ok"] is True

"""Watching a dossier live through a real server process: ``watch`` / ``unwatch``, the
``governance`` and ``dossier`` notices, freeze turning open editors read-only, and the
deadline sweeper closing a vote while nobody reads it.

Changes are made over HTTP (``requests`` with the session cookie and the CSRF header),
as the browser makes them; notices are awaited on ``threading`` conditions, never slept on.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
import sqlalchemy as sa

from server.extensions import db
from server.models import Membership, Role, User
from server.services import actions, dossiers, invitations
from tests.events.conftest import two_processes_on_postgres
from tests.live import (
    SESSION_COOKIE,
    TIMEOUT,
    InOrderClient,
    LiveWorld,
    ServerProcess,
    insert_text,
    plain_text,
    session_cookie,
    stored_doc,
    stored_fingerprint,
)
from tests.support import DossierWorld, join

from .conftest import shared_world_and_server

# --- a watching connection ---------------------------------------------------------------


class Watcher:
    """One Socket.IO connection that watches dossiers and keeps every notice it receives, in order."""

    def __init__(self, base_url: str, cookie: str | None, *, who: str = "") -> None:
        self.base_url = base_url
        self.cookie = cookie
        self.who = who
        self.lock = threading.Condition()
        self.notices: list[tuple[str, dict[str, Any]]] = []
        self.sio: socketio.Client | None = None

    def connect(self) -> Watcher:
        sio = InOrderClient(reconnection=False)
        for event in ("governance", "dossier"):
            sio.on(event, self._recorder(event))
        headers = {"Cookie": f"{SESSION_COOKIE}={self.cookie}"} if self.cookie else {}
        try:
            sio.connect(self.base_url, headers=headers, transports=["websocket"], wait_timeout=TIMEOUT)
        except Exception:
            sio.disconnect()
            raise
        self.sio = sio
        return self

    def _recorder(self, event: str) -> Callable[..., None]:
        def record(data: Any = None, *_: Any) -> None:
            with self.lock:
                self.notices.append((event, data))
                self.lock.notify_all()

        return record

    def call(self, event: str, data: Any = None) -> Any:
        assert self.sio is not None
        return self.sio.call(event, data, timeout=TIMEOUT)

    def watch(self, dossier_id: Any) -> Any:
        return self.call("watch", {"dossier_id": dossier_id})

    def unwatch(self, dossier_id: Any) -> Any:
        return self.call("unwatch", {"dossier_id": dossier_id})

    def barrier(self) -> None:
        """A round trip on this connection: every notice the server queued for it before is now received."""
        assert self.call("watch", {"dossier_id": "marker"})["error"]["code"] == "invalid_message"

    def count(self) -> int:
        with self.lock:
            return len(self.notices)

    def wait_for(
        self, event: str, match: dict[str, Any], *, after: int = 0, timeout: float = TIMEOUT
    ) -> dict[str, Any]:
        """The first ``event`` notice (from index ``after``) whose payload holds every item of ``match``."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                for name, data in self.notices[after:]:
                    if name == event and isinstance(data, dict) and match.items() <= data.items():
                        return data
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{self.who}: no {event} {match} in {self.notices[after:]}")
                self.lock.wait(remaining)

    def since(self, index: int) -> list[tuple[str, dict[str, Any]]]:
        with self.lock:
            return list(self.notices[index:])

    def close(self) -> None:
        if self.sio is not None:
            sio, self.sio = self.sio, None
            sio.disconnect()


@pytest.fixture
def watchers() -> Iterator[Callable[..., Watcher]]:
    made: list[Watcher] = []

    def make(server: ServerProcess, cookie: str | None, who: str = "") -> Watcher:
        watcher = Watcher(server.url, cookie, who=who)
        made.append(watcher)
        return watcher.connect()

    yield make
    for watcher in made:
        watcher.close()


@pytest.fixture(scope="module")
def shared(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveWorld, ServerProcess]]:
    """One SQLite database and one server process for the module; each test gets its own dossier."""
    with shared_world_and_server(sqlite_template, tmp_path_factory, "governance") as pair:
        yield pair


@pytest.fixture
def server(shared: tuple[LiveWorld, ServerProcess]) -> ServerProcess:
    return shared[1]


@pytest.fixture
def live(shared: tuple[LiveWorld, ServerProcess]) -> Iterator[LiveWorld]:
    """A fresh draft dossier (two actions) with the shared world's lead, partner, beneficiary and observer."""
    fresh = fresh_dossier(shared[0])
    yield fresh
    fresh.close_clients()


def fresh_dossier(base: LiveWorld) -> LiveWorld:
    app = base.app
    with app.app_context():
        people = {who: db.session.get(User, uid) for who, uid in base.world.user_ids.items()}
        dossier = dossiers.create_dossier(people["lead"], "Projet Jardin partagé", "Association Les Racines")
        action_ids = [actions.add_action(dossier.id, title).id for title in ("Jardin", "Cuisine")]
        for who, role in (("partner", Role.PARTNER), ("beneficiary", Role.BENEFICIARY), ("observer", Role.OBSERVER)):
            link = invitations.create_invitation(dossier.id, people["lead"], role, 14, label=who)
            invitations.accept(invitations.token_for(link), people[who])
        member_ids = {
            who: db.session.scalar(
                db.select(Membership.id).where(Membership.dossier_id == dossier.id, Membership.user_id == user.id)
            )
            for who, user in people.items()
            if who != "outsider"
        }
        dossier_id = dossier.id
        db.session.remove()
    world = DossierWorld(app, dossier_id, action_ids, dict(base.world.user_ids), member_ids)  # type: ignore[arg-type]
    return LiveWorld(app, world, base.database_url, base.data_dir, base.engine)


def soon(seconds: float = 3 * 86400) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


def ok(reply: requests.Response, status: int = 200) -> Any:
    assert reply.status_code == status, reply.text
    return reply.json()


def api(live: LiveWorld, server: ServerProcess, who: str) -> Callable[..., requests.Response]:
    """``call(method, suffix, json)`` on the dossier's API as ``who``."""
    http = live.http(server, who)

    def call(method: str, suffix: str, json: Any = None) -> requests.Response:
        return http.request(method, f"{server.url}/api/dossiers/{live.dossier_id}{suffix}", json=json, timeout=TIMEOUT)

    return call


def new_member(live: LiveWorld, role: Role, name: str) -> tuple[int, int]:
    """Someone joins by invitation; (user id, member id)."""
    user_id = join(live.app, live.dossier_id, live.user("lead"), role, name)
    with live.app.app_context():
        member_id = db.session.scalar(
            db.select(Membership.id).where(Membership.dossier_id == live.dossier_id, Membership.user_id == user_id)
        )
        db.session.remove()
    assert member_id is not None
    return user_id, int(member_id)


# --- watch / unwatch answers ----------------------------------------------------------------


def test_watching_needs_a_logged_in_session(live: LiveWorld, server: ServerProcess) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        Watcher(server.url, None, who="anonymous").connect()
    with pytest.raises(socketio.exceptions.ConnectionError):
        Watcher(server.url, "not-a-signed-session", who="forged").connect()


@pytest.mark.parametrize("who", ["lead", "partner", "beneficiary", "observer"])
def test_every_member_may_watch(
    live: LiveWorld, server: ServerProcess, watchers: Callable[..., Watcher], who: str
) -> None:
    watcher = watchers(server, live.cookie(who), who)
    assert watcher.watch(live.dossier_id) == {"ok": True}
    assert watcher.watch(live.dossier_id) == {"ok": True}  # twice is harmless
    assert watcher.unwatch(live.dossier_id) == {"ok": True}
    assert watcher.unwatch(live.dossier_id) == {"ok": True}


def test_a_non_member_cannot_watch(live: LiveWorld, server: ServerProcess, watchers: Callable[..., Watcher]) -> None:
    outsider = watchers(server, live.cookie("outsider"), "outsider")
    for dossier_id in (live.dossier_id, live.dossier_id + 1000, 0, -1):
        reply = outsider.watch(dossier_id)
        assert reply["ok"] is False and reply["error"]["code"] == "not_found", reply
    # … and so receives nothing of the dossier.
    before = outsider.count()
    ok(api(live, server, "partner")("POST", "/polls", {"closes_at": soon()}), 201)
    outsider.barrier()
    assert outsider.since(before) == []


@pytest.mark.parametrize(
    "payload",
    [None, {}, {"dossier_id": None}, {"dossier_id": "1"}, {"dossier_id": True}, {"dossier_id": 1.5}, [1], "1", 1]
    + [{"dossier_id": 2**31}, {"dossier_id": 187779887830530040791040}],
    ids=["none", "empty", "null-id", "string-id", "bool-id", "float-id", "list", "string", "bare-int"]
    + ["id-over-32-bits", "id-over-64-bits"],
)
def test_a_bad_watch_payload_is_invalid_message(
    live: LiveWorld, server: ServerProcess, watchers: Callable[..., Watcher], payload: Any
) -> None:
    watcher = watchers(server, live.cookie("lead"), "lead")
    for event in ("watch", "unwatch"):
        reply = watcher.call(event, payload)
        assert reply["ok"] is False and reply["error"]["code"] == "invalid_message", (event, reply)
        assert reply["error"]["message"]


# --- notices -----------------------------------------------------------------------------------


def test_a_watcher_is_told_of_polls_ballots_and_decisions(
    live: LiveWorld, server: ServerProcess, watchers: Callable[..., Watcher]
) -> None:
    beneficiary = watchers(server, live.cookie("beneficiary"), "beneficiary")
    observer = watchers(server, live.cookie("observer"), "observer")
    for watcher in (beneficiary, observer):
        assert watcher.watch(live.dossier_id) == {"ok": True}
    partner, lead = api(live, server, "partner"), api(live, server, "lead")
    dossier = live.dossier_id
    jardin, cuisine = live.world.action_ids

    poll = ok(partner("POST", "/polls", {"closes_at": soon()}), 201)
    for watcher in (beneficiary, observer):
        watcher.wait_for("governance", {"id": dossier, "topic": "poll", "poll_id": poll["id"]})

    mark = beneficiary.count()
    ok(lead("PUT", f"/polls/{poll['id']}/ballot", {"ranking": [[cuisine], [jardin]]}))
    beneficiary.wait_for("governance", {"id": dossier, "topic": "poll", "poll_id": poll["id"]}, after=mark)

    decision = ok(
        partner(
            "POST",
            "/decisions",
            {
                "title": "Budget",
                "text": "On dépense 10 €.",
                "rule": "majorite_simple",
                "quorum_percent": 50,
                "closes_at": soon(),
            },
        ),
        201,
    )
    beneficiary.wait_for("governance", {"id": dossier, "topic": "decision", "decision_id": decision["id"]})

    mark = beneficiary.count()
    ok(lead("PUT", f"/decisions/{decision['id']}/vote", {"choice": "pour"}))
    notice = beneficiary.wait_for(
        "governance", {"id": dossier, "topic": "decision", "decision_id": decision["id"]}, after=mark
    )
    # Notices carry ids only: how anyone voted is read over HTTP, where the policy decides.
    assert set(notice) == {"id", "topic", "decision_id"}

    mark = observer.count()
    ok(lead("POST", f"/polls/{poll['id']}/close"))
    observer.wait_for("governance", {"id": dossier, "topic": "poll", "poll_id": poll["id"]}, after=mark)
    observer.wait_for("dossier", {"id": dossier, "actions": True}, after=mark)


def test_a_watcher_is_told_of_the_freeze(
    live: LiveWorld, server: ServerProcess, watchers: Callable[..., Watcher]
) -> None:
    watcher = watchers(server, live.cookie("observer"), "observer")
    assert watcher.watch(live.dossier_id) == {"ok": True}
    ok(api(live, server, "lead")("POST", "/freeze", {"closes_at": soon()}))
    assert watcher.wait_for("dossier", {"id": live.dossier_id, "state": "fige"}) == {
        "id": live.dossier_id,
        "state": "fige",
        "beneficiaries_may_edit": True,
    }
    watcher.wait_for("governance", {"id": live.dossier_id, "topic": "lifecycle"})


def test_unwatch_stops_the_notices(live: LiveWorld, server: ServerProcess, watchers: Callable[..., Watcher]) -> None:
    leaving = watchers(server, live.cookie("beneficiary"), "beneficiary")
    staying = watchers(server, live.cookie("observer"), "observer")
    for watcher in (leaving, staying):
        assert watcher.watch(live.dossier_id) == {"ok": True}
    partner = api(live, server, "partner")
    first = ok(partner("POST", "/polls", {"closes_at": soon()}), 201)
    leaving.wait_for("governance", {"topic": "poll", "poll_id": first["id"]})

    assert leaving.unwatch(live.dossier_id) == {"ok": True}
    mark = leaving.count()
    ok(partner("POST", f"/polls/{first['id']}/close"))
    ok(api(live, server, "lead")("POST", "/freeze", {"closes_at": soon()}))
    staying.wait_for("dossier", {"state": "fige"})
    leaving.barrier()
    assert leaving.since(mark) == [], "notices reached a connection that stopped watching"

    # Watching again brings them back.
    assert leaving.watch(live.dossier_id) == {"ok": True}
    reopen = ok(
        partner(
            "POST",
            "/decisions",
            {
                "kind": "reopen",
                "title": "Rouvrir",
                "text": "Corriger le calendrier.",
                "rule": "majorite_simple",
                "quorum_percent": 50,
                "closes_at": soon(),
            },
        ),
        201,
    )
    leaving.wait_for("governance", {"topic": "decision", "decision_id": reopen["id"]}, after=mark)


def test_a_removed_member_stops_receiving_notices(
    live: LiveWorld, server: ServerProcess, watchers: Callable[..., Watcher]
) -> None:
    user_id, member_id = new_member(live, Role.BENEFICIARY, "Bruno")
    removed = watchers(server, session_cookie(live.app, user_id), "Bruno")
    staying = watchers(server, live.cookie("observer"), "observer")
    for watcher in (removed, staying):
        assert watcher.watch(live.dossier_id) == {"ok": True}
    partner = api(live, server, "partner")
    first = ok(partner("POST", "/polls", {"closes_at": soon()}), 201)
    removed.wait_for("governance", {"topic": "poll", "poll_id": first["id"]})

    assert api(live, server, "lead")("DELETE", f"/members/{member_id}").status_code == 204
    removed.barrier()
    mark = removed.count()
    ok(partner("POST", f"/polls/{first['id']}/close"))
    decision = ok(
        partner(
            "POST",
            "/decisions",
            {
                "title": "Budget",
                "text": "Confidentiel.",
                "rule": "majorite_simple",
                "quorum_percent": 50,
                "closes_at": soon(),
            },
        ),
        201,
    )
    staying.wait_for("governance", {"topic": "decision", "decision_id": decision["id"]})
    removed.barrier()
    assert removed.since(mark) == [], "a removed member still receives the dossier's notices"
    assert removed.watch(live.dossier_id)["error"]["code"] == "not_found"


# --- freeze and the open editors ---------------------------------------------------------------


def test_freeze_turns_an_open_editor_read_only(
    live: LiveWorld, server: ServerProcess, watchers: Callable[..., Watcher]
) -> None:
    document = live.document()
    editor = live.client(server, "partner", document).open()
    assert editor.join_ack is not None and editor.join_ack["read_only"] is False
    assert editor.type(lambda d: insert_text(d, "objectifs", 0, 0, "Avant le gel. ")) == {"saved": True}

    frozen = ok(api(live, server, "lead")("POST", "/freeze", {"closes_at": soon()}))
    assert frozen["state"] == "fige"

    editor.wait_for(
        lambda c: any(n.get("state") == "fige" for n in c.received.dossier if isinstance(n, dict)),
        what="the dossier notice of the freeze",
    )
    assert {"id": live.dossier_id, "state": "fige", "beneficiaries_may_edit": True} in editor.received.dossier
    stored = stored_fingerprint(live.engine, live.dossier_id, document)
    ack = editor.type(lambda d: insert_text(d, "objectifs", 0, 0, "Après le gel. "))
    assert ack is not None and ack["saved"] is False and ack["error"]["code"] == "read_only", ack
    editor.wait_for(lambda c: any(e.get("code") == "read_only" for e in c.received.errors), what="the y-error")
    assert stored_fingerprint(live.engine, live.dossier_id, document) == stored
    assert frozen["frozen_content_hash"] == ok(api(live, server, "observer")("GET", "/lifecycle"))["content_hash"]

    # Joining again, on this connection or a fresh one, says read-only.
    assert editor.join()["read_only"] is True
    for who in ("lead", "partner", "beneficiary"):
        fresh = live.client(server, who, live.document(1)).connect()
        assert fresh.join() == {"ok": True, "read_only": True, "max_update_bytes": 1024 * 1024}
        refused = fresh.type(lambda d: insert_text(d, "calendrier", 0, 0, f"{who} "))  # noqa: B023  (run at once)
        assert refused is not None and refused["error"]["code"] == "read_only", refused
    assert "Après le gel" not in _stored_text(live, document)


def test_updates_racing_the_freeze_are_either_stored_before_it_or_refused(
    live: LiveWorld, server: ServerProcess
) -> None:
    """An editor keeps typing while the lead freezes: every update acknowledged saved is stored and
    inside the frozen content hash; from the first refusal (read_only) on, nothing more is stored."""
    type_through_the_freeze(live, server, server)


def type_through_the_freeze(live: LiveWorld, editing: ServerProcess, freezing: ServerProcess) -> None:
    document = live.document()
    editor = live.client(editing, "beneficiary", document).open()
    lead = api(live, freezing, "lead")
    go = threading.Event()
    frozen: dict[str, Any] = {}

    def do_freeze() -> None:
        go.wait(TIMEOUT)
        frozen.update(ok(lead("POST", "/freeze", {"closes_at": soon()})))

    thread = threading.Thread(target=do_freeze)
    thread.start()
    acks: list[dict[str, Any]] = []
    try:
        for n in range(2000):
            acks.append(editor.send(editor.edit(lambda d, n=n: insert_text(d, "descriptif", 0, 0, f"[{n}]"))))
            if n == 3:
                go.set()
            if (
                acks[-1] != {"saved": True}
                and len(acks) - next(i for i, a in enumerate(acks) if a != {"saved": True}) >= 3
            ):
                break
    finally:
        go.set()
        thread.join(TIMEOUT)
    assert frozen, "the freeze did not answer"
    saved = [n for n, a in enumerate(acks) if a == {"saved": True}]
    assert saved == list(range(len(saved))), f"an update was saved after one was refused: {acks}"
    assert len(saved) >= 4 and len(acks) > len(saved)
    assert all(a["saved"] is False and a["error"]["code"] == "read_only" for a in acks[len(saved) :]), acks

    stored = plain_text(stored_doc(live.engine, live.dossier_id, document), "descriptif")
    assert sorted(int(m) for m in re.findall(r"\[(\d+)\]", stored)) == saved
    after = ok(api(live, freezing, "observer")("GET", "/lifecycle"))
    assert after["content_unchanged"] is True and after["content_hash"] == frozen["frozen_content_hash"]


def _stored_text(live: LiveWorld, document: str) -> str:
    doc = stored_doc(live.engine, live.dossier_id, document)
    return "\n".join(plain_text(doc, key) for key in ("objectifs", "calendrier"))


# --- the deadline sweeper ------------------------------------------------------------------------


def test_the_sweeper_closes_a_vote_at_its_deadline_with_nobody_reading(
    live: LiveWorld, server: ServerProcess, watchers: Callable[..., Watcher]
) -> None:
    watcher = watchers(server, live.cookie("beneficiary"), "beneficiary")
    assert watcher.watch(live.dossier_id) == {"ok": True}
    partner = api(live, server, "partner")
    jardin, cuisine = live.world.action_ids
    poll = ok(partner("POST", "/polls", {"closes_at": soon(6), "adopt_on_close": True}), 201)
    ok(partner("PUT", f"/polls/{poll['id']}/ballot", {"ranking": [[cuisine], [jardin]]}))
    mark = watcher.count()

    # Nobody reads the dossier over HTTP: only the server's own sweeper can close the vote.
    notice = watcher.wait_for("governance", {"id": live.dossier_id, "topic": "deadline"}, after=mark, timeout=45)
    assert notice == {"id": live.dossier_id, "topic": "deadline"}
    with live.engine.connect() as conn:
        closed_at = conn.execute(
            sa.text("SELECT closed_at FROM priority_polls WHERE id = :p"), {"p": poll["id"]}
        ).scalar_one()
    assert closed_at is not None, "the deadline notice came before the vote was closed in the database"

    read = ok(api(live, server, "observer")("GET", f"/polls/{poll['id']}"))
    assert read["state"] == "closed"
    assert read["result"]["order"] == [cuisine, jardin]
    assert read["adopted_at"] is not None
    actions = ok(api(live, server, "observer")("GET", ""))["actions"]
    assert [a["id"] for a in actions] == [cuisine, jardin]


def test_the_sweeper_closes_a_decision_at_its_deadline(
    live: LiveWorld, server: ServerProcess, watchers: Callable[..., Watcher]
) -> None:
    watcher = watchers(server, live.cookie("observer"), "observer")
    assert watcher.watch(live.dossier_id) == {"ok": True}
    partner = api(live, server, "partner")
    decision = ok(
        partner(
            "POST",
            "/decisions",
            {
                "title": "Budget",
                "text": "On dépense 10 €.",
                "rule": "majorite_simple",
                "quorum_percent": 0,
                "closes_at": soon(6),
            },
        ),
        201,
    )
    ok(partner("PUT", f"/decisions/{decision['id']}/vote", {"choice": "pour"}))
    mark = watcher.count()
    watcher.wait_for("governance", {"id": live.dossier_id, "topic": "deadline"}, after=mark, timeout=45)
    read = ok(api(live, server, "observer")("GET", f"/decisions/{decision['id']}"))
    assert read["state"] == "closed" and read["adopted"] is True
    register = ok(api(live, server, "observer")("GET", "/register"))
    assert register["entries"][-1]["kind"] == "decision"
    assert register["entries"][-1]["content"]["decision_id"] == decision["id"]


# --- several processes (PostgreSQL + Redis) --------------------------------------------------------


@dataclass
class TwoProcesses:
    live: LiveWorld
    one: ServerProcess
    two: ServerProcess


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoProcesses]:
    """Two server processes on one PostgreSQL database, sharing Redis (as in test_scale_out)."""
    with two_processes_on_postgres(tmp_path_factory, "gov") as (live, one, two):
        yield TwoProcesses(live, one, two)


@pytest.mark.postgres
def test_notices_reach_watchers_of_another_process(
    two_processes: TwoProcesses, watchers: Callable[..., Watcher]
) -> None:
    live, one, two = fresh_dossier(two_processes.live), two_processes.one, two_processes.two
    try:
        watcher = watchers(two, live.cookie("beneficiary"), "beneficiary")
        assert watcher.watch(live.dossier_id) == {"ok": True}
        editor = live.client(two, "partner").open()

        poll = ok(api(live, one, "partner")("POST", "/polls", {"closes_at": soon()}), 201)
        watcher.wait_for("governance", {"id": live.dossier_id, "topic": "poll", "poll_id": poll["id"]})
        ok(api(live, one, "lead")("POST", f"/polls/{poll['id']}/close"))
        ok(api(live, one, "lead")("POST", "/freeze", {"closes_at": soon()}))
        watcher.wait_for("dossier", {"id": live.dossier_id, "state": "fige"})

        # The editor on the other process is told, and its next update is refused.
        editor.wait_for(lambda c: any(n.get("state") == "fige" for n in c.received.dossier), what="the freeze notice")
        ack = editor.type(lambda d: insert_text(d, "objectifs", 0, 0, "après le gel"))
        assert ack is not None and ack["error"]["code"] == "read_only", ack
    finally:
        live.close_clients()


@pytest.mark.postgres
def test_a_member_removed_through_one_process_stops_receiving_notices_on_the_other(
    two_processes: TwoProcesses, watchers: Callable[..., Watcher]
) -> None:
    live, one, two = fresh_dossier(two_processes.live), two_processes.one, two_processes.two
    user_id, member_id = new_member(live, Role.BENEFICIARY, "Bruno")
    removed = watchers(two, session_cookie(live.app, user_id), "Bruno")
    staying = watchers(two, live.cookie("observer"), "observer")
    for watcher in (removed, staying):
        assert watcher.watch(live.dossier_id) == {"ok": True}

    assert api(live, one, "lead")("DELETE", f"/members/{member_id}").status_code == 204
    staying.wait_for("dossier", {"id": live.dossier_id, "members": True})
    removed.barrier()
    mark = removed.count()
    poll = ok(api(live, one, "partner")("POST", "/polls", {"closes_at": soon()}), 201)
    staying.wait_for("governance", {"topic": "poll", "poll_id": poll["id"]})
    removed.barrier()
    assert removed.since(mark) == [], "a member removed through another process still receives the notices"


@pytest.mark.postgres
def test_updates_through_one_process_racing_a_freeze_through_the_other(two_processes: TwoProcesses) -> None:
    """The writer of one process and the freeze of another serialise on the dossier's row (PostgreSQL)."""
    live = fresh_dossier(two_processes.live)
    try:
        type_through_the_freeze(live, two_processes.two, two_processes.one)
    finally:
        live.close_clients()

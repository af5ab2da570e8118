"""Requests from people not logged in take turns (server/turns.py); members' requests never wait."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask

from tests.support import ApiClient, DossierWorld

WAIT = 30.0


def test_anonymous_api_requests_wait_for_a_turn_and_members_do_not(
    world: DossierWorld, sibling_app: Callable[..., Flask]
) -> None:
    app = sibling_app(world.app, ANONYMOUS_REQUEST_TURNS=1)
    entered, release = threading.Event(), threading.Event()

    def hold() -> dict[str, bool]:
        """An anonymous request that keeps its turn until the test lets it go."""
        entered.set()
        release.wait(WAIT)
        return {"held": True}

    app.add_url_rule("/api/test-hold", "test_hold", hold)
    replies: dict[str, Any] = {}
    second_done = threading.Event()

    def anonymous(name: str, path: str, done: threading.Event | None = None) -> threading.Thread:
        def run() -> None:
            replies[name] = ApiClient(app).get(path)
            if done is not None:
                done.set()

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    first = anonymous("first", "/api/test-hold")
    assert entered.wait(WAIT)
    second = anonymous("second", "/api/auth/session", second_done)
    member = ApiClient(app, world.user_ids["partner"]).get(world.url())

    assert member.status_code == 200  # answered while the only turn is taken
    assert not second_done.wait(0.5)  # the stranger's request waits for it
    release.set()
    first.join(WAIT)
    second.join(WAIT)
    assert replies["first"].get_json() == {"held": True}
    assert replies["second"].status_code == 200

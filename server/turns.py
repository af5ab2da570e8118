"""Requests from people who are not logged in take turns, so that a flood of them cannot starve live editing.

In the gevent server every request and every socket event shares one loop. A closed-loop flood
(threads sending sign-ups as fast as the server answers, each from a new address so that the
per-address limits never stop it) keeps as many requests in the loop's queue as it has threads,
and each editor's keystroke waits behind all of them. Here at most ``ANONYMOUS_REQUEST_TURNS``
anonymous API requests run their route at once; the others wait for a turn without costing anything,
so a keystroke waits behind that many at most. Logged-in members' requests never wait for a turn.
"""

from __future__ import annotations

import threading

from flask import Flask, g, request
from flask_login import current_user


def register(app: Flask) -> None:
    """Register before any other ``before_request`` hook (the rate limiter's included), so that the turn
    bounds their work too. The semaphore is made here, after gevent has patched ``threading``."""
    turns = threading.BoundedSemaphore(app.config["ANONYMOUS_REQUEST_TURNS"])

    @app.before_request
    def _take_a_turn() -> None:
        if request.path.startswith("/api/") and not current_user.is_authenticated:
            turns.acquire()
            g.anonymous_turn = True

    @app.teardown_request
    def _give_it_back(_error: BaseException | None) -> None:
        if g.pop("anonymous_turn", False):
            turns.release()

"""In the gevent server a password hash runs beside the event loop, not on it.

A separate interpreter is monkey-patched like ``codossier serve``; a greenlet ticks
every millisecond while another one hashes a password with the production argon2
cost. Had the hash run on the loop, not one tick could happen during it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
from gevent import monkey
monkey.patch_all()
import json, sys, time
import gevent
from server import create_app
from server.extensions import db
from server.services import accounts
from server.services.errors import NotAuthenticated

app = create_app(SQLALCHEMY_DATABASE_URI="sqlite://", DATA_DIR=sys.argv[1], SECRET_KEY="offload-test")
ticks = []

def tick():
    while True:
        ticks.append(time.monotonic())
        gevent.sleep(0.001)

ticker = gevent.spawn(tick)
gevent.sleep(0.01)
results = {}
with app.app_context():
    db.create_all()
    work_of = {
        "hash": lambda: accounts.create_account("claire@racines.example", "un mot de passe solide", "Claire"),
        "verify": lambda: accounts.authenticate("nobody@racines.example", "x"),
    }
    for what, work in work_of.items():
        start = time.monotonic()
        try:
            work()
        except NotAuthenticated:
            pass
        end = time.monotonic()
        results[what] = {"seconds": end - start, "ticks": sum(start < t < end for t in ticks)}
ticker.kill()
print(json.dumps(results))
"""


def test_hashing_and_verifying_a_password_leave_the_gevent_loop_running(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout.strip().splitlines()[-1])

    for what, seen in results.items():
        assert seen["ticks"] >= 2, (what, seen)


QUEUE_SCRIPT = """
from gevent import monkey
monkey.patch_all()
import json
import gevent
from server.services import offload
from server.services.errors import Busy

shape = offload.POOLS["passwords"]
native_wait = monkey.get_original("threading", "Event")()

def held():
    native_wait.wait(30)  # blocks the pool's native thread, as a long hash would
    return "done"

def call():
    try:
        return offload.off_the_loop(held, pool="passwords")
    except Busy as error:
        return error.code

calls = [gevent.spawn(call) for _ in range(shape.threads + shape.waiting)]
gevent.sleep(0.2)
refused = call()  # one more than the pool's threads and queue: refused at once, without waiting
native_wait.set()
gevent.joinall(calls, timeout=30)
after = call()  # the queue drained: accepted again
print(json.dumps({"refused": refused, "queued": [c.value for c in calls], "after": after}))
"""


def test_a_full_password_queue_refuses_at_once_and_accepts_again_once_drained() -> None:
    done = subprocess.run(
        [sys.executable, "-c", QUEUE_SCRIPT],
        check=False,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout.strip().splitlines()[-1])

    assert results["refused"] == "busy"
    assert results["queued"] and set(results["queued"]) == {"done"}
    assert results["after"] == "done"

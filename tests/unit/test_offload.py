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

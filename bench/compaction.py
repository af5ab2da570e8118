"""What compaction costs as a document's history grows, with the relay's own policy.

    .venv/bin/python bench/compaction.py [--updates 100000] [--editors 50] [--every 20000] [--fixed]

Builds a database in a temporary folder (``prepare.py``'s world), then types
the fan-out scenario's markers (each editor appending to its own paragraph)
in rounds of 250 updates (one second of scenario a), appended with
``documents.append`` and committed; after each round it runs
``documents.compact`` whenever the relay would (``Relay.compaction_due``, or
every 500 updates with ``--fixed``, the former trigger). Each compaction blocks
the server's event loop (pycrdt and SQLite do not yield), so the report
gives, every ``--every`` updates: the snapshot's size, the last compaction's
wall and CPU time, and the compaction time per update typed so far in that
stretch (the share of every update's cost that grows with the history).
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import prepare  # noqa: E402  (bench/ is the script's folder)
import pycrdt  # noqa: E402

ROUND = 250


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--updates", type=int, default=100_000)
    parser.add_argument("--editors", type=int, default=50)
    parser.add_argument("--every", type=int, default=20_000, help="report every this many updates")
    parser.add_argument("--fixed", action="store_true", help="compact every 500 updates (the former trigger)")
    args = parser.parse_args(argv)

    from server.extensions import db
    from server.services import documents
    from server.services.relay import Relay

    folder = Path(tempfile.mkdtemp(prefix="codossier-compaction-"))
    try:
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        secret = secrets.token_hex(16)
        prepare.migrate(prepare.make_app(url, folder, secret))
        app = prepare.make_app(url, folder, secret)
        world = prepare.build_world(app, 2, 0)
        relay = Relay(app, broadcast=lambda *_: None, start_task=lambda _: None)
        peers = [pycrdt.Doc() for _ in range(args.editors)]
        hub = pycrdt.Doc()
        for peer in peers:  # each editor's paragraph, then everyone has all of them
            peer.apply_update(hub.get_update())
            before = peer.get_state()
            paragraph = pycrdt.XmlElement("paragraph", None, [pycrdt.XmlText()])
            peer.get("objectifs", type=pycrdt.XmlFragment).children.append(paragraph)
            hub.apply_update(peer.get_update(before))
        for peer in peers:
            peer.apply_update(hub.get_update())
        author = world["editors"][0]["user_id"]
        with app.app_context():
            ref = documents.resolve(world["dossier_id"], world["document"])
            documents.append([(ref, author, hub.get_update())])
            db.session.commit()
            typed = grown = 0
            stretch = {"wall": 0.0, "cpu": 0.0, "count": 0, "last_wall": 0.0, "last_cpu": 0.0}
            while typed < args.updates:
                rows = []
                for _ in range(ROUND):
                    typed += 1
                    index = random.randrange(args.editors)
                    peer = peers[index]
                    text = peer.get("objectifs", type=pycrdt.XmlFragment).children[index].children[0]
                    before = peer.get_state()
                    text.insert(len(text), f"{index:x}.{typed:x}.{int(time.monotonic() * 1e6):x}|")  # type: ignore[union-attr]
                    rows.append((ref, author, peer.get_update(before)))
                documents.append(rows)
                db.session.commit()
                grown += ROUND
                if grown >= 500 if args.fixed else relay.compaction_due(ref, grown):
                    wall, cpu = time.perf_counter(), time.process_time()
                    documents.compact(ref)
                    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                    stretch.update(last_wall=wall, last_cpu=cpu)
                    stretch["wall"] += wall
                    stretch["cpu"] += cpu
                    stretch["count"] += 1
                    grown = 0
                if typed % args.every == 0:
                    print(
                        json.dumps(
                            {
                                "policy": "every 500" if args.fixed else "relay",
                                "updates": typed,
                                "snapshot_bytes": documents.compacted_size(ref),
                                "compactions_in_stretch": stretch["count"],
                                "last_compaction_wall_ms": round(stretch["last_wall"] * 1000, 1),
                                "last_compaction_cpu_ms": round(stretch["last_cpu"] * 1000, 1),
                                "compaction_wall_ms_per_update": round(stretch["wall"] * 1000 / args.every, 3),
                            }
                        ),
                        flush=True,
                    )
                    stretch = {"wall": 0.0, "cpu": 0.0, "count": 0, "last_wall": 0.0, "last_cpu": 0.0}
            db.session.remove()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

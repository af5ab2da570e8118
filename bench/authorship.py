"""What it costs to know who wrote each character of a document, and where that cost is paid.

    .venv/bin/python bench/authorship.py [--updates 10000] [--authors 10] [--repeat 5]

Builds a database in a temporary folder (``prepare.py``'s world) with one action whose document gets
``--updates`` small logged updates by ``--authors`` members (``prepare.typing_updates``: a few
characters at a time into paragraphs of several questions, as TipTap sends them). Then it measures,
best and median of ``--repeat`` runs:

- **attribution from the log alone**: ``documents.characters`` on the uncompacted document, which
  replays every row through the tracker (the worst case: a document never compacted);
- **compaction**, which replays the same rows through the tracker and stores the runs, against the
  former compaction (one merged update, no attribution) to show what attribution adds to it;
- **attribution after compaction**: ``documents.characters`` once the runs are stored (what the API
  and the export pay: the snapshot and its runs are decoded, the short log tail replayed).

Compaction runs in the relay's compactor greenlet, never on the writer's path; ``characters`` runs in
API requests and exports.
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import prepare  # noqa: E402  (bench/ is the script's folder)
import pycrdt  # noqa: E402


def _timed(work: Any, repeat: int) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(1000 * (time.perf_counter() - started))
    return {"best_ms": round(min(times), 1), "median_ms": round(statistics.median(times), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--authors", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    from server.extensions import db
    from server.models import DocumentSnapshot, DocumentUpdate
    from server.services import documents

    folder = Path(tempfile.mkdtemp(prefix="codossier-authorship-"))
    try:
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        secret = secrets.token_hex(16)
        prepare.migrate(prepare.make_app(url, folder, secret))
        app = prepare.make_app(url, folder, secret)
        world = prepare.build_world(app, args.authors, 0)
        filled = prepare.prefill(app, world, args.updates, args.authors)
        report: dict[str, Any] = {"updates": args.updates, "authors": args.authors, **filled}
        with app.app_context():
            ref = documents.DocumentRef(world["dossier_id"], filled["long_document"])
            rows = db.session.execute(
                db.select(DocumentUpdate.author_id, DocumentUpdate.data)
                .where(DocumentUpdate.dossier_id == ref.dossier_id, DocumentUpdate.document == ref.name)
                .order_by(DocumentUpdate.id)
            ).all()
            counts = documents.characters(ref)
            report["characters"] = sum(sum(c.values()) for c in counts.values())
            report["writers"] = len({a for c in counts.values() for a in c})
            report["attribution_from_the_log"] = _timed(lambda: documents.characters(ref), args.repeat)

            def merged_only() -> None:  # the former compaction's work on the same rows
                doc: pycrdt.Doc = pycrdt.Doc()
                doc.apply_update(documents.merge([row.data for row in rows]))
                doc.get_update()

            report["former_compaction_work"] = _timed(merged_only, args.repeat)

            def compaction() -> None:
                documents.forget_compacted()
                documents.compact(ref)
                db.session.commit()

            started = time.perf_counter()
            compaction()
            report["compaction_with_attribution_ms"] = round(1000 * (time.perf_counter() - started), 1)
            stored = db.session.get(DocumentSnapshot, (ref.dossier_id, ref.name))
            assert stored is not None and stored.authors
            report["stored_runs_bytes"] = len(stored.authors)
            report["snapshot_bytes"] = len(stored.data)
            report["attribution_after_compaction"] = _timed(lambda: documents.characters(ref), args.repeat)
            assert documents.characters(ref) == counts, "compaction changed the attribution"
            db.session.remove()
        print(json.dumps(report, indent=2))
        target = report["attribution_from_the_log"]["median_ms"]
        print(
            f"attribution of {args.updates} updates by {args.authors} authors from the log: {target} ms "
            f"(target < 500 ms: {'MET' if target < 500 else 'MISSED'}); after compaction "
            f"{report['attribution_after_compaction']['median_ms']} ms; compaction with attribution "
            f"{report['compaction_with_attribution_ms']} ms (former work on the same rows "
            f"{report['former_compaction_work']['median_ms']} ms)"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

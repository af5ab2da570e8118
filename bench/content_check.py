"""Benchmark: what the document-schema check (server/services/content_schema.py) costs per keystroke.

    .venv/bin/python bench/content_check.py              # three document sizes, 300 keystrokes each
    .venv/bin/python bench/content_check.py --keystrokes 100

Every update an editor sends is checked before it is committed: the stored
state is read (snapshot and log), a copy is loaded with pycrdt, the update is
applied and the answers it touches are walked. For each document size it
builds one action's document through Codossier's services on a fresh SQLite
database in a temporary folder (removed afterwards), compacts it, then times
``content_schema.check`` on keystrokes typed into one answer (each keystroke
is also stored, as the relay would, so the log grows as in a session), and
prints the median and p99 wall-clock time in milliseconds, with the share
spent reading and loading the stored state (``load``) apart from the walk.

Sizes: ``small`` (15 answers × 3 paragraphs), ``large`` (15 answers × 13
paragraphs, about two pages each, as bench/export.py's large dossier) and
``long answer`` (the large document, plus one answer of 300 paragraphs being
typed into).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(os.environ.get("CODOSSIER_BENCH_TREE") or Path(__file__).resolve().parent.parent)
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from prepare import make_app as prepared_app  # noqa: E402  (bench/ is the script's folder)
from prepare import migrate  # noqa: E402

SENTENCE = "Le comité d'usagers se réunit chaque mois à la salle des fêtes pour décider des horaires. "


def _fill(doc: Any, key: str, paragraphs: int) -> None:
    import pycrdt

    fragment = doc.get(key, type=pycrdt.XmlFragment)
    for _ in range(paragraphs):
        text = pycrdt.XmlText()
        fragment.children.append(pycrdt.XmlElement("paragraph", None, [text]))
        text.insert(0, "Point clé : ", {"bold": {}})
        text.insert(len(text), SENTENCE * 5)


def measure(app: Any, label: str, per_answer: int, long_answer: int, keystrokes: int) -> dict[str, float]:
    import pycrdt

    from server.extensions import db
    from server.services import accounts, actions, content_schema, documents, dossiers

    with app.app_context():
        lead = accounts.create_account(f"{label.replace(' ', '')}@bench-check.example", "bench password", "Banc")
        db.session.commit()
        dossier = dossiers.create_dossier(lead, f"Dossier {label}", "Association du banc d'essai")
        action_id = actions.add_action(dossier.id, "Action").id
        ref = documents.DocumentRef(dossier.id, documents.action_document(action_id))
        keys = sorted(content_schema.question_keys(ref))[:15]
        doc = pycrdt.Doc()
        for key in keys:
            _fill(doc, key, per_answer)
        if long_answer:
            _fill(doc, keys[0], long_answer)
        documents.append([(ref, lead.id, doc.get_update())])
        db.session.commit()
        documents.compact(ref)
        typed = next(c for c in doc.get(keys[0], type=pycrdt.XmlFragment).children).children[0]
        totals, loads = [], []
        for n in range(keystrokes):
            state = doc.get_state()
            typed.insert(len(typed), "x" if n % 7 else " ")
            update = doc.get_update(state)
            start = time.perf_counter()
            content_schema.check(ref, update)
            totals.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            documents.load_doc(ref)
            loads.append((time.perf_counter() - start) * 1000)
            documents.append([(ref, lead.id, update)])
            db.session.commit()
        size = len(documents.stored_state(ref))
        db.session.remove()
    totals.sort()
    return {
        "bytes": size,
        "p50": statistics.median(totals),
        "p99": totals[int(len(totals) * 0.99) - 1],
        "load_p50": statistics.median(loads),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keystrokes", type=int, default=300)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="codossier-bench-check-"))
    try:
        app = prepared_app(f"sqlite:///{folder / 'bench.sqlite3'}", folder, "bench-secret-key-not-for-production-use")
        migrate(app)
        header = ("document", "stored bytes", "check p50 ms", "check p99 ms", "of which load p50")
        print(f"{header[0]:<12} {header[1]:>12} {header[2]:>13} {header[3]:>13} {header[4]:>18}")
        for label, per_answer, long_answer in (("small", 3, 0), ("large", 13, 0), ("long answer", 13, 300)):
            r = measure(app, label, per_answer, long_answer, args.keystrokes)
            print(f"{label:<12} {r['bytes']:>12,} {r['p50']:>13.2f} {r['p99']:>13.2f} {r['load_p50']:>18.2f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

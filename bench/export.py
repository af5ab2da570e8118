"""Benchmark: how long the server takes to export a dossier as DOCX and as PDF.

    .venv/bin/python bench/export.py                 # demo dossier + large dossier, 5 runs each
    .venv/bin/python bench/export.py --runs 3 --only demo
    .venv/bin/python bench/export.py --profile pdf   # plus the cProfile top entries of one PDF export

Two dossiers are built through Codossier's own services on a fresh SQLite
database in a temporary folder (removed afterwards):

* ``demo``: the demo dossier (``server/demo.py``: three actions, a few answers,
  collèges, an adopted priority vote, decisions);
* ``large``: five actions, fifteen answered questions each, about two pages of
  text per answer (paragraphs with bold and italic runs and a list), an
  adopted priority vote, three members per role.

For each dossier and format it times the whole export as the route runs it
(``export.dossier_file``: the export model built from the database, then the
document written), ``--runs`` times, and prints the median wall-clock and CPU
time in milliseconds. The very first PDF export of a process also loads the
embedded fonts: it is reported apart as "cold". The machine is shared: when
other processes keep the CPU busy, wall-clock time exceeds CPU time; the CPU
column is the export's own cost. Target (issue 6): the demo dossier in < 2 s.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(os.environ.get("CODOSSIER_BENCH_TREE") or Path(__file__).resolve().parent.parent)
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from prepare import make_app as prepared_app  # noqa: E402  (bench/ is the script's folder)
from prepare import migrate  # noqa: E402

PASSWORD = "bench password not secret"
SENTENCES = (
    "Le comité d'usagers se réunit chaque mois à la salle des fêtes pour décider des horaires et des produits.",
    "Les habitants des villages proposent eux-mêmes les recettes des ateliers, à partir des récoltes de saison.",
    "La banque alimentaire fournit une partie des denrées, le reste vient des producteurs locaux du bassin minier.",
    "Chaque bénévole est formé à l'accueil, à la caisse solidaire et à l'hygiène alimentaire par le centre social.",
    "Le bilan de l'année est présenté en réunion publique et les décisions sont inscrites au registre du projet.",
)
PARAGRAPHS_PER_ANSWER = 13  # about two A4 pages at the export's type size


def make_app(folder: Path) -> Any:
    return prepared_app(f"sqlite:///{folder / 'bench.sqlite3'}", folder, "bench-secret-key-not-for-production-use")


def seed_demo(app: Any) -> int:
    from server import demo

    with app.app_context():
        return demo.seed().id


def _answer_update(doc: Any, key: str, seed: int) -> None:
    import pycrdt

    fragment = doc.get(key, type=pycrdt.XmlFragment)
    pending = []
    for n in range(PARAGRAPHS_PER_ANSWER):
        text = pycrdt.XmlText()
        if n == 6:
            items = [
                pycrdt.XmlElement("listItem", {}, [pycrdt.XmlElement("paragraph", {}, [pycrdt.XmlText(s)])])
                for s in SENTENCES[:3]
            ]
            fragment.children.append(pycrdt.XmlElement("bulletList", {}, items))
            continue
        fragment.children.append(pycrdt.XmlElement("paragraph", {}, [text]))
        pending.append((text, n))
    for text, n in pending:
        body = " ".join(SENTENCES[(seed + n + i) % len(SENTENCES)] for i in range(5))
        text.insert(len(text), "Point clé : ", {"bold": {}})
        text.insert(len(text), body + " ")
        text.insert(len(text), "Ce que nous retenons.", {"italic": {}})


def seed_large(app: Any) -> int:
    """Five actions × fifteen answered questions × about two pages, through the services."""
    from datetime import timedelta

    import pycrdt

    from server.extensions import db
    from server.models import Role, User
    from server.services import accounts, actions, clock, documents, dossiers, polls
    from server.services.forms import get_template
    from tests.support import join

    with app.app_context():
        lead = accounts.create_account("lead@bench-export.example", PASSWORD, "Structure porteuse du banc d'essai")
        db.session.commit()
        dossier = dossiers.create_dossier(lead, "Grand dossier de banc d'essai", "Association du banc d'essai")
        action_ids = [actions.add_action(dossier.id, f"Action n° {n} du grand dossier").id for n in range(1, 6)]
        dossier_id, lead_id = dossier.id, lead.id
        template = get_template(dossier.template_id, dossier.template_version)
        assert template is not None
        keys = [q.key for q in template.questions][:15]
    voters = [lead_id]
    for i in range(3):
        voters.append(join(app, dossier_id, lead_id, Role.PARTNER, f"Partenaire {i}", f"p{i}@bench-export.example"))
        voters.append(join(app, dossier_id, lead_id, Role.BENEFICIARY, f"Habitant {i}"))
        join(app, dossier_id, lead_id, Role.OBSERVER, f"Observateur {i}")
    with app.app_context():
        for index, action_id in enumerate(action_ids):
            for q, key in enumerate(keys):
                ref = documents.DocumentRef(dossier_id, documents.action_document(action_id))
                doc = pycrdt.Doc()
                _answer_update(doc, key, index + q)
                documents.append([(ref, voters[(index + q) % len(voters)], doc.get_update())])
            db.session.commit()
        poll = polls.open_poll(
            dossier_id,
            db.session.get(User, lead_id),
            closes_at=clock.now() + timedelta(days=7),
            secret=False,
            adopt_on_close=True,
        )
        for n, voter in enumerate(voters):
            ranking = action_ids[n % 5 :] + action_ids[: n % 5]
            polls.cast_ballot(dossier_id, poll.id, db.session.get(User, voter), [[a] for a in ranking])
        polls.close_poll(dossier_id, poll.id, db.session.get(User, lead_id), "lead")
        db.session.remove()
    return dossier_id


def timed(call: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return result, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def pages_of(data: bytes) -> int:
    try:
        from pypdf import PdfReader
    except ImportError:
        return data.count(b"/Type /Page\n") or data.count(b"/Type/Page")
    return len(PdfReader(io.BytesIO(data)).pages)


def measure(app: Any, dossier_id: int, runs: int) -> dict[str, Any]:
    from server.extensions import db
    from server.models import Dossier
    from server.services import export

    row: dict[str, Any] = {}
    with app.app_context():
        for fmt in ("docx", "pdf"):
            walls, cpus, size, data = [], [], 0, b""
            for _ in range(runs):
                db.session.expire_all()
                dossier = db.session.get(Dossier, dossier_id)
                file, wall, cpu = timed(lambda d=dossier, f=fmt: export.dossier_file(d, f))
                walls.append(wall)
                cpus.append(cpu)
                data, size = file.data, len(file.data)
            row[fmt] = {
                "wall_ms": statistics.median(walls),
                "cpu_ms": statistics.median(cpus),
                "min_wall_ms": min(walls),
                "bytes": size,
            }
            if fmt == "pdf":
                row["pages"] = pages_of(data)
        db.session.remove()
    return row


def cold_pdf(app: Any, dossier_id: int) -> tuple[float, float]:
    """The first PDF of the process: includes loading the embedded fonts."""
    from server.extensions import db
    from server.models import Dossier
    from server.services import export

    with app.app_context():
        _, wall, cpu = timed(lambda: export.dossier_file(db.session.get(Dossier, dossier_id), "pdf"))
        db.session.remove()
    return wall, cpu


def profile(app: Any, dossier_id: int, fmt: str, top: int) -> str:
    from server.extensions import db
    from server.models import Dossier
    from server.services import export

    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        profiler = cProfile.Profile()
        profiler.enable()
        export.dossier_file(dossier, fmt)  # type: ignore[arg-type]
        profiler.disable()
        db.session.remove()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per dossier and format (median)")
    parser.add_argument("--only", choices=("demo", "large"), help="one dossier only")
    parser.add_argument("--profile", choices=("docx", "pdf"), help="print the cProfile top entries of one export")
    parser.add_argument("--top", type=int, default=25, help="how many profile entries")
    args = parser.parse_args(argv)
    if not 1 <= args.runs <= 50:
        parser.error("--runs is between 1 and 50")

    folder = Path(tempfile.mkdtemp(prefix="codossier-bench-export-"))
    try:
        app = make_app(folder)
        migrate(app)
        dossiers = {}
        print("building the dossiers through the services…", file=sys.stderr)
        if args.only in (None, "demo"):
            dossiers["demo"] = seed_demo(app)
        if args.only in (None, "large"):
            dossiers["large"] = seed_large(app)
        first = next(iter(dossiers.values()))
        cold_wall, cold_cpu = cold_pdf(app, first)
        results = {name: measure(app, dossier_id, args.runs) for name, dossier_id in dossiers.items()}

        print(f"\nExport time, median of {args.runs} runs (ms; wall-clock / CPU). Load average: {load_average()}")
        print(
            f"{'dossier':8} {'pages':>5} {'DOCX wall':>10} {'DOCX cpu':>9} {'PDF wall':>10} {'PDF cpu':>9} "
            f"{'DOCX kB':>8} {'PDF kB':>8}"
        )
        for name, row in results.items():
            print(
                f"{name:8} {row['pages']:>5} {row['docx']['wall_ms']:>10.0f} {row['docx']['cpu_ms']:>9.0f} "
                f"{row['pdf']['wall_ms']:>10.0f} {row['pdf']['cpu_ms']:>9.0f} "
                f"{row['docx']['bytes'] / 1024:>8.0f} {row['pdf']['bytes'] / 1024:>8.0f}"
            )
        print(f"first PDF of the process (fonts loaded): {cold_wall:.0f} ms wall / {cold_cpu:.0f} ms CPU")
        if "demo" in results:
            demo = results["demo"]
            slowest = max(demo["docx"]["wall_ms"], demo["pdf"]["wall_ms"])
            verdict = "met" if slowest < 2000 else "MISSED"
            print(
                f"target < 2 s for the demo dossier: {verdict} (slowest format {slowest:.0f} ms wall, "
                f"{max(demo['docx']['cpu_ms'], demo['pdf']['cpu_ms']):.0f} ms CPU)"
            )
        if args.profile:
            print(f"\ncProfile of one {args.profile.upper()} export of the {next(iter(dossiers))} dossier:")
            print(profile(app, first, args.profile, args.top))
        with app.app_context():
            from server.extensions import db

            db.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

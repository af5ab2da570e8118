"""Prepare a database for the live co-editing benchmark, through Codossier's own services.

    .venv/bin/python bench/prepare.py build --database-url sqlite:////tmp/x/bench.sqlite3 \
        --data-dir /tmp/x --secret-key KEY --editors 50 --observers 10 --prefill 10000 --out /tmp/x/world.json
    .venv/bin/python bench/prepare.py compact --world /tmp/x/world.json

``build`` migrates the database (Alembic), creates one draft dossier with one
action (the fan-out document), a lead, ``editors - 1`` more editing members
(partners and beneficiaries, alternately) and ``observers`` observers, all
through the services (accounts, dossiers, actions, invitations). With
``--prefill N`` it also creates a second action whose document gets N small
logged updates (a few characters typed at a time by several authors, as
TipTap would) appended with ``documents.append`` and committed; ``--compact``
then folds them with ``documents.compact``.

It writes a JSON file: the server's base URL placeholder, the dossier id, the
document names, and one signed session cookie per member (made by a Flask test
client of an app with the same SECRET_KEY). ``compact`` folds the prefilled
document's log into its snapshot (the same service call the relay makes), and
prints how long it took.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sys
import time
from pathlib import Path
from typing import Any

# The code under test: this repository, or a tree exported by `run.py --commit`.
ROOT = Path(os.environ.get("CODOSSIER_BENCH_TREE") or Path(__file__).resolve().parent.parent)
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "bench password not secret"
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
COOKIE = "codossier_session"
QUESTIONS = ("objectifs", "descriptif", "public_beneficiaire", "methodes_moyens", "calendrier")
WORDS = [
    "le",
    "jardin",
    "partagé",
    "accueille",
    "les",
    "habitants",
    "du",
    "quartier",
    "chaque",
    "samedi",
    "matin",
    "pour",
    "cultiver",
    "ensemble",
    "des",
    "légumes",
    "et",
    "apprendre",
    "à",
    "cuisiner",
    "les",
    "récoltes",
    "avec",
    "les",
    "bénévoles",
    "de",
    "l'association",
]


def make_app(database_url: str, data_dir: Path, secret_key: str) -> Any:
    from server import create_app

    return create_app(
        SQLALCHEMY_DATABASE_URI=database_url,
        DATA_DIR=data_dir,
        SECRET_KEY=secret_key,
        ARGON2_PARAMETERS=CHEAP_ARGON2,
        ASYNC_MODE="threading",
        REDIS_URL=None,
        RATELIMIT_STORAGE_URI="memory://",
    )


def migrate(app: Any) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def session_cookie(app: Any, user_id: int) -> str:
    """The signed Flask session cookie of a logged-in user, as the browser would hold it."""
    from tests.support import log_in, open_login

    token = open_login(app, user_id)
    client = app.test_client()
    with client.session_transaction() as session:
        log_in(session, user_id, token)
    cookie = client.get_cookie(COOKIE)
    if cookie is None:
        raise RuntimeError(f"no {COOKIE} cookie was set")
    return str(cookie.value)


def build_world(app: Any, editors: int, observers: int, spares: int = 0) -> dict[str, Any]:
    """The dossier, its members and the fan-out action; ``spares`` more empty actions, whose documents
    let a scenario give each of its windows a document as fresh as the first one's."""
    from server.extensions import db
    from server.models import Role
    from server.services import accounts, actions, dossiers
    from tests.support import join

    if editors < 1:
        raise SystemExit("at least one editor (the lead) is needed")
    with app.app_context():
        lead = accounts.create_account("lead@bench.example", PASSWORD, "Bench Lead")
        db.session.commit()
        dossier = dossiers.create_dossier(lead, "Bench dossier", "Bench structure")
        action = actions.add_action(dossier.id, "Fan-out action")
        dossier_id, action_id, lead_id = dossier.id, action.id, lead.id
        spare_ids = [actions.add_action(dossier.id, f"Spare action {i + 1}").id for i in range(spares)]
    members: list[dict[str, Any]] = [{"user_id": lead_id, "role": "lead", "name": "Bench Lead"}]
    for i in range(1, editors):
        if i % 2:
            name = f"Partner {i}"
            uid = join(app, dossier_id, lead_id, Role.PARTNER, name, f"partner{i}@bench.example")
            members.append({"user_id": uid, "role": "partner", "name": name})
        else:
            name = f"Beneficiary {i}"
            uid = join(app, dossier_id, lead_id, Role.BENEFICIARY, name, None)
            members.append({"user_id": uid, "role": "beneficiary", "name": name})
    for i in range(observers):
        name = f"Observer {i}"
        uid = join(app, dossier_id, lead_id, Role.OBSERVER, name, None)
        members.append({"user_id": uid, "role": "observer", "name": name})
    for member in members:
        member["cookie"] = session_cookie(app, member["user_id"])
    from server.services.documents import action_document

    return {
        "dossier_id": dossier_id,
        "action_id": action_id,
        "document": action_document(action_id),
        "spare_documents": [action_document(spare) for spare in spare_ids],
        "editors": [m for m in members if m["role"] != "observer"],
        "observers": [m for m in members if m["role"] == "observer"],
    }


def typing_updates(count: int, authors: int, seed: int = 7) -> list[tuple[int, bytes]]:
    """``count`` small Yjs updates as TipTap would send them: a few characters at a time,
    by several authors (each its own Yjs client), into paragraphs of a few question fragments.

    Returns (author index, update) pairs in the order they were made.
    """
    import pycrdt

    rng = random.Random(seed)
    docs = [pycrdt.Doc(client_id=1000 + a) for a in range(authors)]
    truth = pycrdt.Doc(client_id=999)
    out: list[tuple[int, bytes]] = []
    for _ in range(count):
        a = rng.randrange(authors)
        doc = docs[a]
        doc.apply_update(truth.get_update(doc.get_state()))  # catch up with the others' edits
        fragment = doc.get(rng.choice(QUESTIONS), type=pycrdt.XmlFragment)
        before = doc.get_state()
        paragraphs = list(fragment.children)
        if not paragraphs or rng.random() < 0.02:
            paragraph = fragment.children.append(pycrdt.XmlElement("paragraph"))
            text = paragraph.children.append(pycrdt.XmlText())
        else:
            paragraph = rng.choice(paragraphs)
            text = next(iter(paragraph.children))
        length = len(text)
        position = length if rng.random() < 0.8 else rng.randrange(length + 1)
        word = rng.choice(WORDS)
        piece = word[: rng.randint(1, min(4, len(word)))] if rng.random() < 0.7 else word + " "
        text.insert(position, piece)
        update = doc.get_update(before)
        truth.apply_update(update)
        out.append((a, update))
    return out


def prefill(app: Any, world: dict[str, Any], count: int, authors: int, chunk: int = 500) -> dict[str, Any]:
    """Create the long document's action and append ``count`` logged updates to it."""
    from server.extensions import db
    from server.services import actions, documents

    with app.app_context():
        action = actions.add_action(world["dossier_id"], "Long action")
        action_id = action.id
        ref = documents.resolve(world["dossier_id"], documents.action_document(action.id))
        author_ids = [m["user_id"] for m in world["editors"][: max(1, authors)]]
        started = time.perf_counter()
        updates = typing_updates(count, len(author_ids))
        generated = time.perf_counter() - started
        for start in range(0, len(updates), chunk):
            documents.append([(ref, author_ids[a], data) for a, data in updates[start : start + chunk]])
            db.session.commit()
        stored = log_length(ref)
        total_bytes = sum(len(data) for _, data in updates)
        state_bytes = len(documents.stored_state(ref))
    return {
        "long_action_id": action_id,
        "long_document": ref.name,
        "prefill_updates": count,
        "prefill_logged": stored,
        "prefill_bytes": total_bytes,
        "prefill_state_bytes": state_bytes,
        "prefill_authors": len(author_ids),
        "prefill_generate_s": round(generated, 3),
    }


def log_length(ref: Any) -> int:
    """Rows still in the document's update log."""
    from sqlalchemy import func, select

    from server.extensions import db
    from server.models.document import DocumentUpdate

    return int(
        db.session.scalar(
            select(func.count())
            .select_from(DocumentUpdate)
            .where(DocumentUpdate.dossier_id == ref.dossier_id, DocumentUpdate.document == ref.name)
        )
        or 0
    )


def compact(app: Any, dossier_id: int, document: str) -> dict[str, Any]:
    from server.extensions import db
    from server.models.document import DocumentSnapshot
    from server.services import documents

    with app.app_context():
        ref = documents.resolve(dossier_id, document)
        started = time.perf_counter()
        folded = documents.compact(ref)
        seconds = time.perf_counter() - started
        snapshot = db.session.get(DocumentSnapshot, (dossier_id, document))
        return {
            "folded": folded,
            "compact_ms": round(seconds * 1000, 1),
            "snapshot_bytes": len(snapshot.data) if snapshot else 0,
            "log_after": log_length(ref),
        }


def _cmd_build(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    database_url = args.database_url or os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'bench.sqlite3'}"
    secret_key = args.secret_key or os.environ.get("SECRET_KEY") or secrets.token_urlsafe(32)
    app = make_app(database_url, data_dir, secret_key)
    started = time.perf_counter()
    migrate(app)
    world = build_world(app, args.editors, args.observers, args.spare_documents)
    world.update(
        {
            "base_url": args.base_url,
            "database_url": database_url,
            "data_dir": str(data_dir),
            "secret_key": secret_key,
            "cookie_name": COOKIE,
        }
    )
    if args.prefill:
        world.update(prefill(app, world, args.prefill, args.authors))
        if args.compact:
            world["compaction"] = compact(app, world["dossier_id"], world["long_document"])
    world["prepare_s"] = round(time.perf_counter() - started, 2)
    with app.app_context():
        from server.extensions import db

        db.engine.dispose()
    text = json.dumps(world, indent=2)
    if args.out:
        Path(args.out).write_text(text)
    else:
        print(text)
    return 0


def _cmd_compact(args: argparse.Namespace) -> int:
    world = json.loads(Path(args.world).read_text())
    document = args.document or world["long_document"]
    app = make_app(world["database_url"], Path(world["data_dir"]), world["secret_key"])
    result = compact(app, world["dossier_id"], document)
    with app.app_context():
        from server.extensions import db

        db.engine.dispose()
    print(json.dumps(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="migrate, create the dossier and members, write the world JSON")
    build.add_argument("--database-url", help="default: DATABASE_URL, else SQLite in --data-dir")
    build.add_argument("--data-dir", default="/tmp/codossier-bench")
    build.add_argument("--secret-key", help="default: SECRET_KEY, else a random key (written to the JSON)")
    build.add_argument("--base-url", default="http://127.0.0.1:PORT", help="placeholder written to the JSON")
    build.add_argument("--editors", type=int, default=50, help="editing members, the lead included")
    build.add_argument("--observers", type=int, default=10)
    build.add_argument("--spare-documents", type=int, default=0, help="more empty actions, for fresh windows")
    build.add_argument("--prefill", type=int, default=0, help="logged updates in a second action's document")
    build.add_argument("--authors", type=int, default=5, help="authors of the prefilled updates")
    build.add_argument("--compact", action="store_true", help="compact the prefilled document afterwards")
    build.add_argument("--out", help="the world JSON file (default: stdout)")
    build.set_defaults(run=_cmd_build)
    fold = commands.add_parser("compact", help="compact a document of a prepared database")
    fold.add_argument("--world", required=True)
    fold.add_argument("--document", help="default: the prefilled document")
    fold.set_defaults(run=_cmd_compact)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())

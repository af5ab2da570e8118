"""The submission package: stored at submission, re-downloaded byte for byte; the receipt verified by the CLI.

The dossier goes through the services (answers in the CRDT, an adopted order,
freeze, final approval, submit), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import docx
import pytest
from flask import Flask
from pypdf import PdfReader

from server.cli import main as cli_main
from server.extensions import db
from server.services import clock, decisions, lifecycle, register
from server.services.decision_rules import Choice, Rule
from tests.support import DossierWorld

from .test_export import ANNEXE_B, _adopt_order, _user, action_doc, write

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["dossier.docx", "dossier.pdf", "registre.json", "recu.json", "recu.pdf"]


def _ready(world: DossierWorld) -> None:
    """Every required answer, an adopted order, frozen, the final approval adopted: not yet submitted."""
    keys = [q.key for q in ANNEXE_B.questions if q.required]
    for action_id in world.action_ids:
        write(
            world.app,
            world.dossier_id,
            action_doc(action_id),
            {k: f"Réponse « {k} » pour l'action {action_id}, accents é à ç." for k in keys},
            world.user_ids["partner"],
        )
    _adopt_order(world, list(reversed(world.action_ids)))
    with world.app.app_context():
        lead = _user("lead", world)
        approval = lifecycle.freeze(
            world.dossier_id,
            lead,
            rule=Rule.MAJORITE_SIMPLE,
            quorum_percent=50,
            closes_at=clock.now() + timedelta(days=3),
        )
        for who in ("lead", "partner", "beneficiary"):
            decisions.vote(world.dossier_id, approval.id, _user(who, world), Choice.POUR)
        decisions.close(world.dossier_id, approval.id, lead, "lead")
        db.session.remove()


@pytest.fixture
def ready(world: DossierWorld) -> DossierWorld:
    _ready(world)
    return world


@pytest.fixture
def submitted(ready: DossierWorld) -> DossierWorld:
    reply = ready.client("lead").post(ready.url("/submit"))
    assert reply.status_code == 201, reply.get_json()
    return ready


def _manifest(world: DossierWorld, who: str = "observer") -> dict:
    reply = world.client(who).get(world.url("/submission"))
    assert reply.status_code == 200, reply.get_json()
    return dict(reply.get_json())


def _get(world: DossierWorld, url: str, who: str = "beneficiary") -> bytes:
    reply = world.client(who).get(url)
    assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
    return reply.get_data()


def _file(world: DossierWorld, name: str) -> bytes:
    return _get(world, world.url(f"/submission/{name}"))


def test_before_submission_the_package_does_not_exist(ready: DossierWorld) -> None:
    for path in ("/submission", "/submission/dossier.pdf", "/submission/recu.json"):
        reply = ready.client("lead").get(ready.url(path))
        assert reply.status_code == 404, path
        assert reply.get_json()["error"]["code"] == "not_found"


def test_every_file_re_downloads_byte_identical_and_matches_its_hash(submitted: DossierWorld) -> None:
    manifest = _manifest(submitted)
    assert [f["name"] for f in manifest["files"]] == NAMES
    assert manifest["receipt"]["format"] == "codossier-receipt-v1"
    for entry in manifest["files"]:
        first = _get(submitted, entry["url"], "observer")
        second = _get(submitted, entry["url"], "lead")
        assert first == second
        assert len(first) == entry["size"]
        assert hashlib.sha256(first).hexdigest() == entry["sha256"]
        reply = submitted.client("partner").get(entry["url"])
        assert reply.mimetype == entry["mimetype"]
        assert reply.headers["Content-Disposition"].startswith(f'attachment; filename="{entry["name"]}"')
        assert reply.headers["X-Content-SHA256"] == entry["sha256"]
    assert _manifest(submitted, "lead") == manifest
    assert submitted.client("lead").get(submitted.url("/submission/autre.pdf")).status_code == 404


def test_the_package_is_the_submitted_dossier(submitted: DossierWorld) -> None:
    receipt = _manifest(submitted)["receipt"]
    document = docx.Document(io.BytesIO(_file(submitted, "dossier.docx")))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
        + [p.text for s in document.sections for p in s.header.paragraphs + s.footer.paragraphs]
    )
    assert "BROUILLON" not in text
    assert "accents é à ç" in text
    assert receipt["content_hash"] in text

    pdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(_file(submitted, "dossier.pdf"))).pages)
    assert "BROUILLON" not in pdf_text
    assert "accents é à ç" in pdf_text

    assert json.loads(_file(submitted, "recu.json")) == receipt
    with submitted.app.app_context():
        stored = lifecycle.submission(submitted.dossier_id).receipt
    assert _file(submitted, "recu.json") == bytes(stored)

    registre = json.loads(_file(submitted, "registre.json"))
    assert registre["dossier_id"] == submitted.dossier_id
    last = registre["entries"][-1]
    assert last["kind"] == "submit"
    assert last["sequence"] == receipt["register_sequence"] == len(registre["entries"])
    assert last["hash"] == receipt["register_head"]
    assert last["content"]["content_hash"] == receipt["content_hash"]
    assert [e["sequence"] for e in registre["entries"]] == list(range(1, len(registre["entries"]) + 1))

    receipt_pdf = PdfReader(io.BytesIO(_file(submitted, "recu.pdf")))
    assert len(receipt_pdf.pages) == 1
    flat = "".join(receipt_pdf.pages[0].extract_text().split())
    assert "Récépissédedépôt" in flat
    for entry in _manifest(submitted)["files"][:4]:
        assert entry["sha256"] in flat, entry["name"]
    assert receipt["content_hash"] in flat and receipt["register_head"] in flat


def test_the_package_stays_the_same_after_the_register_grows(submitted: DossierWorld) -> None:
    before = {f["name"]: _file(submitted, f["name"]) for f in _manifest(submitted)["files"]}
    with submitted.app.app_context():
        register.record(submitted.dossier_id, "note", {"text": "après le dépôt"})
        db.session.commit()
    assert {name: _file(submitted, name) for name in before} == before


# --- codossier register verify --receipt ----------------------------------------------------


def _verify_receipt(app: Flask, path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    """``codossier register verify --receipt`` in-process, on the test's database (``cli_env``)."""
    assert os.environ["DATABASE_URL"] == app.config["SQLALCHEMY_DATABASE_URI"]
    code = cli_main(["register", "verify", *extra, "--receipt", str(path)])
    return code, capsys.readouterr().out


@pytest.fixture
def cli_env(submitted: DossierWorld, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> DossierWorld:
    monkeypatch.setenv("DATABASE_URL", submitted.app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("CODOSSIER_DATA_DIR", str(tmp_path))
    return submitted


def test_the_command_accepts_the_real_receipt(
    cli_env: DossierWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "recu.json"
    path.write_bytes(_file(cli_env, "recu.json"))
    code, out = _verify_receipt(cli_env.app, path, capsys)
    assert code == 0, out
    assert "Récépissé valide" in out and "Receipt valid" in out
    # the same file, pretty-printed, is the same receipt
    path.write_text(json.dumps(json.loads(path.read_bytes()), indent=2, ensure_ascii=False), encoding="utf-8")
    code, out = _verify_receipt(cli_env.app, path, capsys, str(cli_env.dossier_id))
    assert code == 0, out


def _other_dossier(world: DossierWorld) -> int:
    from server.services import dossiers

    with world.app.app_context():
        other = dossiers.create_dossier(_user("lead", world), "Un autre dossier", "Une autre structure")
        register.record(other.id, "note", {"text": "une entrée"})
        db.session.commit()
        other_id = other.id
        db.session.remove()
    return other_id


@pytest.mark.parametrize(
    "tamper", ["content_hash", "register_head", "dossier_id", "register_sequence", "submitted_by", "format", "not_json"]
)
def test_the_command_refuses_a_tampered_receipt(
    cli_env: DossierWorld, tmp_path: Path, tamper: str, capsys: pytest.CaptureFixture[str]
) -> None:
    receipt = json.loads(_file(cli_env, "recu.json"))
    if tamper in ("content_hash", "register_head"):
        receipt[tamper] = ("0" if receipt[tamper][0] != "0" else "1") + receipt[tamper][1:]
    elif tamper == "dossier_id":
        receipt["dossier_id"] = _other_dossier(cli_env)
    elif tamper == "register_sequence":
        receipt["register_sequence"] -= 1
    elif tamper == "submitted_by":
        receipt["submitted_by"] = "Quelqu'un d'autre"
    elif tamper == "format":
        receipt["format"] = "autre-chose-v1"
    path = tmp_path / "recu.json"
    path.write_text("{pas du json" if tamper == "not_json" else json.dumps(receipt), encoding="utf-8")
    code, out = _verify_receipt(cli_env.app, path, capsys)
    assert code == 1, out
    assert "Récépissé refusé" in out and "Receipt refused" in out


def test_the_command_refuses_a_receipt_when_the_register_was_rewritten(
    cli_env: DossierWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str], backend: str
) -> None:
    if backend == "postgresql":
        pytest.skip("PostgreSQL's trigger refuses any change to the register")
    path = tmp_path / "recu.json"
    path.write_bytes(_file(cli_env, "recu.json"))
    with cli_env.app.app_context(), db.engine.begin() as conn:
        conn.execute(db.text("UPDATE register_entries SET kind = 'note' WHERE sequence = 1"))
    code, out = _verify_receipt(cli_env.app, path, capsys)
    assert code == 1, out
    assert "Registre altéré" in out


def test_the_codossier_command_line_checks_a_receipt(cli_env: DossierWorld, tmp_path: Path) -> None:
    path = tmp_path / "recu.json"
    path.write_bytes(_file(cli_env, "recu.json"))
    command = [sys.executable, "-m", "server.cli", "register", "verify", "--receipt", str(path)]
    done = subprocess.run(command, cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Receipt valid" in done.stdout
    receipt = json.loads(path.read_bytes())
    receipt["content_hash"] = "f" * 64
    path.write_text(json.dumps(receipt), encoding="utf-8")
    done = subprocess.run(command, cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "content_hash" in done.stdout

"""The stored register: entries, verification over HTTP and from the command line, tampering detected."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from server.cli import verify_register
from server.extensions import db
from server.models import Dossier
from server.services import register, register_chain
from tests.conftest import make_app
from tests.support import DossierWorld

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def recorded(world: DossierWorld) -> Iterator[DossierWorld]:
    """Five entries, as decisions, an adopted order and a freeze would write them."""
    with world.app.app_context():
        for n, kind in enumerate(("decision", "priority_order", "decision", "freeze", "reopen"), start=1):
            register.record(world.dossier_id, kind, {"n": n, "title": f"Entrée n° {n}", "hash": "é" * n})
        db.session.commit()
    yield world


def _verify(world: DossierWorld, head: str | None = None) -> dict[str, object]:
    query = f"?head={head}" if head else ""
    reply = world.client("observer").get(world.url(f"/register/verify{query}"))
    assert reply.status_code == 200, reply.get_json()
    return dict(reply.get_json())


def _tamper(app: Flask, *statements: str) -> None:
    """Change stored rows behind the application's back (PostgreSQL's trigger bypassed as a superuser)."""
    with app.app_context(), db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for statement in statements:
            conn.execute(sa.text(statement))


def _rewrite_every_hash(app: Flask, dossier_id: int) -> None:
    """Edit entry 3's content and recompute every hash from there on: a chain consistent in itself."""
    with app.app_context():
        rows = [(r.id, r.sequence, r.kind, r.content) for r in register.rows(dossier_id)]
    updates, previous = [], register_chain.GENESIS
    for row_id, sequence, kind, content in rows:
        if sequence == 3:
            content = register_chain.canonical({"n": 3, "title": "Entrée réécrite", "hash": "x"})
        digest = register_chain.entry_hash(sequence, kind, content, previous)
        updates.append({"id": row_id, "content": content, "previous": previous, "hash": digest})
        previous = digest
    with app.app_context(), db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        conn.execute(
            sa.text(
                "UPDATE register_entries SET content = :content, previous_hash = :previous, hash = :hash WHERE id = :id"
            ),
            updates,
        )


TAMPERINGS = {
    "rewritten": (
        lambda app, dossier_id: _rewrite_every_hash(app, dossier_id),
        None,
        "the register was rewritten",
    ),
    "tail-truncated": (
        lambda app, _d: _tamper(app, "DELETE FROM register_entries WHERE sequence >= 4"),
        4,
        "entries 4 to 5 were removed from the end",
    ),
    "emptied": (
        lambda app, _d: _tamper(app, "DELETE FROM register_entries"),
        1,
        "The register is empty but 5 entries were recorded: every entry was deleted.",
    ),
}


def test_every_member_reads_and_verifies_the_register(recorded: DossierWorld) -> None:
    listed = recorded.client("beneficiary").get(recorded.url("/register")).get_json()
    assert [e["sequence"] for e in listed["entries"]] == [1, 2, 3, 4, 5]
    assert listed["entries"][0]["content"] == {"n": 1, "title": "Entrée n° 1", "hash": "é"}
    assert listed["entries"][1]["previous_hash"] == listed["entries"][0]["hash"]
    verified = _verify(recorded, listed["head"])
    assert verified["ok"] is True and verified["length"] == 5 and verified["head"] == listed["head"]
    assert recorded.client("outsider").get(recorded.url("/register/verify")).status_code == 404


def test_a_bad_head_parameter_is_a_clear_422(recorded: DossierWorld) -> None:
    reply = recorded.client("lead").get(recorded.url("/register/verify?head=xyz"))
    assert reply.status_code == 422 and reply.get_json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize(
    ("statements", "first_bad"),
    [
        pytest.param(
            ["UPDATE register_entries SET content = {forged_content} WHERE sequence = 3"], 3, id="edit-payload"
        ),
        pytest.param(["UPDATE register_entries SET kind = 'decision' WHERE sequence = 4"], 4, id="change-kind"),
        pytest.param(["DELETE FROM register_entries WHERE sequence = 3"], 3, id="delete-middle"),
        pytest.param(["DELETE FROM register_entries WHERE sequence = 1"], 1, id="delete-first"),
        pytest.param(
            [
                "UPDATE register_entries SET sequence = sequence + 100 WHERE sequence IN (2, 4)",
                "UPDATE register_entries SET sequence = 4 WHERE sequence = 102",
                "UPDATE register_entries SET sequence = 2 WHERE sequence = 104",
            ],
            2,
            id="reorder",
        ),
        pytest.param(
            [
                "INSERT INTO register_entries (dossier_id, sequence, kind, content, previous_hash, hash, created_at) "
                "SELECT dossier_id, 6, 'decision', content, '" + "a" * 64 + "', hash, created_at "
                "FROM register_entries WHERE sequence = 5"
            ],
            6,
            id="insert-forged",
        ),
    ],
)
def test_tampering_with_stored_rows_is_detected_and_named(
    recorded: DossierWorld, backend: str, statements: list[str], first_bad: int
) -> None:
    # entry 3 claims n = 4: canonical JSON, only one byte changed
    forged = '{"hash":"ééé","n":4,"title":"Entrée n° 3"}'.encode().hex()
    literal = f"X'{forged}'" if backend == "sqlite" else f"'\\x{forged}'::bytea"
    _tamper(recorded.app, *(statement.replace("{forged_content}", literal) for statement in statements))
    verified = _verify(recorded)
    assert verified["ok"] is False
    assert verified["first_bad_sequence"] == first_bad
    assert verified["problem"] and verified["problem_fr"]


@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_a_consistent_chain_that_does_not_end_at_the_anchored_head_is_broken(
    recorded: DossierWorld, tampering: str
) -> None:
    tamper, first_bad, reason = TAMPERINGS[tampering]
    head = _verify(recorded)["head"]
    tamper(recorded.app, recorded.dossier_id)
    for verified in (_verify(recorded), _verify(recorded, str(head))):
        assert verified["ok"] is False, verified
        assert verified["first_bad_sequence"] == first_bad
        assert reason in str(verified["problem"]) and verified["problem_fr"]


def test_the_anchor_moves_with_every_append(recorded: DossierWorld) -> None:
    head = _verify(recorded)["head"]
    with recorded.app.app_context():
        dossier = db.session.get(Dossier, recorded.dossier_id)
        assert dossier is not None and (dossier.register_head_sequence, dossier.register_head_hash) == (5, head)
        register.record(recorded.dossier_id, "submit", {"content_hash": "b" * 64})
        db.session.rollback()  # an append rolled back moves nothing
        dossier = db.session.get(Dossier, recorded.dossier_id)
        assert dossier is not None and dossier.register_head_sequence == 5
    assert _verify(recorded)["ok"] is True


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_concurrent_appends_chain_one_after_the_other(recorded: DossierWorld) -> None:
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            with recorded.app.app_context():
                register.record(recorded.dossier_id, "decision", {"n": n})
                db.session.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(6, 16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    verified = _verify(recorded)
    assert verified["ok"] is True and verified["length"] == 15


def test_an_earlier_receipt_stays_valid_as_the_register_grows(recorded: DossierWorld) -> None:
    head = _verify(recorded)["head"]
    with recorded.app.app_context():
        register.record(recorded.dossier_id, "submit", {"content_hash": "b" * 64})
        db.session.commit()
    assert _verify(recorded, str(head))["ok"] is True


def test_the_command_verifies_and_fails_on_tampering(
    recorded: DossierWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    assert verify_register(recorded.app, recorded.dossier_id, None) == 0
    assert "Registre intact : 5 entrées" in capsys.readouterr().out
    _tamper(recorded.app, "UPDATE register_entries SET kind = 'decision' WHERE sequence = 2")
    assert verify_register(recorded.app, recorded.dossier_id, None) == 1
    assert "Registre altéré" in capsys.readouterr().out


def test_the_codossier_command_line_runs_on_the_database(recorded: DossierWorld, backend: str) -> None:
    url = recorded.app.config["SQLALCHEMY_DATABASE_URI"]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CODOSSIER_DATA_DIR": str(Path(url.split("///")[-1]).parent) if backend == "sqlite" else "/tmp",
    }
    command = [sys.executable, "-m", "server.cli", "register", "verify", str(recorded.dossier_id)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Register intact: 5 entries" in done.stdout


def _cli(url: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    data_dir = str(Path(url.split("///")[-1]).parent) if url.startswith("sqlite") else "/tmp"
    env = {**os.environ, "DATABASE_URL": url, "CODOSSIER_DATA_DIR": data_dir}
    command = [sys.executable, "-m", "server.cli", "register", "verify", *arguments]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_the_command_line_fails_on_a_tampered_sqlite_copy(
    recorded: DossierWorld, tampering: str, tmp_path: Path
) -> None:
    tamper, _first_bad, reason = TAMPERINGS[tampering]
    original = Path(recorded.app.config["SQLALCHEMY_DATABASE_URI"].split("///")[-1])
    with recorded.app.app_context():
        db.engine.dispose()
    copy_dir = tmp_path / "copy"
    copy_dir.mkdir()
    copy = copy_dir / "codossier.sqlite3"
    shutil.copyfile(original, copy)
    tampered = make_app(f"sqlite:///{copy}", copy_dir)
    tamper(tampered, recorded.dossier_id)
    with tampered.app_context():
        db.engine.dispose()
    done = _cli(f"sqlite:///{copy}", str(recorded.dossier_id))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Register tampered with" in done.stdout and reason in done.stdout
    assert "Registre altéré" in done.stdout
    assert _cli(f"sqlite:///{original}", str(recorded.dossier_id)).returncode == 0  # the original is intact


def test_the_command_line_refuses_a_dossier_that_does_not_exist(recorded: DossierWorld) -> None:
    done = _cli(recorded.app.config["SQLALCHEMY_DATABASE_URI"], str(recorded.dossier_id + 1000))
    assert done.returncode == 1 and f"Dossier {recorded.dossier_id + 1000} does not exist." in done.stdout


def test_the_anchor_is_backfilled_by_the_migration_and_dropped_by_its_downgrade(recorded: DossierWorld) -> None:
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade, upgrade

    with recorded.app.app_context():
        config = recorded.app.extensions["migrate"].migrate.get_config()
        before = ScriptDirectory.from_config(config).get_revision("0008_register_head").down_revision
        downgrade(revision=before)
        db.session.remove()
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("dossiers")}
        assert "register_head_sequence" not in columns
        upgrade()
        db.session.remove()
    verified = _verify(recorded)
    assert verified["ok"] is True and verified["length"] == 5
    _tamper(recorded.app, "DELETE FROM register_entries WHERE sequence = 5")
    assert _verify(recorded)["ok"] is False


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_postgresql_itself_refuses_to_change_delete_or_truncate_entries(recorded: DossierWorld) -> None:
    for statement in (
        "UPDATE register_entries SET kind = 'x' WHERE sequence = 1",
        "DELETE FROM register_entries WHERE sequence = 1",
        "TRUNCATE register_entries",
        "TRUNCATE dossiers CASCADE",
    ):
        with (
            pytest.raises(sa.exc.DBAPIError, match="append-only"),
            recorded.app.app_context(),
            db.engine.begin() as conn,
        ):
            conn.execute(sa.text(statement))
    assert _verify(recorded)["ok"] is True

"""The stored register: entries, verification over HTTP and from the command line, tampering detected."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from server.cli import verify_register
from server.extensions import db
from server.services import register
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
        pytest.param(["UPDATE register_entries SET content = {forged_content} WHERE sequence = 3"], 3, id="edit-payload"),
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


def test_a_truncated_tail_is_detected_with_the_head_of_a_receipt(recorded: DossierWorld) -> None:
    head = _verify(recorded)["head"]
    _tamper(recorded.app, "DELETE FROM register_entries WHERE sequence >= 4")
    assert _verify(recorded)["ok"] is True  # a shorter chain is consistent in itself ...
    assert _verify(recorded, str(head))["ok"] is False  # ... but the receipt's head is gone


def test_an_earlier_receipt_stays_valid_as_the_register_grows(recorded: DossierWorld) -> None:
    head = _verify(recorded)["head"]
    with recorded.app.app_context():
        register.record(recorded.dossier_id, "submit", {"content_hash": "b" * 64})
        db.session.commit()
    assert _verify(recorded, str(head))["ok"] is True


def test_the_command_verifies_and_fails_on_tampering(recorded: DossierWorld, capsys: pytest.CaptureFixture[str]) -> None:
    assert verify_register(recorded.app, recorded.dossier_id, None) == 0
    assert "Registre intact : 5 entrées" in capsys.readouterr().out
    _tamper(recorded.app, "UPDATE register_entries SET kind = 'decision' WHERE sequence = 2")
    assert verify_register(recorded.app, recorded.dossier_id, None) == 1
    assert "Registre altéré" in capsys.readouterr().out


def test_the_codossier_command_line_runs_on_the_database(recorded: DossierWorld, backend: str) -> None:
    url = recorded.app.config["SQLALCHEMY_DATABASE_URI"]
    env = {**os.environ, "DATABASE_URL": url, "CODOSSIER_DATA_DIR": str(Path(url.split("///")[-1]).parent) if backend == "sqlite" else "/tmp"}
    command = [sys.executable, "-m", "server.cli", "register", "verify", str(recorded.dossier_id)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Register intact: 5 entries" in done.stdout


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_postgresql_itself_refuses_to_change_or_delete_an_entry(recorded: DossierWorld) -> None:
    for statement in (
        "UPDATE register_entries SET kind = 'x' WHERE sequence = 1",
        "DELETE FROM register_entries WHERE sequence = 1",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), recorded.app.app_context(), db.engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert _verify(recorded)["ok"] is True

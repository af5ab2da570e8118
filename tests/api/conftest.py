"""Helpers shared by the HTTP API tests: the error shape, a frozen dossier, a moved clock,
and a second app on the same database with other settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from server.extensions import db
from server.models import Dossier
from server.services import clock
from tests.conftest import make_app


def assert_error(response: TestResponse, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """The reply is the API's JSON error with this status and code (and a detail naming ``field``)."""
    text = response.get_data(as_text=True)
    assert response.status_code == status, text
    assert response.mimetype == "application/json", text
    assert "Traceback" not in text and "<html" not in text.lower()
    body = response.get_json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert set(error) <= {"code", "message", "details"}, error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"], error
    if field is not None:
        fields = [detail["field"] for detail in error.get("details") or []]
        assert field in fields, error
    return dict(error)


def token_of(invitation: dict[str, Any]) -> str:
    """The token of an Invitation reply (its url is "/join/<token>")."""
    url = str(invitation["url"])
    assert url.startswith("/join/"), url
    return url.removeprefix("/join/")


def set_dossier_state(app: Flask, dossier_id: int, state: str) -> None:
    """Move a dossier to another lifecycle state directly in the database."""
    with app.app_context():
        db.session.execute(sa.update(Dossier).where(Dossier.id == dossier_id).values(state=state))
        db.session.commit()
        db.session.remove()


@pytest.fixture
def move_clock() -> Callable[[timedelta], datetime]:
    """Put the server's clock ``delta`` ahead of the real time; returns the new "now".

    The ``app`` fixture restores the system clock afterwards.
    """

    def move(delta: timedelta) -> datetime:
        moved = datetime.now(UTC) + delta
        clock.set_source(lambda: datetime.now(UTC) + delta)
        return moved

    return move


@pytest.fixture
def sibling_app(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build another app on the database of a given app, with other settings."""
    built: list[Flask] = []

    def build(app: Flask, **overrides: Any) -> Flask:
        folder = tmp_path / f"sibling-{len(built)}"
        folder.mkdir()
        sibling = make_app(app.config["SQLALCHEMY_DATABASE_URI"], folder, **overrides)
        built.append(sibling)
        return sibling

    yield build
    for sibling in built:
        with sibling.app_context():
            db.session.remove()
            db.engine.dispose()

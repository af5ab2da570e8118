"""Security headers on every response: API replies (success and error), pages, static files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from server.extensions import db
from tests.conftest import make_app
from tests.support import ApiClient

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self' ws://localhost wss://localhost",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
REQUESTS = [
    ("GET", "/api/health", 200),
    ("GET", "/api/auth/session", 200),
    ("GET", "/api/openapi.json", 200),
    ("GET", "/api/dossiers", 401),
    ("POST", "/api/dossiers", 403),  # no CSRF token
    ("GET", "/api/dossiers/1", 401),
    ("GET", "/api/nope", 404),
    ("DELETE", "/api/auth/session", 405),
    ("GET", "/", 200),
    ("GET", "/login", 200),
    ("GET", "/dossiers/1/actions/2", 200),
    ("GET", "/assets/app.js", 200),
]


def policy(header: str) -> dict[str, str]:
    directives = [part.strip().split(" ", 1) for part in header.split(";") if part.strip()]
    return {name: value for name, value in directives}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Flask]:
    """An app with a built client in a temporary folder (pages touch no database)."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>Codossier</title><script src=/assets/app.js></script>")
    (dist / "assets" / "app.js").write_text("console.log('codossier');\n")
    folder = tmp_path / "app"
    folder.mkdir()
    app = make_app(f"sqlite:///{folder / 'unused.sqlite3'}", folder, CLIENT_DIST=dist)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(("method", "path", "status"), REQUESTS, ids=lambda value: str(value))
def test_every_response_carries_the_security_headers(served: Flask, method: str, path: str, status: int) -> None:
    reply = ApiClient(served).request(method, path, csrf=False)

    assert reply.status_code == status, reply.get_data(as_text=True)
    assert policy(reply.headers["Content-Security-Policy"]) == EXPECTED_CSP
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "same-origin"
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in reply.headers  # cookies are not marked Secure here


def test_api_replies_on_each_database_carry_them(client: ApiClient) -> None:
    reply = client.get("/api/health")

    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"]


def test_hsts_is_sent_when_cookies_are_secure(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'unused.sqlite3'}", tmp_path, SESSION_COOKIE_SECURE=True)
    try:
        for path in ("/api/health", "/api/nope", "/login"):
            reply = app.test_client().get(path)
            assert reply.headers["Strict-Transport-Security"] == "max-age=31536000", path
    finally:
        with app.app_context():
            db.engine.dispose()


def test_a_strange_host_header_does_not_reach_the_policy(served: Flask) -> None:
    reply = served.test_client().get("/api/health", headers={"Host": "evil; script-src *"})

    assert policy(reply.headers["Content-Security-Policy"])["connect-src"] == "'self'"
    assert "script-src *" not in reply.headers["Content-Security-Policy"]

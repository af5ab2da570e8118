"""Health, the OpenAPI document, and the pages served from the built client."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from server.extensions import db
from tests.conftest import make_app
from tests.support import ApiClient

from .conftest import assert_error

API_DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
INDEX_HTML = "<!doctype html><title>Codossier</title><div id=app></div><script src=/assets/app.js></script>"
APP_JS = "console.log('codossier');\n"
PAGES = ["/", "/login", "/dossiers/1", "/join/abc", "/dossiers/12/actions/3"]


def documented_routes() -> list[tuple[str, str]]:
    """(method, path) of every row of the routes table of docs/api.md."""
    rows = re.findall(r"^\| (GET|POST|PUT|PATCH|DELETE) \| (/api/\S+) \|", API_DOC.read_text(encoding="utf-8"), re.M)
    assert len(rows) >= 20, "the routes table of docs/api.md was not found"
    return rows


def _shape(path: str) -> str:
    """A path with its parameters unnamed: /api/dossiers/{id} and /api/dossiers/{dossier_id} match."""
    return re.sub(r"\{[^}]*\}", "{}", path)


# --- health ---------------------------------------------------------------------------------


def test_health_reports_ok_and_the_database_in_use(client: ApiClient, backend: str) -> None:
    reply = client.get("/api/health")

    assert reply.status_code == 200
    assert reply.get_json() == {"status": "ok", "database": backend}


# --- the OpenAPI document ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def openapi_document(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    folder = tmp_path_factory.mktemp("openapi")
    app = make_app(f"sqlite:///{folder / 'unused.sqlite3'}", folder)
    reply = ApiClient(app).get("/api/openapi.json")
    assert reply.status_code == 200
    assert reply.mimetype == "application/json"
    yield reply.get_json()
    with app.app_context():
        db.engine.dispose()


def test_the_openapi_document_is_openapi_3(openapi_document: dict[str, object]) -> None:
    assert str(openapi_document["openapi"]).startswith("3.")
    assert openapi_document["paths"]


@pytest.mark.parametrize(("method", "path"), documented_routes(), ids=lambda value: str(value))
def test_the_openapi_document_lists_every_documented_route(
    openapi_document: dict[str, object], method: str, path: str
) -> None:
    paths = openapi_document["paths"]
    assert isinstance(paths, dict)
    by_shape = {_shape(p): {m.upper() for m in operations} for p, operations in paths.items()}

    assert _shape(path) in by_shape, f"{path} is missing from the OpenAPI document"
    assert method in by_shape[_shape(path)]


# --- the built client ---------------------------------------------------------------------------------


@pytest.fixture
def app_serving(tmp_path: Path) -> Iterator[Callable[[Path], Flask]]:
    """An app whose CLIENT_DIST is the given folder (pages touch no database)."""
    built: list[Flask] = []

    def build(dist: Path) -> Flask:
        app = make_app(f"sqlite:///{tmp_path / 'unused.sqlite3'}", tmp_path, CLIENT_DIST=dist)
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def built_client(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX_HTML, encoding="utf-8")
    (dist / "assets" / "app.js").write_text(APP_JS, encoding="utf-8")
    return dist


@pytest.mark.parametrize("path", PAGES)
def test_every_page_path_gets_the_clients_index_html(
    app_serving: Callable[[Path], Flask], built_client: Path, path: str
) -> None:
    reply = app_serving(built_client).test_client().get(path)

    assert reply.status_code == 200
    assert reply.mimetype == "text/html"
    assert reply.get_data(as_text=True) == INDEX_HTML


def test_a_client_file_is_served_as_itself(app_serving: Callable[[Path], Flask], built_client: Path) -> None:
    reply = app_serving(built_client).test_client().get("/assets/app.js")

    assert reply.status_code == 200
    assert reply.mimetype in ("text/javascript", "application/javascript")
    assert reply.get_data(as_text=True) == APP_JS


def test_api_paths_stay_json_when_the_client_is_built(app_serving: Callable[[Path], Flask], built_client: Path) -> None:
    reply = app_serving(built_client).test_client().get("/api/nope")

    assert_error(reply, 404, "not_found")


@pytest.mark.parametrize("path", PAGES)
def test_pages_say_the_client_is_not_built_when_its_folder_is_empty(
    app_serving: Callable[[Path], Flask], tmp_path: Path, path: str
) -> None:
    empty = tmp_path / "empty-dist"
    empty.mkdir()

    reply = app_serving(empty).test_client().get(path)

    assert reply.status_code == 503
    assert reply.mimetype == "text/html"
    text = reply.get_data(as_text=True)
    assert "The client is not built yet" in text
    assert "npm --prefix client run build" in text

"""Serves the built client: its files, and index.html for every other page path."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, send_from_directory
from werkzeug.routing import PathConverter

bp = Blueprint("web", __name__)


class PagePathConverter(PathConverter):
    """Any path outside /api: unknown API paths stay 404 and wrong methods 405."""

    regex = r"(?!api(?:/|$))[^/].*?"


def register(app: Flask) -> None:
    app.url_map.converters["page"] = PagePathConverter
    app.register_blueprint(bp)


NOT_BUILT = """<!doctype html><html lang="fr"><meta charset="utf-8"><title>Codossier</title>
<p>L'interface n'est pas encore construite : lancez <code>npm --prefix client run build</code>.</p>
<p lang="en">The client is not built yet: run <code>npm --prefix client run build</code>.</p></html>"""


def _dist() -> Path:
    return Path(current_app.config["CLIENT_DIST"])


@bp.get("/", defaults={"path": ""})
@bp.get("/<page:path>")
def client(path: str) -> Response:
    dist = _dist()
    if path and (dist / path).is_file():
        response = send_from_directory(dist, path)
        if path.startswith("assets/"):
            response.cache_control.max_age = 31536000
            response.cache_control.immutable = True
        return response
    if not (dist / "index.html").is_file():
        return Response(NOT_BUILT, status=503, mimetype="text/html")
    response = send_from_directory(dist, "index.html")
    response.cache_control.no_cache = True
    return response

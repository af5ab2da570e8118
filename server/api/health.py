"""Liveness, which database is in use, and the OpenAPI document."""

from __future__ import annotations

from flask import Response as HttpResponse
from flask import jsonify
from spectree import Response
from sqlalchemy import text

from ..extensions import db, spec
from . import bp
from .openapi import complete
from .schemas import HealthOut


@bp.get("/health")
@spec.validate(resp=Response(HTTP_200=HealthOut), tags=["meta"])
def health() -> HealthOut:
    db.session.execute(text("SELECT 1"))
    return HealthOut(status="ok", database=db.engine.dialect.name)


@bp.get("/openapi.json")
@spec.validate(tags=["meta"])
def openapi() -> HttpResponse:
    """The OpenAPI 3 document, generated from the routes' pydantic models."""
    return jsonify(complete(spec.spec))

"""Downloads: the dossier in DOCX and PDF, and the minutes (procès-verbal) of a decision.

Everyone who can read the dossier can export it. The file is produced by the
server from its own data (the CRDT, the votes, the register), never from
anything the browser sends.
"""

from __future__ import annotations

from flask import Response as FlaskResponse
from spectree import Response

from ..extensions import spec
from ..services import decisions, export
from ..services.export import ExportFile, Format
from ..services.policy import Capability
from . import bp
from .access import require_member
from .dossiers import ERRORS
from .polls import catch_up
from .schemas import ErrorReply

MINUTES_ERRORS = ERRORS | {"HTTP_409": ErrorReply}


def download(file: ExportFile) -> FlaskResponse:
    reply = FlaskResponse(file.data, mimetype=file.mimetype)
    reply.headers["Content-Disposition"] = file.content_disposition
    reply.headers["Cache-Control"] = "no-store"
    reply.headers["X-Content-Type-Options"] = "nosniff"
    return reply


def _dossier(dossier_id: int, fmt: Format) -> FlaskResponse:
    viewer = require_member(dossier_id, Capability.READ)
    catch_up(dossier_id)
    return download(export.dossier_file(viewer.dossier, fmt))


def _minutes(dossier_id: int, decision_id: int, fmt: Format) -> FlaskResponse:
    viewer = require_member(dossier_id, Capability.READ)
    catch_up(dossier_id)
    found = decisions.decision(dossier_id, decision_id)
    return download(export.minutes_file(viewer.dossier, found, fmt))


@bp.get("/dossiers/<int:dossier_id>/export.docx")
@spec.validate(resp=Response(HTTP_200=None, **ERRORS), tags=["export"])
def export_docx(dossier_id: int) -> FlaskResponse:
    """The dossier as a Word document (cover, Annexe B per action in priority order, annexes)."""
    return _dossier(dossier_id, "docx")


@bp.get("/dossiers/<int:dossier_id>/export.pdf")
@spec.validate(resp=Response(HTTP_200=None, **ERRORS), tags=["export"])
def export_pdf(dossier_id: int) -> FlaskResponse:
    """The dossier as a PDF (A4, fonts embedded, hashes in every page footer)."""
    return _dossier(dossier_id, "pdf")


@bp.get("/dossiers/<int:dossier_id>/decisions/<int:decision_id>/minutes.docx")
@spec.validate(resp=Response(HTTP_200=None, **MINUTES_ERRORS), tags=["export"])
def minutes_docx(dossier_id: int, decision_id: int) -> FlaskResponse:
    """The procès-verbal of a closed decision, as a Word document."""
    return _minutes(dossier_id, decision_id, "docx")


@bp.get("/dossiers/<int:dossier_id>/decisions/<int:decision_id>/minutes.pdf")
@spec.validate(resp=Response(HTTP_200=None, **MINUTES_ERRORS), tags=["export"])
def minutes_pdf(dossier_id: int, decision_id: int) -> FlaskResponse:
    """The procès-verbal of a closed decision, as a PDF."""
    return _minutes(dossier_id, decision_id, "pdf")

"""The dossier as the funder expects it (DOCX, PDF) and the minutes of a decision.

``model`` builds a plain export model from the database; ``docx`` (python-docx)
and ``pdf`` (Jinja2 + WeasyPrint) lay it out. This module names the files and
is what routes, the submission package and the CLI call::

    export.dossier_file(dossier, "pdf")           # ExportFile(data, filename, mimetype)
    export.minutes_file(dossier, decision, "docx")
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import quote

from ...models import Decision, DecisionState, Dossier, DossierState
from ..errors import Conflict
from ..offload import off_the_loop
from . import docx, model, pdf

Format = Literal["docx", "pdf"]
MIMETYPES: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
STATE_SUFFIX = {
    DossierState.DRAFT.value: "brouillon",
    DossierState.FROZEN.value: "figé",
    DossierState.SUBMITTED.value: "déposé",
}


@dataclass(frozen=True)
class ExportFile:
    data: bytes
    filename: str
    mimetype: str

    @property
    def ascii_filename(self) -> str:
        return ascii_only(self.filename)

    @property
    def content_disposition(self) -> str:
        """``attachment`` with an ASCII name and the exact UTF-8 one (RFC 6266 / 5987)."""
        return f"attachment; filename=\"{self.ascii_filename}\"; filename*=UTF-8''{quote(self.filename, safe='')}"


def ascii_only(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", folded).strip("-") or "export"


def _slug(text: str, limit: int) -> str:
    words = re.sub(r"[^\w]+", "-", unicodedata.normalize("NFC", text), flags=re.UNICODE).strip("-_")
    if len(words) > limit:
        words = words[:limit].rsplit("-", 1)[0] or words[:limit]
    return words or "dossier"


def dossier_filename(dossier: Dossier, fmt: Format) -> str:
    """E.g. ``Dossier-Projet-Panier-Commun-brouillon.pdf``."""
    return f"Dossier-{_slug(dossier.title, 80)}-{STATE_SUFFIX.get(dossier.state, dossier.state)}.{fmt}"


def minutes_filename(decision: Decision, fmt: Format) -> str:
    """E.g. ``Procès-verbal-décision-12-Budget-des-ateliers-cuisine.pdf``."""
    return f"Procès-verbal-décision-{decision.id}-{_slug(decision.title, 60)}.{fmt}"


def dossier_file(dossier: Dossier, fmt: Format, *, now: datetime | None = None) -> ExportFile:
    """The dossier as it stands, in DOCX or PDF."""
    built = model.build(dossier, now=now)
    data = off_the_loop(docx.dossier_docx if fmt == "docx" else pdf.dossier_pdf, built)
    return ExportFile(data, dossier_filename(dossier, fmt), MIMETYPES[fmt])


def minutes_file(dossier: Dossier, decision: Decision, fmt: Format, *, now: datetime | None = None) -> ExportFile:
    """The procès-verbal of a closed decision, in DOCX or PDF."""
    if decision.state != DecisionState.CLOSED.value:
        raise Conflict("The minutes exist once the decision is closed.", code="decision_not_closed")
    built = model.build_minutes(dossier, decision, now=now)
    data = off_the_loop(docx.minutes_docx if fmt == "docx" else pdf.minutes_pdf, built)
    return ExportFile(data, minutes_filename(decision, fmt), MIMETYPES[fmt])


__all__ = [
    "MIMETYPES",
    "ExportFile",
    "dossier_file",
    "dossier_filename",
    "minutes_file",
    "minutes_filename",
    "model",
    "off_the_loop",
]

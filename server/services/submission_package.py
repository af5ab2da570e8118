"""The submission package: the files stored at submission, byte for byte, with their SHA-256.

``store`` runs inside :func:`lifecycle.submit`, in its transaction, once the
dossier is déposé (so the exports carry no BROUILLON mark) and the ``submit``
register entry and the receipt exist. It stores, in this order:

* ``dossier.docx`` and ``dossier.pdf``: the exact exports of ``services.export``;
* ``registre.json``: every register entry (sequence, kind, decoded content,
  previous_hash, hash, created_at) as canonical JSON (``register_chain.canonical``);
* ``recu.json``: the receipt, the very canonical bytes the submitter received;
* ``recu.pdf``: a one-page A4 receipt in French listing the SHA-256 of the
  four files above.

The files are never changed afterwards: a later download gives the same bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..extensions import db
from ..models import Dossier, Submission, SubmissionFile
from . import export, register, register_chain
from .errors import NotFound
from .export import model as export_model
from .export import pdf as export_pdf
from .register_chain import utc_timestamp

JSON = "application/json"
REGISTER_FORMAT = "codossier-register-export-v1"


@dataclass(frozen=True)
class PackageFile:
    name: str
    mimetype: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def register_json(dossier_id: int) -> bytes:
    """The whole register as canonical JSON: ``{format, dossier_id, entries: [...]}``."""
    entries = [
        {
            "sequence": row.sequence,
            "kind": row.kind,
            "content": register_chain.decode(row.content),
            "previous_hash": row.previous_hash,
            "hash": row.hash,
            "created_at": utc_timestamp(row.created_at),
        }
        for row in register.rows(dossier_id)
    ]
    return register_chain.canonical({"format": REGISTER_FORMAT, "dossier_id": dossier_id, "entries": entries})


def _receipt_html(receipt: dict[str, Any], at: datetime, files: list[PackageFile]) -> str:
    return export_pdf.render_html(
        "receipt.html",
        r=receipt,
        submitted_at=export_model.french_datetime(at),
        files=[{"name": f.name, "size": len(f.data), "sha256": f.sha256} for f in files],
        mark=None,
        footer={
            "lines": (f"Empreinte du contenu : {receipt['content_hash']}", f"Registre : {receipt['register_head']}")
        },
        author=receipt["structure"],
        created=at.replace(microsecond=0).isoformat(),
    )


def receipt_pdf(receipt: dict[str, Any], at: datetime, files: list[PackageFile]) -> bytes:
    """The one-page receipt in French, with the SHA-256 of each other file of the package."""
    html = _receipt_html(receipt, at, files)
    return export.off_the_loop(export_pdf.print_html, html)


def build(dossier: Dossier, found: Submission) -> list[PackageFile]:
    """The package's files, built from the database as it stands (the dossier already déposé)."""
    at = found.submitted_at
    docx_file = export.dossier_file(dossier, "docx", now=at)
    pdf_file = export.dossier_file(dossier, "pdf", now=at)
    files = [
        PackageFile("dossier.docx", docx_file.mimetype, docx_file.data),
        PackageFile("dossier.pdf", pdf_file.mimetype, pdf_file.data),
        PackageFile("registre.json", JSON, register_json(dossier.id)),
        PackageFile("recu.json", JSON, bytes(found.receipt)),
    ]
    files.append(
        PackageFile("recu.pdf", "application/pdf", receipt_pdf(register_chain.decode(found.receipt), at, files))
    )
    return files


def store(dossier: Dossier, found: Submission) -> list[SubmissionFile]:
    """Build the package and add it to the caller's transaction."""
    db.session.flush()  # the submission row and the submit entry, for the exports to read
    rows = [
        SubmissionFile(
            submission_id=found.id, position=position, name=f.name, mimetype=f.mimetype, data=f.data, sha256=f.sha256
        )
        for position, f in enumerate(build(dossier, found), start=1)
    ]
    db.session.add_all(rows)
    return rows


def package_files(found: Submission) -> list[SubmissionFile]:
    return list(
        db.session.scalars(
            db.select(SubmissionFile).where(SubmissionFile.submission_id == found.id).order_by(SubmissionFile.position)
        )
    )


def package_file(found: Submission, name: str) -> SubmissionFile:
    row: SubmissionFile | None = db.session.scalar(
        db.select(SubmissionFile).where(SubmissionFile.submission_id == found.id, SubmissionFile.name == name)
    )
    if row is None:
        raise NotFound("This file is not part of the submission package.")
    return row

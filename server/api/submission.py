"""The submission package: its manifest and each stored file, byte for byte as at submission.

Everyone who can read the dossier can download it; before submission both
routes answer 404.
"""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import url_for
from pydantic import BaseModel
from spectree import Response

from ..extensions import spec
from ..services import lifecycle, submission_package
from ..services.export import ExportFile
from ..services.policy import Capability
from . import bp
from .access import require_member
from .dossiers import ERRORS
from .exports import download
from .governance_schemas import ReceiptOut
from .lifecycle import receipt_out


class PackageFileOut(BaseModel):
    name: str
    mimetype: str
    size: int
    sha256: str
    url: str


class SubmissionOut(BaseModel):
    receipt: ReceiptOut
    files: list[PackageFileOut]


@bp.get("/dossiers/<int:dossier_id>/submission")
@spec.validate(resp=Response(HTTP_200=SubmissionOut, **ERRORS), tags=["lifecycle"])
def get_submission(dossier_id: int) -> SubmissionOut:
    """The receipt and the package manifest: each stored file with its size, SHA-256 and download address."""
    require_member(dossier_id, Capability.READ)
    found = lifecycle.submission(dossier_id)
    return SubmissionOut(
        receipt=receipt_out(found),
        files=[
            PackageFileOut(
                name=row.name,
                mimetype=row.mimetype,
                size=len(row.data),
                sha256=row.sha256,
                url=url_for(".get_submission_file", dossier_id=dossier_id, name=row.name),
            )
            for row in submission_package.package_files(found)
        ],
    )


@bp.get("/dossiers/<int:dossier_id>/submission/<name>")
@spec.validate(resp=Response(HTTP_200=None, **ERRORS), tags=["lifecycle"])
def get_submission_file(dossier_id: int, name: str) -> FlaskResponse:
    """One file of the package, exactly the bytes stored at submission (``X-Content-SHA256`` carries its hash)."""
    require_member(dossier_id, Capability.READ)
    row = submission_package.package_file(lifecycle.submission(dossier_id), name)
    reply = download(ExportFile(bytes(row.data), row.name, row.mimetype))
    reply.headers["X-Content-SHA256"] = row.sha256
    return reply

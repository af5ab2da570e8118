"""The register: its entries, and the verification anyone can run."""

from __future__ import annotations

from spectree import Response

from ..extensions import spec
from ..services import register, register_chain
from ..services.policy import Capability
from . import bp
from .access import require_member
from .dossiers import ERRORS
from .schemas import ErrorReply, RegisterEntryOut, RegisterOut, VerificationOut, VerifyQuery


def _content(stored: bytes) -> dict[str, object]:
    """The entry's content; a stored value that is not canonical JSON is shown as such (verify names it)."""
    try:
        return register_chain.decode(stored)
    except ValueError:
        return {"not_canonical": stored.decode("utf-8", "replace")}


@bp.get("/dossiers/<int:dossier_id>/register")
@spec.validate(resp=Response(HTTP_200=RegisterOut, **ERRORS), tags=["register"])
def entries(dossier_id: int) -> RegisterOut:
    require_member(dossier_id, Capability.READ)
    rows = register.rows(dossier_id)
    return RegisterOut(
        entries=[
            RegisterEntryOut(
                sequence=row.sequence,
                kind=row.kind,
                content=_content(row.content),
                previous_hash=row.previous_hash,
                hash=row.hash,
                created_at=row.created_at,
            )
            for row in rows
        ],
        head=rows[-1].hash if rows else register_chain.GENESIS,
    )


@bp.get("/dossiers/<int:dossier_id>/register/verify")
@spec.validate(
    query=VerifyQuery, resp=Response(HTTP_200=VerificationOut, HTTP_422=ErrorReply, **ERRORS), tags=["register"]
)
def verify(dossier_id: int, query: VerifyQuery) -> VerificationOut:
    """Recompute the whole chain; with ``?head=`` (from a receipt or an export) check it is still there."""
    require_member(dossier_id, Capability.READ)
    result = register.verify(dossier_id, query.head)
    return VerificationOut(
        ok=result.ok,
        length=result.length,
        head=result.head,
        first_bad_sequence=result.first_bad_sequence,
        problem=result.problem,
        problem_fr=result.problem_fr,
    )

"""Stakeholder collèges and their weights (the lead manages them; every member sees them)."""

from __future__ import annotations

from spectree import Response

from ..extensions import spec
from ..models import College, Membership
from ..services import colleges
from ..services.policy import Capability
from . import bp
from .access import require_member
from .dossiers import CHANGE_ERRORS, ERRORS
from .members import member_out
from .schemas import CollegeIn, CollegeList, CollegeOut, CollegePatch, MemberCollegeIn, MemberOut


def college_out(college: College, memberships: list[Membership]) -> CollegeOut:
    return CollegeOut(
        id=college.id,
        name=college.name,
        weight=college.weight,
        member_ids=[m.id for m in memberships if m.college_id == college.id],
    )


@bp.get("/dossiers/<int:dossier_id>/colleges")
@spec.validate(resp=Response(HTTP_200=CollegeList, **ERRORS), tags=["colleges"])
def list_colleges(dossier_id: int) -> CollegeList:
    dossier = require_member(dossier_id, Capability.READ).dossier
    return CollegeList(colleges=[college_out(c, dossier.memberships) for c in dossier.colleges])


@bp.post("/dossiers/<int:dossier_id>/colleges")
@spec.validate(json=CollegeIn, resp=Response(HTTP_201=CollegeOut, **CHANGE_ERRORS), tags=["colleges"])
def create_college(dossier_id: int, json: CollegeIn) -> tuple[CollegeOut, int]:
    lead = require_member(dossier_id, Capability.MANAGE_MEMBERS)
    return college_out(colleges.create(dossier_id, json.name, json.weight), lead.dossier.memberships), 201


@bp.patch("/dossiers/<int:dossier_id>/colleges/<int:college_id>")
@spec.validate(json=CollegePatch, resp=Response(HTTP_200=CollegeOut, **CHANGE_ERRORS), tags=["colleges"])
def update_college(dossier_id: int, college_id: int, json: CollegePatch) -> CollegeOut:
    lead = require_member(dossier_id, Capability.MANAGE_MEMBERS)
    college = colleges.update(dossier_id, college_id, name=json.name, weight=json.weight)
    return college_out(college, lead.dossier.memberships)


@bp.delete("/dossiers/<int:dossier_id>/colleges/<int:college_id>")
@spec.validate(resp=Response(HTTP_204=None, **CHANGE_ERRORS), tags=["colleges"])
def delete_college(dossier_id: int, college_id: int) -> tuple[str, int]:
    require_member(dossier_id, Capability.MANAGE_MEMBERS)
    colleges.delete(dossier_id, college_id)
    return "", 204


@bp.put("/dossiers/<int:dossier_id>/members/<int:member_id>/college")
@spec.validate(json=MemberCollegeIn, resp=Response(HTTP_200=MemberOut, **CHANGE_ERRORS), tags=["colleges"])
def assign_college(dossier_id: int, member_id: int, json: MemberCollegeIn) -> MemberOut:
    lead = require_member(dossier_id, Capability.MANAGE_MEMBERS)
    colleges.assign(dossier_id, member_id, json.college_id)
    return member_out(next(m for m in lead.dossier.memberships if m.id == member_id), lead)

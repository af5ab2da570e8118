"""Stakeholder collèges: the lead groups the voting members and gives each collège a weight.

Without collèges every voter weighs the same. Observers do not vote, so they
are in no collège.
"""

from __future__ import annotations

from ..extensions import db
from ..models import College, Dossier, Role
from .dossiers import lock_dossier
from .errors import Conflict, NotFound
from .members import member

MAX_WEIGHT = 1000


def _college(dossier: Dossier, college_id: int) -> College:
    found = next((c for c in dossier.colleges if c.id == college_id), None)
    if found is None:
        raise NotFound("No such collège in this dossier.")
    return found


def _name_is_free(dossier: Dossier, name: str, college_id: int | None = None) -> None:
    if any(c.name.casefold() == name.casefold() and c.id != college_id for c in dossier.colleges):
        raise Conflict("A collège with this name already exists.", code="college_exists")


def create(dossier_id: int, name: str, weight: int) -> College:
    dossier = lock_dossier(dossier_id)
    _name_is_free(dossier, name.strip())
    college = College(name=name.strip(), weight=weight)
    dossier.colleges.append(college)
    db.session.commit()
    return college


def update(dossier_id: int, college_id: int, *, name: str | None = None, weight: int | None = None) -> College:
    dossier = lock_dossier(dossier_id)
    college = _college(dossier, college_id)
    if name is not None:
        _name_is_free(dossier, name.strip(), college_id)
        college.name = name.strip()
    if weight is not None:
        college.weight = weight
    db.session.commit()
    return college


def delete(dossier_id: int, college_id: int) -> None:
    """Remove a collège; its members are in none afterwards."""
    dossier = lock_dossier(dossier_id)
    college = _college(dossier, college_id)
    for membership in dossier.memberships:
        if membership.college_id == college.id:
            membership.college_id = None
    dossier.colleges.remove(college)
    db.session.commit()


def assign(dossier_id: int, member_id: int, college_id: int | None) -> None:
    """Put a voting member in a collège (or in none)."""
    dossier = lock_dossier(dossier_id)
    membership = member(dossier_id, member_id)
    if college_id is not None:
        _college(dossier, college_id)
        if membership.role == Role.OBSERVER.value:
            raise Conflict("Observers do not vote, so they belong to no collège.", code="observer_cannot_vote")
    membership.college_id = college_id
    db.session.commit()

"""Actions of a dossier: one Annexe B each, kept in order of importance (1..n)."""

from __future__ import annotations

from ..extensions import db
from ..models import Action, Dossier
from . import clock, decisions, documents, polls
from .documents import DocumentRef
from .dossiers import lock_dossier, require_draft
from .errors import Conflict, InvalidInput, NotFound

MAX_ACTIONS = 30


def _draft(dossier_id: int) -> Dossier:
    dossier = lock_dossier(dossier_id)
    require_draft(dossier)
    return dossier


def _no_open_poll(dossier_id: int) -> None:
    """The actions stay as they are while a vote on their order is under way."""
    if polls.open_poll_of(dossier_id) is not None:
        raise Conflict(
            "A priority vote over the actions is open: close it before adding, deleting or reordering actions.",
            code="poll_open",
        )
    if decisions.open_order_decision(dossier_id) is not None:
        raise Conflict(
            "A decision on the priority order is open: "
            "wait for its close before adding, deleting or reordering actions.",
            code="order_decision_open",
        )


def _action(dossier: Dossier, action_id: int) -> Action:
    action = next((a for a in dossier.actions if a.id == action_id), None)
    if action is None:
        raise NotFound("No such action in this dossier.")
    return action


def _renumber(actions: list[Action]) -> None:
    for position, action in enumerate(actions, start=1):
        action.position = position


def add_action(dossier_id: int, title: str) -> Action:
    dossier = _draft(dossier_id)
    _no_open_poll(dossier_id)
    if len(dossier.actions) >= MAX_ACTIONS:
        raise InvalidInput(f"A dossier holds at most {MAX_ACTIONS} actions.", code="too_many_actions")
    action = Action(title=title.strip(), position=len(dossier.actions) + 1, created_at=clock.now())
    dossier.actions.append(action)
    db.session.commit()
    return action


def rename_action(dossier_id: int, action_id: int, title: str) -> Action:
    action = _action(_draft(dossier_id), action_id)
    action.title = title.strip()
    db.session.commit()
    return action


def delete_action(dossier_id: int, action_id: int) -> None:
    """Delete an action with its live document."""
    dossier = _draft(dossier_id)
    _no_open_poll(dossier_id)
    dossier.actions.remove(_action(dossier, action_id))
    _renumber(dossier.actions)
    documents.forget(DocumentRef(dossier_id, documents.action_document(action_id)))
    db.session.commit()


def reorder_actions(dossier_id: int, action_ids: list[int]) -> list[Action]:
    """Put the actions in the given order; the list must name each action exactly once."""
    dossier = _draft(dossier_id)
    _no_open_poll(dossier_id)
    by_id = {a.id: a for a in dossier.actions}
    if sorted(action_ids) != sorted(by_id):
        raise InvalidInput(
            "The new order must list every action of the dossier exactly once.",
            code="not_a_permutation",
            details=[{"field": "action_ids", "message": f"expected a permutation of {sorted(by_id)}"}],
        )
    ordered = [by_id[i] for i in action_ids]
    _renumber(ordered)
    db.session.commit()
    db.session.refresh(dossier)
    return list(dossier.actions)

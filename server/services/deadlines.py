"""Closing polls and decisions at their deadline, whether or not anyone is connected then.

Two paths close them, both idempotent under the dossier's row lock: every read
of a dossier's polls or decisions first closes what is due (so nobody ever
sees a vote open past its deadline), and each server process runs
:func:`run` in the background, which sweeps every dossier every few seconds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from flask import Flask

from ..extensions import db
from ..models import Decision, DecisionState, PriorityPoll
from . import clock, decisions, polls

log = logging.getLogger(__name__)

SWEEP_SECONDS = 5.0


def close_due(dossier_id: int | None = None) -> set[int]:
    """Close every poll and decision past its deadline (of one dossier, or all); the dossiers touched."""
    now = clock.now()
    poll_query = db.select(PriorityPoll.dossier_id, PriorityPoll.id).where(
        PriorityPoll.closed_at.is_(None), PriorityPoll.closes_at <= now
    )
    decision_query = db.select(Decision.dossier_id, Decision.id).where(
        Decision.state == DecisionState.OPEN.value, Decision.closes_at <= now
    )
    if dossier_id is not None:
        poll_query = poll_query.where(PriorityPoll.dossier_id == dossier_id)
        decision_query = decision_query.where(Decision.dossier_id == dossier_id)
    due_polls = db.session.execute(poll_query).all()
    due_decisions = db.session.execute(decision_query).all()
    touched = set()
    for owner, poll_id in due_polls:
        if polls.close_if_due(owner, poll_id):
            touched.add(owner)
    for owner, decision_id in due_decisions:
        if decisions.close_if_due(owner, decision_id):
            touched.add(owner)
    return touched


def run(app: Flask, notify: Callable[[int], None], *, interval: float = SWEEP_SECONDS) -> None:
    """Sweep forever (a background task of each server process); ``notify`` is told each dossier touched."""
    with app.app_context():
        while True:
            try:
                for dossier_id in close_due():
                    notify(dossier_id)
            except Exception:  # the sweeper must outlive any single failure
                db.session.rollback()
                log.exception("closing due votes failed")
            finally:
                db.session.remove()
            time.sleep(interval)

"""Closing what is past its deadline before a request reads or changes the dossier."""

from __future__ import annotations

from ..events.documents import dossier_changed
from ..events.dossiers import governance_changed
from ..extensions import socketio
from ..services import deadlines


def catch_up(dossier_id: int) -> None:
    """Close the dossier's polls and decisions past their deadline, and tell the others.

    Call it after authorising the caller: the sweeper may not have passed yet.
    """
    if deadlines.close_due(dossier_id):
        governance_changed(socketio, dossier_id, topic="deadline")
        dossier_changed(socketio, dossier_id, {"actions": True})

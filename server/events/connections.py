"""The lifecycle of a Socket.IO connection: who may open one, and when the server ends what it should.

A connection belongs to the login session whose cookie opened it. Each process
keeps, for its own connections, that session and what they have open, and
every ``SWEEP_SECONDS`` asks the database (two queries, whatever the number of
connections):

- which of these sessions are still open: connections of a closed one
  (logout, through any process) are disconnected;
- who is still a member of the dossiers they have open: connections of
  someone removed (through any process) leave the dossier's rooms.

So a logout or a removal takes effect within a second on every process,
without depending on the message queue; the process that served the change
acts at once.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app, session
from flask_login import current_user
from flask_socketio import SocketIO

from ..extensions import db
from ..services import sessions
from .sockets import request

log = logging.getLogger(__name__)

SWEEP_SECONDS = 0.5

# sid -> hash of the login session that opened it
_session_of: dict[str, str] = {}
_sweeping = threading.Lock()
_sweeper_started = False


def connect(socketio: SocketIO) -> bool:
    """Accept a connection from a logged-in session only, and remember that session."""
    token = session.get(sessions.SESSION_KEY)
    if not current_user.is_authenticated or not isinstance(token, str):
        return False
    _session_of[request.sid] = sessions.token_hash(token)
    _ensure_sweeper(socketio, current_app._get_current_object())  # type: ignore[attr-defined]
    return True


def disconnect() -> None:
    _session_of.pop(request.sid, None)


def end_session(socketio: SocketIO, hashed: str) -> None:
    """Disconnect this process's connections of a session that was just closed (the others' sweep does theirs)."""
    for sid in [sid for sid, owner in _session_of.items() if owner == hashed]:
        socketio.server.disconnect(sid, ignore_queue=True)  # type: ignore[attr-defined]


def _ensure_sweeper(socketio: SocketIO, app: Flask) -> None:
    global _sweeper_started
    with _sweeping:
        if not _sweeper_started:
            _sweeper_started = True
            socketio.start_background_task(_sweep_forever, socketio, app)


def _sweep_forever(socketio: SocketIO, app: Flask) -> None:
    with app.app_context():
        while True:
            socketio.sleep(SWEEP_SECONDS)  # type: ignore[arg-type]  # any number of seconds
            try:
                sweep(socketio)
            except Exception:  # the sweeper must outlive a database hiccup
                log.exception("connection sweep failed")
            finally:
                db.session.remove()


def sweep(socketio: SocketIO) -> None:
    """Disconnect connections of closed sessions; take removed members out of their dossiers' rooms."""
    from . import documents

    local = dict(_session_of)
    still_open = sessions.open_among(set(local.values()))
    for sid, hashed in local.items():
        if hashed not in still_open and sid in _session_of:
            socketio.server.disconnect(sid, ignore_queue=True)  # type: ignore[attr-defined]
    documents.drop_all_leavers(socketio)

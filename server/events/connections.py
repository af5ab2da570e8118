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

_sweeping = threading.Lock()


def _sessions_of(app: Flask) -> dict[str, str]:
    """The app's connections on this process: sid -> hash of the login session that opened it.

    Kept per app (one per process in production; tests run many in one process), so that one app's
    sweep never judges another's connections against its own database."""
    registry: dict[str, str] = app.extensions.setdefault("codossier.connection_sessions", {})
    return registry


def sids_here() -> set[str]:
    """The connections of the current app on this process."""
    return set(_sessions_of(current_app))


def connect(socketio: SocketIO) -> bool:
    """Accept a connection from a logged-in session only, and remember that session."""
    token = session.get(sessions.SESSION_KEY)
    if not current_user.is_authenticated or not isinstance(token, str):
        return False
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _sessions_of(app)[request.sid] = sessions.token_hash(token)
    _ensure_sweeper(socketio, app)
    return True


def disconnect() -> None:
    _sessions_of(current_app).pop(request.sid, None)


def end_session(socketio: SocketIO, hashed: str) -> None:
    """Disconnect this process's connections of a session that was just closed (the others' sweep does theirs)."""
    for sid in [sid for sid, owner in _sessions_of(current_app).items() if owner == hashed]:
        socketio.server.disconnect(sid, ignore_queue=True)  # type: ignore[attr-defined]


def _ensure_sweeper(socketio: SocketIO, app: Flask) -> None:
    with _sweeping:
        if not app.extensions.get("codossier.sweeping"):
            app.extensions["codossier.sweeping"] = True
            socketio.start_background_task(_sweep_while_connected, socketio, app)


def _sweep_while_connected(socketio: SocketIO, app: Flask) -> None:
    """Sweep every SWEEP_SECONDS while the app has connections here; the next connection starts it again."""
    with app.app_context():
        while True:
            socketio.sleep(SWEEP_SECONDS)  # type: ignore[arg-type]  # any number of seconds
            with _sweeping:
                if not _sessions_of(app):
                    app.extensions["codossier.sweeping"] = False
                    return
            try:
                sweep(socketio)
            except Exception:  # the sweeper must outlive a database hiccup
                log.exception("connection sweep failed")
            finally:
                db.session.remove()


def sweep(socketio: SocketIO) -> None:
    """Disconnect connections of closed sessions; take removed members out of their dossiers' rooms."""
    from . import documents

    registry = _sessions_of(current_app)
    local = dict(registry)
    still_open = sessions.open_among(set(local.values()))
    for sid, hashed in local.items():
        if hashed not in still_open and sid in registry:
            socketio.server.disconnect(sid, ignore_queue=True)  # type: ignore[attr-defined]
    documents.drop_all_leavers(socketio)

"""Socket.IO handlers: thin, authorised by the policy module, calling services.

A connection must come from a logged-in session of the same site (the session
cookie authenticates it; Flask-SocketIO refuses other origins).
"""

from __future__ import annotations

from flask_login import current_user
from flask_socketio import SocketIO

from . import documents, dossiers


def register(socketio: SocketIO) -> None:
    @socketio.on("connect")
    def _connect(auth: object = None) -> bool:
        return bool(current_user.is_authenticated)

    documents.register(socketio)
    dossiers.register(socketio)

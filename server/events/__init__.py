"""Socket.IO handlers: thin, authorised by the policy module, calling services.

A connection must come from an open login session of the same site (the session
cookie authenticates it; Flask-SocketIO refuses other origins); see
``connections`` for how it ends.
"""

from __future__ import annotations

from flask_socketio import SocketIO

from . import connections, documents, dossiers


def register(socketio: SocketIO) -> None:
    @socketio.on("connect")
    def _connect(auth: object = None) -> bool:
        return connections.connect(socketio)

    documents.register(socketio)
    dossiers.register(socketio)

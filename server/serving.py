"""The production-grade server loop for `codossier serve` and `codossier demo`.

gevent (the default, chosen by measurement: see README's performance section)
serves every WebSocket in one process with one writer greenlet for group
commit. Accepted sockets get TCP_NODELAY: neither gevent's pywsgi nor Werkzeug
sets it, and without it small frames wait for Nagle's algorithm.
``CODOSSIER_ASYNC_MODE=threading`` runs Werkzeug's threaded server instead
(kept for comparison in the benchmark).
"""

from __future__ import annotations

import gc
import socket
from typing import Any

from flask import Flask

from .events.dossiers import governance_changed
from .extensions import socketio
from .services import deadlines


def serve(app: Flask, host: str, port: int) -> None:
    # Everything loaded so far lives as long as the process: keep it out of the
    # garbage collector's full passes, which otherwise stall every connection.
    gc.collect()
    gc.freeze()
    socketio.start_background_task(
        deadlines.run, app, lambda dossier_id: governance_changed(socketio, dossier_id, topic="deadline")
    )
    if app.config["ASYNC_MODE"] == "threading":
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, log_output=False)
        return
    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler

    from .frames import BoundedWebSocket

    limit = socketio.server.eio.max_http_buffer_size  # type: ignore[attr-defined]

    class NoDelayHandler(WebSocketHandler):  # type: ignore[misc]
        def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().__init__(sock, *args, **kwargs)

        def upgrade_connection(self) -> Any:
            """The handshake as usual, then a WebSocket that refuses an oversized message (server/frames.py)."""
            result = super().upgrade_connection()
            plain = getattr(self, "websocket", None)
            if plain is not None:
                self.websocket = BoundedWebSocket(self.environ, plain.stream, self, limit)
                self.environ["wsgi.websocket"] = self.websocket
                plain.closed = True  # so that dropping it does not write a close frame on the shared stream
            return result

    pywsgi.WSGIServer((host, port), app, handler_class=NoDelayHandler, log=None).serve_forever()

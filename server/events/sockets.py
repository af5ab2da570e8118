"""Flask's ``request`` as the Socket.IO handlers see it.

Flask-SocketIO sets ``request.sid`` (the connection's Socket.IO session id) and
``request.namespace`` while it runs a handler; Flask's types do not know them.
"""

from __future__ import annotations

from typing import Protocol, cast

from flask import request as _flask_request


class SocketRequest(Protocol):
    sid: str
    namespace: str


request = cast(SocketRequest, _flask_request)

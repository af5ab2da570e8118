"""The Flask application factory: config, extensions, blueprints, socket handlers."""

from __future__ import annotations

from typing import Any

from flask import Flask, session
from sqlalchemy import event

from . import turns
from .config import load_config
from .extensions import db, limiter, login_manager, migrate, socketio
from .services.accounts import make_password_hashing
from .services.awareness import Presence, RedisPresence
from .services.relay import Relay


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def build_app(**overrides: Any) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(load_config(**overrides))

    app.extensions["codossier.password_hashing"] = make_password_hashing(app.config["ARGON2_PARAMETERS"])
    db.init_app(app)
    migrate.init_app(app, db)
    _init_login(app)
    turns.register(app)
    limiter.init_app(app)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)

    from . import api, events, headers, web

    api.register_error_handlers(app)
    app.register_blueprint(api.bp)
    web.register(app)
    headers.register(app)

    from .events.queue import client_manager

    # Several processes share Redis as their message queue; after an outage each one
    # catches its connections up (server/events/queue.py).
    queue = {"client_manager": client_manager(app, socketio)} if app.config["REDIS_URL"] else {}
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        **queue,
        # Above the update limit, so that an oversized update is refused with a
        # reason instead of silently dropping the connection.
        max_http_buffer_size=2 * app.config["MAX_UPDATE_BYTES"] + 64 * 1024,
    )
    _decode_whole_polling_requests(socketio.server.eio.max_http_buffer_size)  # type: ignore[attr-defined]
    events.register(socketio)
    app.extensions["codossier.presence"] = _presence(app)
    app.extensions["codossier.relay"] = Relay(
        app,
        broadcast=lambda ref, message: socketio.emit("y", (ref.dossier_id, ref.name, message), to=ref.room),
        start_task=socketio.start_background_task,
    )
    return app


def _decode_whole_polling_requests(max_http_buffer_size: int) -> None:
    """Let python-engineio decode every packet of a long-polling POST that the size limit admits.

    It decodes at most 16 packets per POST (``Payload.max_decode_packets``) and drops a POST with
    more, whole and silently (answering 200). The browser's engine.io-client puts everything queued
    while its previous POST is on the way into the next one, bounded by bytes only (the
    ``max_http_buffer_size`` the server announces): someone typing during a slow POST lost updates
    and their acks, and when the lost POST held the attachment of a ``y`` event whose header had gone
    in the POST before, the next packet was taken for that attachment (``invalid_message``). The byte
    limit still bounds the work of one POST: a packet takes at least two bytes (type and separator),
    and a WebSocket client may send as many packets in as many bytes of frames.
    """
    from engineio.payload import Payload

    Payload.max_decode_packets = max(Payload.max_decode_packets, max_http_buffer_size // 2 + 1)


def _presence(app: Flask) -> Presence:
    """Awareness bookkeeping: in memory for one process, in Redis when processes share a message queue."""
    if not app.config["REDIS_URL"]:
        return Presence()
    import redis

    return RedisPresence(redis.Redis.from_url(app.config["REDIS_URL"]), app.config["REDIS_CHANNEL"])


def _init_login(app: Flask) -> None:
    from .api.auth import session_scope
    from .models import User
    from .services import sessions

    login_manager.init_app(app)

    @login_manager.user_loader
    def _load(user_id: str) -> User | None:
        """The cookie's user, only while its server-side session is open (logout closes it)."""
        user = sessions.user_of(user_id, session.get(sessions.SESSION_KEY))
        if user is not None:
            user.session_scope = session_scope()
        return user

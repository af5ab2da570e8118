"""The Redis message queue between server processes, and catching up after it failed.

While a process's subscription to Redis is down, what the other processes broadcast
(committed updates) never reaches its clients, and Redis keeps nothing for later. So
when the subscription is back, and confirmed by Redis, this process sends each of its
connections a sync step 2 of what was committed since its ``baseline`` (the stored
state vector when it joined, or when it last caught up): every open client converges
without reloading, and a connection that lacked nothing gets nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import socketio
from flask import Flask
from flask_socketio import SocketIO

from ..extensions import db
from ..services import documents
from . import documents as live
from . import dossiers as watching

log = logging.getLogger(__name__)

MAX_RETRY_SECONDS = 5
CONFIRM_SECONDS = 10
CONNECT_SECONDS = 5


class CatchUpRedisManager(socketio.RedisManager):  # type: ignore[misc]
    """python-socketio's Redis manager, calling ``on_resubscribed`` after a failed subscription is back.

    Its listening loop is ``RedisManager._redis_listen_with_retries`` with two changes: the
    callback, once Redis has confirmed the new subscription (what is published from then on
    reaches us), and retries at most ``MAX_RETRY_SECONDS`` apart (not 60) so that delivery
    resumes soon after Redis does.
    """

    def __init__(self, url: str, channel: str, on_resubscribed: Callable[[], None]) -> None:
        # A bounded connect: publishing runs on the writer's path, which must not hang on an unreachable Redis.
        super().__init__(url, channel=channel, redis_options={"socket_connect_timeout": CONNECT_SECONDS})
        self.on_resubscribed = on_resubscribed

    def _redis_listen_with_retries(self) -> Any:
        retry_sleep = 1
        failed = False
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
                if failed:
                    self._confirm_subscription()
                    failed = False
                    self.server.start_background_task(self.on_resubscribed)
                retry_sleep = 1
                yield from self.pubsub.listen()
            except Exception as exc:
                self._get_logger().error(
                    f"Cannot receive from redis... retrying in {retry_sleep} secs", extra={"redis_exception": str(exc)}
                )
                failed = True
                time.sleep(retry_sleep)
                retry_sleep = min(retry_sleep * 2, MAX_RETRY_SECONDS)

    def _confirm_subscription(self) -> None:
        """Wait for Redis's reply to SUBSCRIBE (no channel message can come before it)."""
        self.pubsub.ignore_subscribe_messages = False
        try:
            deadline = time.monotonic() + CONFIRM_SECONDS
            while time.monotonic() < deadline:
                message = self.pubsub.get_message(timeout=1)
                if message is not None and message.get("type") == "subscribe":
                    return
            raise ConnectionError("Redis did not confirm the subscription.")
        finally:
            self.pubsub.ignore_subscribe_messages = True


def client_manager(app: Flask, socketio_ext: SocketIO) -> CatchUpRedisManager:
    return CatchUpRedisManager(
        app.config["REDIS_URL"], app.config["REDIS_CHANNEL"], lambda: catch_up(app, socketio_ext)
    )


def catch_up(app: Flask, socketio_ext: SocketIO) -> None:
    """Send every connection of this process what was committed since its baseline.

    Only to connections of people who are still members (a removed member's connection
    may not have been dropped yet on this process). Sent straight to the local
    connections, not through the queue.
    """
    with app.app_context():
        try:
            members: dict[int, set[int]] = {}
            for ref, connections in live.connections_by_document().items():
                if ref.dossier_id not in members:
                    members[ref.dossier_id] = watching.member_ids(ref.dossier_id)
                connections = [
                    (sid, joined) for sid, joined in connections if joined.user_id in members[ref.dossier_id]
                ]
                replies, current = documents.catch_up(ref, [joined.baseline for _, joined in connections])
                for (sid, joined), reply in zip(connections, replies, strict=True):
                    joined.baseline = current
                    if reply is not None:
                        socketio_ext.server.emit("y", (ref.dossier_id, ref.name, reply), to=sid, ignore_queue=True)  # type: ignore[attr-defined]
                db.session.rollback()  # end the read transaction between documents
        except Exception:
            log.exception("catching up after the message queue came back failed")
        finally:
            db.session.remove()

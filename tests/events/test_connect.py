"""A Socket.IO connection is authenticated by the same session as HTTP."""

from __future__ import annotations

from server.extensions import socketio
from tests.support import DossierWorld


def test_anonymous_connection_is_refused(world: DossierWorld) -> None:
    http = world.client("anonymous").http
    connection = socketio.test_client(world.app, flask_test_client=http)
    assert not connection.is_connected()


def test_logged_in_member_connects_with_the_http_session(world: DossierWorld) -> None:
    http = world.client("beneficiary").http
    connection = socketio.test_client(world.app, flask_test_client=http)
    assert connection.is_connected()
    connection.disconnect()

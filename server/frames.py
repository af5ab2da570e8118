"""WebSocket messages over the transport's size limit: read and dropped, never a silent disconnect.

gevent-websocket reads a whole message into memory, however large, and Engine.IO then closes
the connection when it is over ``max_http_buffer_size``: the client gets neither an
acknowledgement nor a reason. Here the frames of such a message are read in small blocks
and dropped as they come (nothing large is held), and

- a binary message (a ``y`` message travels as the binary attachment of its Socket.IO event)
  is handed on as an empty :class:`Oversized` marker: the event still reaches its handler,
  which refuses it with ``too_large`` (an acknowledgement and a ``y-error``);
- a text message that large is no event of docs/protocol.md: the connection is closed with
  the WebSocket status 1009, "message too big".
"""

from __future__ import annotations

from typing import Any, Self

from geventwebsocket.exceptions import ProtocolError, WebSocketError
from geventwebsocket.websocket import Header, WebSocket

DISCARD_BLOCK = 64 * 1024
MESSAGE_TOO_BIG = 1009


class Oversized(bytes):
    """Stands for a binary message of ``size`` bytes that was over the limit and not kept."""

    size: int

    def __new__(cls, size: int) -> Self:
        marker = super().__new__(cls, b"")
        marker.size = size
        return marker


class BoundedWebSocket(WebSocket):  # type: ignore[misc]
    """gevent-websocket's WebSocket, dropping the frames of a message once it is over ``limit`` bytes."""

    def __init__(self, environ: Any, stream: Any, handler: Any, limit: int) -> None:
        super().__init__(environ, stream, handler)
        self.limit = limit
        self.message_bytes = 0
        self.dropped = False

    def read_frame(self) -> tuple[Any, bytes]:
        """``WebSocket.read_frame``, counting the current message's bytes and dropping what is over."""
        header = Header.decode_header(self.stream)
        if header.flags:
            raise ProtocolError
        if header.opcode in (self.OPCODE_TEXT, self.OPCODE_BINARY):
            self.message_bytes, self.dropped = 0, False
        if header.opcode in (self.OPCODE_TEXT, self.OPCODE_BINARY, self.OPCODE_CONTINUATION):
            self.message_bytes += header.length
            if self.message_bytes > self.limit:
                self._discard(header.length)
                self.dropped = True
                return header, b""
        if not header.length:
            return header, b""
        payload = self.raw_read(header.length)
        if len(payload) != header.length:
            raise WebSocketError("Unexpected EOF reading frame payload")
        if header.mask:
            payload = header.unmask_payload(payload)
        return header, payload

    def _discard(self, length: int) -> None:
        while length > 0:
            block = self.raw_read(min(length, DISCARD_BLOCK))
            if not block:
                raise WebSocketError("Unexpected EOF reading frame payload")
            length -= len(block)

    def read_message(self) -> Any:
        message = super().read_message()
        if message is None or not self.dropped:
            return message
        self.dropped = False
        if isinstance(message, str):
            self.close(MESSAGE_TOO_BIG, b"Message too big")
            return None
        return Oversized(self.message_bytes)

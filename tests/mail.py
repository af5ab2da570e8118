"""A real SMTP server on 127.0.0.1 for the tests, in a thread of the test process.

It speaks enough SMTP for ``smtplib`` (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT),
keeps every message it receives, and lets a test wait for the next one to an address.
"""

from __future__ import annotations

import email
import email.policy
import re
import socketserver
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return str(self.message.get_content())

    def link(self, path_prefix: str) -> str:
        """The first URL in the body whose path starts with ``path_prefix`` (e.g. "/signup/")."""
        for url in re.findall(r"https?://\S+", self.body):
            if re.match(r"https?://[^/]+" + re.escape(path_prefix), url):
                return url
        raise AssertionError(f"no {path_prefix} link in: {self.body}")


class _Handler(socketserver.StreamRequestHandler):
    server: MailServer

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._reply("220 codossier-test ESMTP")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 codossier-test")
            elif verb == "MAIL":
                recipients = []
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>").lower())
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                self.server.received(Mail(tuple(recipients), message))  # type: ignore[arg-type]
                self._reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")


class MailServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.port = int(self.server_address[1])
        self.mails: list[Mail] = []
        self._changed = threading.Condition()
        threading.Thread(target=self.serve_forever, daemon=True, name="test-smtp").start()

    def received(self, mail: Mail) -> None:
        with self._changed:
            self.mails.append(mail)
            self._changed.notify_all()

    def to(self, address: str) -> list[Mail]:
        with self._changed:
            return [m for m in self.mails if address.lower() in m.to]

    def wait_for(self, address: str, count: int = 1, timeout: float = 20.0) -> Mail:
        """The ``count``-th message to ``address`` (waiting for it)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(found := [m for m in self.mails if address.lower() in m.to]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no mail #{count} to {address}; got {[m.to for m in self.mails]}")
                self._changed.wait(left)
            return found[count - 1]

    def clear(self) -> None:
        with self._changed:
            self.mails.clear()


_shared: MailServer | None = None


def shared_mail_server() -> MailServer:
    """One server per test process, started on first use."""
    global _shared
    if _shared is None:
        _shared = MailServer()
    return _shared

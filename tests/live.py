"""Real connections to a real server process, for the live co-editing tests.

- :class:`ServerProcess` runs ``python -m server.cli serve`` (gevent, monkey-patched
  by the CLI) on a given database, waits for ``/api/health``, and can be killed
  with SIGKILL and started again on the same database.
- :func:`session_cookie` opens a login session for any user and signs its cookie
  with the shared ``SECRET_KEY``, so the live server accepts it without the login form.
- :class:`YClient` is a small y-protocols client over python-socketio: one
  connection, one document, one ``pycrdt.Doc``. It answers the server's sync
  step 1 with its own step 2, applies step 2 / update messages, keeps awareness
  states, makes local edits and sends them as update messages, and keeps its
  document (and unsent edits) across disconnect / reconnect.

No sleeps are used as synchronisation: acknowledgements, ``threading`` conditions,
and polling a condition with a deadline.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import engineio
import pycrdt
import requests
import socketio
import sqlalchemy as sa
from flask import Flask

from tests.conftest import TEST_SECRET
from tests.support import log_in, open_login

ROOT = Path(__file__).resolve().parents[1]
SESSION_COOKIE = "codossier_session"
TIMEOUT = 20.0

SYNC, AWARENESS = 0, 1
STEP1, STEP2, UPDATE = 0, 1, 2


# --- a server process ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PortTaken(RuntimeError):
    pass


class ServerProcess:
    """``python -m server.cli serve`` on ``database_url``; start, kill -9, start again."""

    def __init__(
        self,
        database_url: str,
        data_dir: Path,
        *,
        redis_url: str | None = None,
        max_update_bytes: int | None = None,
        port: int | None = None,
    ) -> None:
        self.database_url = database_url
        self.data_dir = data_dir
        self.redis_url = redis_url
        self.max_update_bytes = max_update_bytes
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        data_dir.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / f"server-{self.port}.log"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def _env(self) -> dict[str, str]:
        drop = {"DATABASE_URL", "REDIS_URL", "CODOSSIER_MAX_UPDATE_BYTES", "CODOSSIER_ASYNC_MODE"}
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env.update(
            DATABASE_URL=self.database_url,
            SECRET_KEY=TEST_SECRET,
            CODOSSIER_DATA_DIR=str(self.data_dir),
            PYTHONUNBUFFERED="1",
        )
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        if self.max_update_bytes is not None:
            env["CODOSSIER_MAX_UPDATE_BYTES"] = str(self.max_update_bytes)
        return env

    def start(self, timeout: float = 30.0) -> ServerProcess:
        """Start and wait until healthy; if another process took the port meanwhile, take another one."""
        for _ in range(3):
            try:
                return self._start(timeout)
            except PortTaken:
                self.port = free_port()
        return self._start(timeout)

    def _start(self, timeout: float) -> ServerProcess:
        assert not self.running, "already running"
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"\n--- start #{self.starts} ---\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=ROOT,
                env=self._env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_healthy(timeout)
        return self

    def _wait_until_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log().rsplit("--- start #", 1)[-1]
                self.process = None
                if "Address already in use" in tail:
                    raise PortTaken(self.port)
                raise RuntimeError(f"server exited:\n{tail[-4000:]}")
            try:
                reply = requests.get(f"{self.url}/api/health", timeout=1)
                if reply.status_code == 200 and reply.json().get("status") == "ok":
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)  # polling the health route, not synchronisation on an event
        self.stop()
        raise RuntimeError(f"server did not become healthy in {timeout} s:\n{self.log()[-4000:]}")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, like a crash or the OOM killer."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None


@contextmanager
def servers() -> Iterator[Callable[..., ServerProcess]]:
    """A factory of started server processes; every one is stopped at the end, even on failure."""
    started: list[ServerProcess] = []

    def start(*args: Any, **kwargs: Any) -> ServerProcess:
        server = ServerProcess(*args, **kwargs)
        started.append(server)
        return server.start()

    try:
        yield start
    finally:
        for server in started:
            server.stop()


# --- sessions -----------------------------------------------------------------------


def session_cookie(app: Flask, user_id: int) -> str:
    """The signed ``codossier_session`` cookie of a logged-in ``user_id`` (same SECRET_KEY as the server)."""
    assert app.config["SECRET_KEY"] == TEST_SECRET
    token = open_login(app, user_id)
    client = app.test_client()
    with client.session_transaction() as session:
        log_in(session, user_id, token)
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie is not None
    return cookie.value


def http_session(base_url: str, cookie: str) -> requests.Session:
    """A ``requests`` session carrying the cookie and, for changes, the CSRF header."""
    http = requests.Session()
    http.cookies.set(SESSION_COOKIE, cookie, domain="127.0.0.1")
    token = http.get(f"{base_url}/api/auth/session", timeout=TIMEOUT).json()["csrf_token"]
    http.headers["X-CSRF-Token"] = token
    return http


# --- y-protocols messages --------------------------------------------------------------


def sync_message(sub: int, payload: bytes) -> bytes:
    return bytes([SYNC, sub]) + pycrdt.write_message(payload)


def update_message(update: bytes) -> bytes:
    return sync_message(UPDATE, update)


def parse_message(message: bytes) -> tuple[int, int | None, bytes]:
    decoder = pycrdt.Decoder(message)
    kind = decoder.read_var_uint()
    if kind == SYNC:
        sub = decoder.read_var_uint()
        return kind, sub, decoder.read_message()
    return kind, None, decoder.read_message()


def awareness_message(entries: list[tuple[int, int, dict[str, Any] | None]]) -> bytes:
    """An awareness message (type byte included): (client id, clock, state or None)."""
    body = pycrdt.Encoder()
    body.write_var_uint(len(entries))
    for client_id, clock, state in entries:
        body.write_var_uint(client_id)
        body.write_var_uint(clock)
        body.write_var_string(json.dumps(state))
    return bytes([AWARENESS]) + pycrdt.write_message(body.to_bytes())


class NotJson(str):
    """An awareness state that is not JSON (y-protocols clients would fail on it)."""


def _json_or_raw(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return NotJson(text)


def parse_awareness(payload: bytes) -> list[tuple[int, int, Any]]:
    decoder = pycrdt.Decoder(payload)
    return [
        (decoder.read_var_uint(), decoder.read_var_uint(), _json_or_raw(decoder.read_var_string()))
        for _ in range(decoder.read_var_uint())
    ]


# --- document helpers (TipTap's schema in pycrdt) ---------------------------------------


def fragment(doc: pycrdt.Doc, key: str) -> pycrdt.XmlFragment:
    return doc.get(key, type=pycrdt.XmlFragment)


def paragraphs(doc: pycrdt.Doc, key: str) -> list[pycrdt.XmlText]:
    """The text node of each paragraph of the fragment, in order."""
    texts = []
    for child in fragment(doc, key).children:
        if isinstance(child, pycrdt.XmlElement) and child.tag == "paragraph":
            texts.extend(c for c in child.children if isinstance(c, pycrdt.XmlText))
    return texts


def text_of(node: pycrdt.XmlText) -> str:
    return "".join(chunk for chunk, _ in node.diff() if isinstance(chunk, str))


def plain_text(doc: pycrdt.Doc, key: str) -> str:
    """Every paragraph's text, joined by newlines."""
    return "\n".join(text_of(t) for t in paragraphs(doc, key))


def byte_offset(text: str, index: int) -> int:
    """pycrdt indexes text by UTF-8 bytes; tests think in characters."""
    return len(text[:index].encode())


def append_paragraph(doc: pycrdt.Doc, key: str, text: str = "", attrs: dict[str, Any] | None = None) -> None:
    node = pycrdt.XmlText()
    fragment(doc, key).children.append(pycrdt.XmlElement("paragraph", None, [node]))
    if text:
        node.insert(0, text, attrs)


def insert_text(doc: pycrdt.Doc, key: str, paragraph: int, index: int, text: str) -> None:
    """Insert ``text`` at character ``index`` of paragraph ``paragraph`` (created if the fragment is empty)."""
    nodes = paragraphs(doc, key)
    if not nodes:
        append_paragraph(doc, key)
        nodes = paragraphs(doc, key)
    node = nodes[paragraph % len(nodes)]
    current = text_of(node)
    node.insert(byte_offset(current, min(index, len(current))), text)


def delete_text(doc: pycrdt.Doc, key: str, paragraph: int, start: int, stop: int) -> str:
    """Delete characters [start, stop) of a paragraph; returns what was deleted."""
    nodes = paragraphs(doc, key)
    if not nodes:
        return ""
    node = nodes[paragraph % len(nodes)]
    current = text_of(node)
    start, stop = min(start, len(current)), min(stop, len(current))
    if stop <= start:
        return ""
    del node[byte_offset(current, start) : byte_offset(current, stop)]
    return current[start:stop]


# --- the client ---------------------------------------------------------------------------


@dataclass
class Received:
    """Everything a client received for its document (and for others)."""

    updates: list[bytes] = field(default_factory=list)  # payloads of sync step 2 and update messages
    update_messages: int = 0  # y messages of type update (0, 2)
    step1: int = 0
    step2: list[bytes] = field(default_factory=list)  # payloads of the server's sync step 2 replies
    errors: list[dict[str, Any]] = field(default_factory=list)  # y-error events
    other: list[tuple[Any, ...]] = field(default_factory=list)  # y events for another document
    awareness: list[tuple[int, int, Any]] = field(default_factory=list)  # every awareness entry, in order
    dossier: list[dict[str, Any]] = field(default_factory=list)  # "dossier" events (settings changed)


class _InOrderEngineIO(engineio.Client):
    """python-engineio's client hands every incoming message to a new thread, so a binary
    Socket.IO event (a text frame then its attachment) can be reassembled wrongly and
    events can overtake each other or the acknowledgement that follows them. A browser
    handles them in order; so does this client (on its reader thread)."""

    def _trigger_event(self, event: str, *args: Any, **kwargs: Any) -> Any:
        if event == "message":
            kwargs["run_async"] = False
        return super()._trigger_event(event, *args, **kwargs)


class InOrderClient(socketio.Client):
    def _engineio_client_class(self) -> type[engineio.Client]:
        return _InOrderEngineIO


class YClient:
    """One Socket.IO connection and one live document, with its own ``pycrdt.Doc``.

    The Doc is guarded by ``lock`` because handlers and acknowledgement callbacks run
    on the connection's reader thread, in the order the server sent them.
    """

    def __init__(self, base_url: str, cookie: str | None, dossier_id: int, document: str, *, who: str = "") -> None:
        self.base_url = base_url
        self.cookie = cookie
        self.dossier_id = dossier_id
        self.document = document
        self.who = who
        self.doc = pycrdt.Doc()
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.received = Received()
        self.awareness: dict[int, tuple[int, Any]] = {}
        self.acks: list[dict[str, Any]] = []  # acks of every update / step 2 this client sent
        self.pending = 0  # updates sent whose ack has not come yet
        self.sio: socketio.Client | None = None
        self.join_ack: dict[str, Any] | None = None
        self.timeout = TIMEOUT  # for each acknowledgement

    # connection -----------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self.sio is not None and self.sio.connected

    def connect(self, *, transports: list[str] | None = None, headers: dict[str, str] | None = None) -> YClient:
        """Open the Socket.IO connection (raises socketio.exceptions.ConnectionError if refused)."""
        sio = InOrderClient(reconnection=False)
        sio.on("y", self._on_y)
        sio.on("y-error", self._on_error)
        sio.on("dossier", self._on_dossier)
        all_headers = dict(headers or {})
        if self.cookie is not None:
            all_headers["Cookie"] = f"{SESSION_COOKIE}={self.cookie}"
        try:
            sio.connect(
                self.base_url, headers=all_headers, transports=transports or ["websocket"], wait_timeout=TIMEOUT
            )
        except Exception:
            sio.disconnect()
            raise
        self.sio = sio
        return self

    def disconnect(self) -> None:
        """Close the connection; the document and its unsent edits stay."""
        if self.sio is not None:
            sio, self.sio = self.sio, None
            sio.disconnect()  # synchronous: returns once the reader thread has ended
        with self.lock:
            self.pending = 0
            self.changed.notify_all()

    def join(self, dossier_id: Any = None, document: Any = None) -> dict[str, Any]:
        """Join the document; the server's sync step 1 (sent before the ack) is answered with step 2."""
        payload = {
            "dossier_id": self.dossier_id if dossier_id is None else dossier_id,
            "document": self.document if document is None else document,
        }
        self.join_ack = self.call("join", payload)
        return self.join_ack

    def leave(self) -> dict[str, Any]:
        return self.call("leave", {"dossier_id": self.dossier_id, "document": self.document})

    def sync(self) -> dict[str, Any]:
        """Send our sync step 1; the server's step 2 is applied before this returns (it precedes the ack)."""
        with self.lock:
            state = self.doc.get_state()
        return self.send_raw(sync_message(STEP1, state))

    def open(self, *, transports: list[str] | None = None) -> YClient:
        """Connect, join, pull what the server has, and wait until our own step 2 is acknowledged."""
        self.connect(transports=transports)
        ack = self.join()
        assert ack.get("ok") is True, f"{self.who}: join refused: {ack}"
        self.sync()
        self.flush()
        return self

    reconnect = open

    def call(self, event: str, data: Any = None) -> Any:
        assert self.sio is not None, "not connected"
        return self.sio.call(event, data, timeout=self.timeout)

    def send_raw(self, message: Any, dossier_id: Any = None, document: Any = None) -> Any:
        """A ``y`` event with any payload; returns the acknowledgement."""
        return self.call(
            "y",
            (
                self.dossier_id if dossier_id is None else dossier_id,
                self.document if document is None else document,
                message,
            ),
        )

    # incoming ---------------------------------------------------------------------

    def _on_y(self, dossier_id: Any = None, document: Any = None, message: Any = None, *rest: Any) -> None:
        if dossier_id != self.dossier_id or document != self.document or not isinstance(message, bytes):
            with self.lock:
                self.received.other.append((dossier_id, document, message, *rest))
                self.changed.notify_all()
            return
        kind, sub, payload = parse_message(message)
        with self.lock:
            if kind == SYNC and sub == STEP1:
                self.received.step1 += 1
                reply = sync_message(STEP2, self.doc.get_update(payload))
                self._emit_update(reply)
            elif kind == SYNC:
                if sub == UPDATE:
                    self.received.update_messages += 1
                else:
                    self.received.step2.append(payload)
                self.received.updates.append(payload)
                self.doc.apply_update(payload)
            elif kind == AWARENESS:
                for client_id, clock, state in parse_awareness(payload):
                    self.received.awareness.append((client_id, clock, state))
                    if state is None:
                        self.awareness.pop(client_id, None)
                    else:
                        self.awareness[client_id] = (clock, state)
            self.changed.notify_all()

    def _on_dossier(self, data: Any = None) -> None:
        with self.lock:
            self.received.dossier.append(data)
            self.changed.notify_all()

    def _on_error(self, data: Any = None) -> None:
        with self.lock:
            self.received.errors.append(data)
            self.changed.notify_all()

    def _emit_update(self, message: bytes) -> None:
        """Send an update (or step 2) without waiting; its ack lands in ``acks``."""
        assert self.sio is not None, "not connected"
        sio = self.sio
        with self.lock:
            self.pending += 1

        def acked(reply: Any = None, *_: Any) -> None:
            with self.lock:
                self.acks.append(reply)
                if self.sio is sio:
                    self.pending -= 1
                self.changed.notify_all()

        sio.emit("y", (self.dossier_id, self.document, message), callback=acked)

    # local edits ------------------------------------------------------------------

    def edit(self, change: Callable[[pycrdt.Doc], Any]) -> bytes:
        """Change the local document; returns the update it made (not sent)."""
        with self.lock:
            before = self.doc.get_state()
            change(self.doc)
            return self.doc.get_update(before)

    def send(self, update: bytes) -> dict[str, Any]:
        """Send one update message and wait for its acknowledgement."""
        ack = self.send_raw(update_message(update))
        with self.lock:
            self.acks.append(ack)
        return ack  # type: ignore[no-any-return]

    def send_nowait(self, update: bytes) -> None:
        self._emit_update(update_message(update))

    def send_window(self, updates: list[bytes], window: int) -> None:
        """Send updates without waiting for each ack, keeping at most ``window`` unacknowledged."""
        for update in updates:
            self.wait_for(lambda c: c.pending < window, what=f"fewer than {window} updates in flight")
            self.send_nowait(update)
        self.flush()

    def type(self, change: Callable[[pycrdt.Doc], Any], *, wait: bool = True) -> dict[str, Any] | None:
        """Edit locally and, when connected, send the update (offline edits are sent on reconnect)."""
        update = self.edit(change)
        if not self.connected:
            return None
        if wait:
            return self.send(update)
        self.send_nowait(update)
        return None

    # waiting ------------------------------------------------------------------------

    def wait_for(self, condition: Callable[[YClient], bool], timeout: float = TIMEOUT, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        with self.lock:
            while not condition(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{self.who}: timed out waiting for {what or condition}")
                self.changed.wait(remaining)

    def flush(self, timeout: float = TIMEOUT) -> None:
        """Wait until every update sent on this connection is acknowledged."""
        self.wait_for(
            lambda c: c.pending == 0,
            timeout,
            f"acknowledgements ({self.pending} still pending; acks so far: {self._ack_summary()})",
        )

    def _ack_summary(self) -> dict[str, int]:
        summary: dict[str, int] = {}
        for ack in list(self.acks):
            key = "saved" if ack == {"saved": True} else str((ack or {}).get("error", ack))
            summary[key] = summary.get(key, 0) + 1
        return summary

    def text(self, key: str) -> str:
        with self.lock:
            return plain_text(self.doc, key)

    def xml(self, key: str) -> str:
        with self.lock:
            return str(fragment(self.doc, key))

    def state(self) -> bytes:
        with self.lock:
            return self.doc.get_update()

    def wait_text(self, key: str, expected: str | Callable[[str], bool], timeout: float = TIMEOUT) -> None:
        check = expected if callable(expected) else (lambda text: text == expected)
        self.wait_for(lambda c: check(plain_text(c.doc, key)), timeout, f"text of {key} to be {expected!r}")

    def close(self) -> None:
        if self.sio is not None:
            self.disconnect()


# --- the database, read from the test process ---------------------------------------------


def count_updates(engine: sa.Engine, dossier_id: int, document: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                sa.text("SELECT count(*) FROM document_updates WHERE dossier_id = :d AND document = :n"),
                {"d": dossier_id, "n": document},
            ).scalar_one()
        )


def stored_rows(engine: sa.Engine, dossier_id: int, document: str) -> list[tuple[int, bytes]]:
    """(author id, bytes) of every update in the log, in order."""
    with engine.connect() as conn:
        return [
            (int(author), bytes(data))
            for author, data in conn.execute(
                sa.text(
                    "SELECT author_id, data FROM document_updates WHERE dossier_id = :d AND document = :n ORDER BY id"
                ),
                {"d": dossier_id, "n": document},
            )
        ]


def stored_snapshot(engine: sa.Engine, dossier_id: int, document: str) -> bytes | None:
    with engine.connect() as conn:
        data = conn.execute(
            sa.text("SELECT data FROM document_snapshots WHERE dossier_id = :d AND document = :n"),
            {"d": dossier_id, "n": document},
        ).scalar_one_or_none()
    return None if data is None else bytes(data)


def stored_doc(engine: sa.Engine, dossier_id: int, document: str) -> pycrdt.Doc:
    """The document as the database holds it: every update of the log plus the snapshot.

    The log is read before the snapshot: a compaction committing in between
    moves rows into the snapshot, which is then read with them (Yjs updates are
    idempotent), so nothing stored can be missed.
    """
    doc = pycrdt.Doc()
    rows = stored_rows(engine, dossier_id, document)
    snapshot = stored_snapshot(engine, dossier_id, document)
    for data in ([snapshot] if snapshot is not None else []) + [data for _, data in rows]:
        doc.apply_update(data)
    return doc


def total_updates(engine: sa.Engine, dossier_id: int, document: str) -> int:
    """Updates ever stored for the document: still in the log plus folded into the snapshot.

    One statement (one consistent read), so that a compaction running meanwhile cannot skew it.
    """
    with engine.connect() as conn:
        return int(
            conn.execute(
                sa.text(
                    "SELECT (SELECT count(*) FROM document_updates WHERE dossier_id = :d AND document = :n)"
                    " + COALESCE((SELECT folded_updates FROM document_snapshots"
                    " WHERE dossier_id = :d AND document = :n), 0)"
                ),
                {"d": dossier_id, "n": document},
            ).scalar_one()
        )


def state_vector(doc: pycrdt.Doc) -> dict[int, int]:
    decoder = pycrdt.Decoder(doc.get_state())
    return {decoder.read_var_uint(): decoder.read_var_uint() for _ in range(decoder.read_var_uint())}


def stored_fingerprint(engine: sa.Engine, dossier_id: int, document: str) -> tuple[int, dict[int, int], list[str]]:
    """Updates ever stored, the stored state vector and every root fragment's XML.

    Equal before and after means nothing was stored; unlike raw bytes it does not
    change when the server compacts the log meanwhile.
    """
    doc = stored_doc(engine, dossier_id, document)
    return (
        total_updates(engine, dossier_id, document),
        state_vector(doc),
        sorted(f"{key}={doc.get(key, type=pycrdt.XmlFragment)}" for key in doc),
    )


def wait_until(condition: Callable[[], bool], timeout: float = TIMEOUT, what: str = "") -> None:
    """Poll ``condition`` until true or fail after ``timeout`` (a deadline, not a sleep)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.01)


# --- a dossier world on a database a server process can open --------------------------------


@dataclass
class LiveWorld:
    """``build_world``'s dossier in a database file (or PostgreSQL database) shared with server processes."""

    app: Flask
    world: Any  # tests.support.DossierWorld
    database_url: str
    data_dir: Path
    engine: sa.Engine
    clients: list[YClient] = field(default_factory=list)

    @property
    def dossier_id(self) -> int:
        return int(self.world.dossier_id)

    def document(self, index: int = 0) -> str:
        return f"action-{self.world.action_ids[index]}"

    def cookie(self, who: str) -> str | None:
        return None if who == "anonymous" else session_cookie(self.app, self.world.user_ids[who])

    def client(
        self, server: ServerProcess, who: str, document: str | None = None, dossier_id: int | None = None
    ) -> YClient:
        client = YClient(
            server.url,
            self.cookie(who),
            self.dossier_id if dossier_id is None else dossier_id,
            self.document() if document is None else document,
            who=who,
        )
        self.clients.append(client)
        return client

    def close_clients(self) -> None:
        for client in self.clients:
            client.close()
        self.clients.clear()

    def http(self, server: ServerProcess, who: str) -> requests.Session:
        cookie = self.cookie(who)
        assert cookie is not None
        return http_session(server.url, cookie)

    def user(self, who: str) -> int:
        return int(self.world.user_ids[who])

    def as_relayed(self, who: str, state: dict[str, Any]) -> dict[str, Any]:
        """An awareness state as the server relays it: ``user`` says who the member really is."""
        with self.engine.connect() as conn:
            name, role = conn.execute(
                sa.text(
                    "SELECT u.display_name, m.role FROM users u JOIN memberships m ON m.user_id = u.id"
                    " WHERE u.id = :u AND m.dossier_id = :d"
                ),
                {"u": self.user(who), "d": self.dossier_id},
            ).one()
        color = (state.get("user") or {}).get("color", "#374151")
        return {**state, "user": {"id": self.user(who), "name": name, "color": color, "role": role}}

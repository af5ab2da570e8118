"""The durable relay: group commit of incoming updates, one merged broadcast per batch.

Handlers hand their validated update to :meth:`Relay.submit`, which returns
only once the update is committed. One writer task drains everything queued
meanwhile into a single transaction (group commit), then broadcasts, for each
document, the batch's updates merged into one message, then releases the
waiting handlers.

Compaction runs in a task of its own, never on the writer's path: the writer
only counts the rows it adds and wakes the compactor when a document's log
is due. A document is due once its log has grown by ``compact_after`` rows
and by one row per ``snapshot_bytes_per_row`` bytes of its snapshot, so that
rewriting a snapshot that grows with the document's history costs a bounded
amount per update; and every grown log is folded once the writer has been
idle for ``idle_seconds``.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask

from ..extensions import db
from . import documents
from .documents import DocumentRef
from .errors import DomainError

log = logging.getLogger(__name__)

Broadcast = Callable[[DocumentRef, bytes], None]
StartTask = Callable[[Callable[[], None]], object]


@dataclass
class _Pending:
    ref: DocumentRef
    author_id: int
    data: bytes
    done: threading.Event = field(default_factory=threading.Event)
    error: DomainError | None = None


class Relay:
    def __init__(
        self,
        app: Flask,
        broadcast: Broadcast,
        start_task: StartTask,
        *,
        batch_max: int = 512,
        compact_after: int = 500,
        snapshot_bytes_per_row: int = 512,
        idle_seconds: float = 2.0,
    ) -> None:
        self.app = app
        self.broadcast = broadcast
        self.start_task = start_task
        self.batch_max = batch_max
        self.compact_after = compact_after
        self.snapshot_bytes_per_row = snapshot_bytes_per_row
        self.idle_seconds = idle_seconds
        self._queue: queue.Queue[_Pending] = queue.Queue()
        self._started = False
        self._start_lock = threading.Lock()
        self._grown: Counter[DocumentRef] = Counter()
        self._grown_lock = threading.Lock()
        self._wake = threading.Event()
        self._idle = False

    def submit(self, ref: DocumentRef, author_id: int, data: bytes, timeout: float = 30.0) -> None:
        """Store one update durably; returns after its commit, raises if it could not be stored.

        The caller's session is closed first: a handler waiting for the group
        commit must not hold a pooled database connection meanwhile.
        """
        self._ensure_started()
        db.session.close()
        pending = _Pending(ref, author_id, data)
        self._queue.put(pending)
        if not pending.done.wait(timeout):
            raise DomainError("The update could not be saved in time.", code="storage_timeout")
        if pending.error is not None:
            raise pending.error

    def _ensure_started(self) -> None:
        with self._start_lock:
            if not self._started:
                self._started = True
                self.start_task(self._run)
                self.start_task(self._run_compactor)

    def _run(self) -> None:
        with self.app.app_context():
            while True:
                try:
                    self._step()
                except Exception:  # the writer must outlive any single failure
                    db.session.rollback()
                    log.exception("relay writer step failed")

    def _step(self) -> None:
        try:
            batch = [self._queue.get(timeout=self.idle_seconds)]
        except queue.Empty:
            self._idle = True
            self._wake.set()
            return
        self._idle = False
        while len(batch) < self.batch_max:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        self._commit(batch)

    def _commit(self, batch: list[_Pending]) -> None:
        try:
            batch = self._refuse_frozen(batch)
            if batch:
                documents.append([(p.ref, p.author_id, p.data) for p in batch])
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("could not commit %d updates", len(batch))
            failure = DomainError("The update could not be saved; please retry.", code="storage_error")
            for pending in batch:
                pending.error = failure
                pending.done.set()
            return
        by_document: dict[DocumentRef, list[bytes]] = defaultdict(list)
        for pending in batch:
            by_document[pending.ref].append(pending.data)
        for ref, updates in by_document.items():
            self._broadcast(ref, updates)
        for pending in batch:
            pending.done.set()
        with self._grown_lock:
            for ref, updates in by_document.items():
                self._grown[ref] += len(updates)
            if any(self.compaction_due(ref, grown) for ref, grown in self._grown.items()):
                self._wake.set()

    def _refuse_frozen(self, batch: list[_Pending]) -> list[_Pending]:
        """Release, with a refusal, the updates to dossiers that are no longer drafts; keep the others."""
        drafts = documents.editable({p.ref.dossier_id for p in batch})
        kept = []
        for pending in batch:
            if pending.ref.dossier_id in drafts:
                kept.append(pending)
            else:
                pending.error = DomainError("The dossier is frozen: answers are read-only.", code="read_only")
                pending.done.set()
        return kept

    def _broadcast(self, ref: DocumentRef, updates: list[bytes]) -> None:
        """One merged message per document; a delivery problem must not undo a commit."""
        try:
            self.broadcast(ref, documents.update_message(documents.merge(updates)))
        except Exception:
            log.exception("broadcast to %s failed", ref.room)

    def compaction_due(self, ref: DocumentRef, grown: int) -> bool:
        """Whether a log grown by `grown` rows since its last compaction is due (see the module docstring)."""
        snapshot = documents.compacted_size(ref) or 0
        return grown >= max(self.compact_after, snapshot // self.snapshot_bytes_per_row)

    def _run_compactor(self) -> None:
        with self.app.app_context():
            while True:
                self._wake.wait()
                self._wake.clear()
                try:
                    self._compact()
                except Exception:  # the compactor must outlive any single failure
                    db.session.rollback()
                    log.exception("relay compactor step failed")

    def _compact(self) -> None:
        """Compact every due document (every grown one when the writer is idle), one at a time."""
        with self._grown_lock:
            due = [ref for ref, grown in self._grown.items() if self._idle or self.compaction_due(ref, grown)]
        for ref in due:
            with self._grown_lock:
                grown = self._grown.pop(ref, 0)
            try:
                documents.compact(ref)
            except Exception:
                db.session.rollback()
                log.exception("compaction of %s failed", ref.room)
                with self._grown_lock:
                    self._grown[ref] += grown  # tried again when due

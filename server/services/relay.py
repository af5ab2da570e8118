"""The durable relay: group commit of incoming updates, one merged broadcast per batch.

Handlers hand their validated update to :meth:`Relay.submit`, which returns
only once the update is committed. One writer task drains everything queued
meanwhile into a single transaction (group commit), then broadcasts, for each
document, the batch's updates merged into one message, then releases the
waiting handlers. Between batches, and when idle, it compacts the logs it
has grown.
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
        idle_seconds: float = 2.0,
    ) -> None:
        self.app = app
        self.broadcast = broadcast
        self.start_task = start_task
        self.batch_max = batch_max
        self.compact_after = compact_after
        self.idle_seconds = idle_seconds
        self._queue: queue.Queue[_Pending] = queue.Queue()
        self._started = False
        self._start_lock = threading.Lock()
        self._grown: Counter[DocumentRef] = Counter()

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
            self._compact(minimum=1)
            return
        while len(batch) < self.batch_max:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        self._commit(batch)
        self._compact(minimum=self.compact_after)

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
            self._grown[pending.ref] += 1
        for ref, updates in by_document.items():
            self._broadcast(ref, updates)
        for pending in batch:
            pending.done.set()

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

    def _compact(self, minimum: int) -> None:
        for ref, grown in list(self._grown.items()):
            if grown < minimum:
                continue
            try:
                documents.compact(ref)
                del self._grown[ref]
            except Exception:
                db.session.rollback()
                log.exception("compaction of %s failed", ref.room)

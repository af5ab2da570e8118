"""Live documents: naming, the stored state, sync replies, validation and compaction.

The database is the single source of truth. A document's state is its
snapshot merged with every update still in its log, so any process can serve
any client. The only ``pycrdt.Doc`` kept between calls is compaction's
decoded copy of the last snapshot it wrote or read (see :func:`compact`),
used only when the stored snapshot is still that one. Compaction also keeps
who wrote the text that survives (``author_tracking``), beside the snapshot.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import Any, TypeGuard

import pycrdt
from flask import current_app
from sqlalchemy import Insert, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import defer

from ..extensions import db
from ..models import Action, CommentThread, Dossier, DossierState, Membership
from ..models.document import DocumentSnapshot, DocumentUpdate
from . import clock
from .author_tracking import Author, AuthorTracker
from .errors import DomainError, NotFound
from .forms import FormTemplate, require_template
from .policy import Capability, capabilities
from .ystate import contained, state_clocks

STORYBOARD = "storyboard"
# The one spelling of an action's document: ASCII digits, no leading zero, no trailing newline.
_ACTION = re.compile(r"action-([1-9][0-9]{0,17})")
EMPTY_UPDATE = b"\x00\x00"
MERGE_FANOUT = 64
SYNC, AWARENESS = 0, 1
STEP1, STEP2, UPDATE = 0, 1, 2


@dataclass(frozen=True)
class DocumentRef:
    dossier_id: int
    name: str

    @property
    def room(self) -> str:
        return f"doc:{self.dossier_id}:{self.name}"

    @property
    def action_id(self) -> int | None:
        match = _ACTION.fullmatch(self.name)
        return int(match.group(1)) if match else None


def dossier_room(dossier_id: int) -> str:
    """Every connection with a document of the dossier open is in this room."""
    return f"dossier:{dossier_id}"


def action_document(action_id: int) -> str:
    return f"action-{action_id}"


def is_document_name(name: object) -> TypeGuard[str]:
    """Whether ``name`` is a document name as this server spells it (``storyboard``, ``action-<id>``)."""
    return isinstance(name, str) and (name == STORYBOARD or _ACTION.fullmatch(name) is not None)


def resolve(dossier_id: int, name: object) -> DocumentRef:
    """The document ``name`` of the dossier, or NotFound."""
    if not is_document_name(name):
        raise NotFound("No such document.")
    ref = DocumentRef(dossier_id, name)
    if ref.action_id is not None:
        action = db.session.get(Action, ref.action_id)
        if action is None or action.dossier_id != dossier_id:
            raise NotFound("No such document.")
    return ref


def template_of(dossier: Dossier, ref: DocumentRef) -> FormTemplate:
    if ref.name == STORYBOARD:
        return require_template(dossier.storyboard_template_id, dossier.storyboard_template_version)
    return require_template(dossier.template_id, dossier.template_version)


def may_edit(membership: Membership) -> bool:
    """Whether this member may change answers now (role, comment-only mode, dossier state)."""
    dossier = membership.dossier
    return Capability.EDIT in capabilities(membership.role, dossier) and dossier.state == DossierState.DRAFT.value


# --- stored state -------------------------------------------------------------


def merge(updates: list[bytes]) -> bytes:
    """Merge many updates into one, as a tree (``merge_updates`` is superlinear)."""
    if not updates:
        return EMPTY_UPDATE
    while len(updates) > 1:
        updates = [
            pycrdt.merge_updates(*updates[i : i + MERGE_FANOUT])
            if len(updates[i : i + MERGE_FANOUT]) > 1
            else updates[i]
            for i in range(0, len(updates), MERGE_FANOUT)
        ]
    return updates[0]


def stored_state(ref: DocumentRef) -> bytes:
    """The document's whole state as one update."""
    return merge(_stored_updates(ref))


def _stored_updates(ref: DocumentRef) -> list[bytes]:
    """The snapshot (if any) and every logged update.

    The log is read before the snapshot: a compaction committing in between
    has folded those rows into the snapshot, so they are merged twice (which
    Yjs ignores) rather than lost.
    """
    rows = db.session.scalars(
        select(DocumentUpdate.data)
        .where(DocumentUpdate.dossier_id == ref.dossier_id, DocumentUpdate.document == ref.name)
        .order_by(DocumentUpdate.id)
    ).all()
    snapshot = db.session.scalar(
        select(DocumentSnapshot.data)
        .where(DocumentSnapshot.dossier_id == ref.dossier_id, DocumentSnapshot.document == ref.name)
        .execution_options(populate_existing=True)
    )
    return ([snapshot] if snapshot else []) + list(rows)


@dataclass(frozen=True)
class LogPosition:
    """Where a document's storage stands: updates folded into the snapshot, rows in the log, the last row's id.

    Any commit changes it: an append adds a row, a compaction folds rows. ``rows`` is counted only on
    PostgreSQL, where processes commit concurrently and a row may commit after one with a higher id;
    on SQLite one process's writer commits in id order, and counting a long log at every keystroke
    made each check cost more as the log grew (None there).
    """

    folded: int
    rows: int | None
    last_id: int


def log_position(ref: DocumentRef) -> LogPosition:
    where = (DocumentUpdate.dossier_id == ref.dossier_id, DocumentUpdate.document == ref.name)
    last = func.coalesce(func.max(DocumentUpdate.id), 0)
    rows: int | None = None
    if db.engine.dialect.name == "postgresql":
        rows, last_id = db.session.execute(select(func.count(DocumentUpdate.id), last).where(*where)).one()
    else:
        last_id = int(db.session.scalar(select(last).where(*where)) or 0)
    folded = db.session.scalar(
        select(DocumentSnapshot.folded_updates).where(
            DocumentSnapshot.dossier_id == ref.dossier_id, DocumentSnapshot.document == ref.name
        )
    )
    return LogPosition(folded or 0, rows, last_id)


def updates_after(ref: DocumentRef, last_id: int) -> list[bytes]:
    """The logged updates of the document with an id above ``last_id``, in order."""
    return list(
        db.session.scalars(
            select(DocumentUpdate.data)
            .where(
                DocumentUpdate.dossier_id == ref.dossier_id,
                DocumentUpdate.document == ref.name,
                DocumentUpdate.id > last_id,
            )
            .order_by(DocumentUpdate.id)
        )
    )


def load_doc(ref: DocumentRef) -> pycrdt.Doc[Any]:
    """The stored document, loaded update by update in one transaction (much faster than merging first)."""
    doc: pycrdt.Doc[Any] = pycrdt.Doc()
    with doc.transaction():
        for update in _stored_updates(ref):
            doc.apply_update(update)
    return doc


def state_vector(ref: DocumentRef) -> bytes:
    return pycrdt.get_state(stored_state(ref))


def sync_step1(state_vector: bytes) -> bytes:
    """The server's sync step 1, carrying the stored state vector."""
    return _message(SYNC, STEP1, state_vector)


def sync_step2(ref: DocumentRef, state_vector: bytes) -> bytes:
    """What the stored state holds beyond a client's state vector."""
    try:
        return _message(SYNC, STEP2, pycrdt.get_update(stored_state(ref), state_vector))
    except ValueError as exc:
        raise MessageError("The state vector does not decode.") from exc


def catch_up(ref: DocumentRef, state_vectors: list[bytes]) -> tuple[list[bytes | None], bytes]:
    """From one read of the stored state: for each state vector, the sync step 2 of what the
    state holds beyond it (None when nothing), and the state's own vector."""
    state = stored_state(ref)
    current = pycrdt.get_state(state)
    replies = [
        None if known == current else _message(SYNC, STEP2, pycrdt.get_update(state, known)) for known in state_vectors
    ]
    return replies, current


def update_message(update: bytes) -> bytes:
    return _message(SYNC, UPDATE, update)


def _message(kind: int, sub: int, payload: bytes) -> bytes:
    encoder = pycrdt.Encoder()
    encoder.write_var_uint(kind)
    encoder.write_var_uint(sub)
    return encoder.to_bytes() + pycrdt.write_message(payload)


# --- incoming messages ----------------------------------------------------------


class MessageError(DomainError):
    status = 400
    code = "invalid_message"


@dataclass(frozen=True)
class Message:
    kind: int
    sub: int | None
    payload: bytes


def parse_message(raw: object) -> Message:
    """Split a y-protocols message into its type, sync sub-type and payload."""
    if not isinstance(raw, bytes | bytearray) or len(raw) < 2:
        raise MessageError("Expected a binary y-protocols message.")
    try:
        decoder = pycrdt.Decoder(bytes(raw))
        kind = decoder.read_var_uint()
        if kind == SYNC:
            sub = decoder.read_var_uint()
            if sub not in (STEP1, STEP2, UPDATE):
                raise MessageError(f"Unknown sync message type {sub}.")
            return Message(kind, sub, _payload(decoder))
        if kind == AWARENESS:
            return Message(kind, None, _payload(decoder))
    except MessageError:
        raise
    except Exception as exc:  # pycrdt raises plain exceptions on truncated input
        raise MessageError("The message is truncated or malformed.") from exc
    raise MessageError(f"Unknown message type {kind}.")


def _payload(decoder: pycrdt.Decoder) -> bytes:
    payload = decoder.read_message()
    if payload is None:
        raise MessageError("The message has no payload.")
    return bytes(payload)


def check_update(update: bytes, limit: int) -> None:
    """Refuse an update that is too large or does not decode as a Yjs update."""
    if len(update) > limit:
        raise DomainError(f"The update is larger than {limit} bytes.", code="too_large")
    try:
        pycrdt.Doc().apply_update(update)
    except Exception as exc:
        raise DomainError("The update does not decode as a Yjs update.", code="invalid_update") from exc


def adds_nothing(ref: DocumentRef, update: bytes) -> bool:
    """True when the stored state already holds everything ``update`` carries.

    A reconnecting client's sync step 2 always repeats the document's delete
    set, and a client may send known structs again; such an update is
    acknowledged without being stored or credited.
    """
    if update == EMPTY_UPDATE:
        return True
    state = stored_state(ref)
    return pycrdt.merge_updates(state, update) == pycrdt.merge_updates(state, EMPTY_UPDATE)


# --- the log ------------------------------------------------------------------------


def editable(dossier_ids: set[int]) -> set[int]:
    """Which of these dossiers are drafts, holding a share lock on them until commit (PostgreSQL).

    A freeze takes the dossier's row lock: it waits for updates being
    committed, and updates committed after it see the new state and are refused.
    """
    return set(
        db.session.scalars(
            select(Dossier.id)
            .where(Dossier.id.in_(dossier_ids), Dossier.state == DossierState.DRAFT.value)
            .with_for_update(read=True)
        )
    )


def append(entries: list[tuple[DocumentRef, int, bytes]]) -> None:
    """Add updates (document, author id, bytes) to the log in the current transaction.

    One multi-row INSERT, without the ORM's unit of work: this is the hot path.
    """
    now = clock.now()
    db.session.execute(
        insert(DocumentUpdate),
        [
            {"dossier_id": ref.dossier_id, "document": ref.name, "author_id": author, "data": data, "created_at": now}
            for ref, author, data in entries
        ],
    )


def _insert_ignoring_conflict(model: type[Any], values: dict[str, Any]) -> Insert:
    dialect = sqlite if db.engine.dialect.name == "sqlite" else postgresql
    statement: Insert = dialect.insert(model).values(**values).on_conflict_do_nothing()
    return statement


@dataclass
class _Compacted:
    """A snapshot as compaction last wrote or read it, decoded, and how to recognise it in the database."""

    key: tuple[int, int]  # (folded_updates, length of the data)
    tracker: AuthorTracker  # the snapshot's Doc, and who wrote its text


def _compacted() -> OrderedDict[DocumentRef, _Compacted]:
    """The app's decoded snapshots (per app: tests run several apps, each with its own database, in one process)."""
    kept: OrderedDict[DocumentRef, _Compacted] = current_app.extensions.setdefault("codossier.compacted", OrderedDict())
    return kept


COMPACTED_DOCS = 16


def compacted_size(ref: DocumentRef) -> int | None:
    """The size in bytes of the document's snapshot as this process last compacted it, if it remembers it."""
    entry = _compacted().get(ref)
    return entry.key[1] if entry else None


def forget_compacted() -> None:
    """Drop every decoded snapshot kept by compaction (as a restart does)."""
    _compacted().clear()


def compact(ref: DocumentRef) -> int:
    """Fold the document's log into its snapshot; returns how many updates were folded.

    Runs in one transaction that holds the snapshot row's lock, and removes
    only rows it read: an update appended meanwhile stays in the log. So does
    an update whose content is not all in the new snapshot (it waits for an
    update it depends on, see :func:`.ystate.contained`): it is folded by a later
    compaction, once its dependency has arrived.

    The snapshot it writes stays decoded in this process: the next compaction
    applies the new rows to it instead of reading and decoding the whole
    snapshot again, as long as the stored one is still the same (same folded
    count and size; a compaction elsewhere changes the count). A compaction
    takes the entry out while it works, so two never share a ``Doc``.
    """
    pending = db.session.scalar(
        select(DocumentUpdate.id)
        .where(DocumentUpdate.dossier_id == ref.dossier_id, DocumentUpdate.document == ref.name)
        .limit(1)
    )
    if pending is None or not _compaction_lock(ref):
        db.session.rollback()
        return 0
    db.session.execute(
        _insert_ignoring_conflict(
            DocumentSnapshot,
            {
                "dossier_id": ref.dossier_id,
                "document": ref.name,
                "data": EMPTY_UPDATE,
                "folded_updates": 0,
                "updated_at": clock.now(),
            },
        )
    )
    snapshot, size = db.session.execute(
        select(DocumentSnapshot, func.length(DocumentSnapshot.data))
        .where(DocumentSnapshot.dossier_id == ref.dossier_id, DocumentSnapshot.document == ref.name)
        .options(defer(DocumentSnapshot.data))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    rows = _log_rows(ref)
    if not rows:
        db.session.commit()
        return 0
    key = (snapshot.folded_updates, size)
    cached = _compacted().pop(ref, None)
    if cached is None or cached.key != key:
        if cached is not None:
            cached.tracker.close()
        cached = _Compacted(key, _tracker(ref, snapshot.data, snapshot.authors))
    for row in rows:  # one by one, in log order: each row's insertions are its author's
        cached.tracker.apply(row.data, row.author_id)
    doc = cached.tracker.doc
    state = doc.get_state()
    clocks = state_clocks(state)
    folded = [row for row in rows if contained(row.data, state, clocks)]
    if folded:
        data = doc.get_update()
        snapshot.data = data
        snapshot.authors = cached.tracker.dump()
        snapshot.folded_updates += len(folded)
        snapshot.updated_at = clock.now()
        ids = [row.id for row in folded]
        for start in range(0, len(ids), 500):
            db.session.execute(delete(DocumentUpdate).where(DocumentUpdate.id.in_(ids[start : start + 500])))
        cached.key = (snapshot.folded_updates, len(data))
    db.session.commit()
    kept = _compacted()
    kept[ref] = cached
    while len(kept) > COMPACTED_DOCS:
        kept.popitem(last=False)[1].tracker.close()
    return len(folded)


def _log_rows(ref: DocumentRef) -> list[Any]:
    """The document's logged rows (id, author, data), in log order."""
    return list(
        db.session.execute(
            select(DocumentUpdate.id, DocumentUpdate.author_id, DocumentUpdate.data)
            .where(DocumentUpdate.dossier_id == ref.dossier_id, DocumentUpdate.document == ref.name)
            .order_by(DocumentUpdate.id)
        )
    )


def _tracker(ref: DocumentRef, snapshot: bytes | None, authors: str | None) -> AuthorTracker:
    """The snapshot decoded, following who writes what in every question of the document's form."""
    dossier = db.session.get(Dossier, ref.dossier_id)
    if dossier is None:
        raise NotFound("No such dossier.")
    doc: pycrdt.Doc[Any] = pycrdt.Doc()
    if snapshot:
        doc.apply_update(snapshot)
    return AuthorTracker(doc, [q.key for q in template_of(dossier, ref).questions], authors)


def _compaction_lock(ref: DocumentRef) -> bool:
    """On PostgreSQL, one process compacts a document at a time; the others skip it.

    (SQLite serves one process, whose writer compacts between batches.)
    """
    if db.engine.dialect.name != "postgresql":
        return True
    key = zlib.crc32(ref.room.encode())
    return bool(db.session.scalar(select(func.pg_try_advisory_xact_lock(key))))


def characters(ref: DocumentRef) -> dict[str, Counter[Author]]:
    """Per question: how many characters of its text, as stored now, each member wrote.

    The snapshot's authorship brought up to date with the rows still in the log (not stored: the
    next compaction stores it). The log is read before the snapshot, as in :func:`_stored_updates`:
    rows a compaction folds in between are applied twice, which changes nothing.
    """
    rows = _log_rows(ref)
    stored = db.session.execute(
        select(DocumentSnapshot.data, DocumentSnapshot.authors)
        .where(DocumentSnapshot.dossier_id == ref.dossier_id, DocumentSnapshot.document == ref.name)
        .execution_options(populate_existing=True)
    ).one_or_none()
    tracker = _tracker(ref, stored.data if stored else None, stored.authors if stored else None)
    try:
        for row in rows:
            tracker.apply(row.data, row.author_id)
        return tracker.characters()
    finally:
        tracker.close()


def forget(ref: DocumentRef) -> None:
    """Remove a deleted action's document (log, snapshot, counts, comment threads)."""
    for model in (DocumentUpdate, DocumentSnapshot, CommentThread):
        db.session.execute(delete(model).where(model.dossier_id == ref.dossier_id, model.document == ref.name))

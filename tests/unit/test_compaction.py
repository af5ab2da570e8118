"""Compaction under any delivery order: property test at the service level (SQLite and PostgreSQL).

A chain of dependent updates (two people editing in turn, each edit made on
top of all the earlier ones: insertions and deletions) is delivered in a random
order, possibly only in part, through ``documents.append``; compactions and
"restarts" (a new session, and compaction's decoded snapshot dropped, so that
everything is read back from the database) happen at random points. The stored
state must always be exactly what a document that applied every delivered
update holds, pending parts included: once the missing updates arrive, every
delivered update's content is there.
"""

from __future__ import annotations

import random

import pycrdt
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from server.extensions import db
from server.models import DocumentUpdate
from server.services import documents
from server.services.documents import DocumentRef
from tests.support import DossierWorld

KEY = "objectifs"


def _chain(steps: list[tuple[int, bool, float, str]]) -> list[bytes]:
    """The updates of two peers editing a paragraph in turn, each peer first receiving all earlier edits."""
    peers = [pycrdt.Doc(), pycrdt.Doc()]
    updates: list[bytes] = []
    for who, delete, where, text in steps:
        doc = peers[who]
        for update in updates:
            doc.apply_update(update)
        before = doc.get_state()
        node = _text(doc)
        if delete and len(node) > 0:
            start = int(where * len(node))
            del node[start : min(len(node), start + 3)]
        else:
            node.insert(int(where * len(node)), text)
        update = doc.get_update(before)
        if update != documents.EMPTY_UPDATE:
            updates.append(update)
    return updates


def _text(doc: pycrdt.Doc) -> pycrdt.XmlText:
    fragment = doc.get(KEY, type=pycrdt.XmlFragment)
    if not fragment.children:
        fragment.children.append(pycrdt.XmlElement("paragraph", None, [pycrdt.XmlText()]))
    return fragment.children[0].children[0]  # type: ignore[union-attr,no-any-return]


def _content(update: bytes) -> tuple[str, bytes]:
    doc = pycrdt.Doc()
    doc.apply_update(update)
    return str(doc.get(KEY, type=pycrdt.XmlFragment)), doc.get_state()


def _whole(updates: list[bytes]) -> bytes:
    return pycrdt.merge_updates(documents.EMPTY_UPDATE, *updates)


def _assert_every_character_credited(ref: DocumentRef, authors: set[int]) -> None:
    """The authorship kept through compactions and restarts covers the stored text, each character once.

    (Checked once every update has arrived: while some wait for a dependency, yrs applying the log
    row by row and the merged state sent to clients may disagree on which deletions apply yet.)"""
    doc = pycrdt.Doc()
    doc.apply_update(documents.stored_state(ref))
    counts = documents.characters(ref)[KEY]
    paragraphs = doc.get(KEY, type=pycrdt.XmlFragment).children  # (each peer may have started one)
    assert sum(counts.values()) == sum(len(str(text)) for p in paragraphs for text in p.children)  # type: ignore[union-attr]
    assert set(counts) <= authors


steps = st.lists(
    st.tuples(
        st.integers(0, 1),
        st.booleans(),
        st.floats(0, 1, exclude_max=True),
        st.text("abcxyz", min_size=1, max_size=4),
    ),
    min_size=2,
    max_size=9,
)
# After each delivery: nothing, a compaction, or a restart followed by a compaction.
plans = st.tuples(steps, st.randoms(use_true_random=False), st.lists(st.sampled_from(["-", "c", "rc"]), max_size=9))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=plans)
def test_compaction_at_any_point_keeps_every_delivered_update(
    app: Flask, world: DossierWorld, plan: tuple[list[tuple[int, bool, float, str]], random.Random, list[str]]
) -> None:
    chain_steps, rng, events = plan
    updates = _chain(chain_steps)
    order = list(range(len(updates)))
    rng.shuffle(order)
    delivered_count = rng.randint(1, len(order))
    delivered, missing = order[:delivered_count], order[delivered_count:]
    authors = [world.user_ids["lead"], world.user_ids["partner"]]
    with app.app_context():
        ref = DocumentRef(world.dossier_id, documents.action_document(world.action_ids[0]))
        documents.forget(ref)
        db.session.commit()
        for n, index in enumerate(delivered):
            documents.append([(ref, authors[index % 2], updates[index])])
            db.session.commit()
            event = events[n] if n < len(events) else "-"
            if "r" in event:
                db.session.remove()
                documents.forget_compacted()
            if "c" in event:
                documents.compact(ref)
            expected = _whole([updates[i] for i in delivered[: n + 1]])
            assert _content(documents.stored_state(ref)) == _content(expected)
        documents.compact(ref)
        db.session.remove()

        # Every delivered update is still there, pending parts included: the missing ones complete the chain.
        stored = documents.stored_state(ref)
        assert _content(_whole([stored] + [updates[i] for i in missing])) == _content(_whole(updates))

        for index in missing:
            documents.append([(ref, authors[index % 2], updates[index])])
        db.session.commit()
        documents.compact(ref)
        assert _content(documents.stored_state(ref)) == _content(_whole(updates))
        assert documents.compact(ref) == 0
        left = select(func.count()).where(
            DocumentUpdate.dossier_id == ref.dossier_id, DocumentUpdate.document == ref.name
        )
        assert db.session.scalar(left) == 0  # all folded once complete
        _assert_every_character_credited(ref, set(authors))
        db.session.remove()

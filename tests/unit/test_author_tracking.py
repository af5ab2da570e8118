"""The authorship tracker credits every surviving character to the member whose update inserted it.

Each author types only characters of their own (one per author, some of them several bytes long in
UTF-8), so the text itself is the ground truth: whoever owns a character wrote it. Authors edit their
own copies, concurrently, and send what they did at random moments (several edits at once, as after a
time offline); the tracker receives the updates in the order they arrive, and is saved and reloaded
(as compaction does) at random points.
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import accumulate

import pycrdt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.services.author_tracking import AuthorTracker

FIELDS = ["objectifs", "public"]
LETTERS = {1: "a", 2: "é", 3: "😀", 4: "b"}  # author id -> the one character they type
OWNER = {letter: author for author, letter in LETTERS.items()}

edit = st.tuples(
    st.sampled_from(sorted(LETTERS)),  # who
    st.sampled_from(["type", "type", "type", "delete", "paragraph", "drop_paragraph", "bold", "send", "send"]),
    st.sampled_from(FIELDS),
    st.integers(min_value=0, max_value=10_000),  # where (modulo what is there)
    st.integers(min_value=1, max_value=6),  # how many
)


class Author:
    def __init__(self, author_id: int) -> None:
        self.id = author_id
        self.doc: pycrdt.Doc = pycrdt.Doc()
        self.sent = self.doc.get_state()

    def fragment(self, field: str) -> pycrdt.XmlFragment:
        return self.doc.get(field, type=pycrdt.XmlFragment)

    def texts(self, field: str) -> list[pycrdt.XmlText]:
        return [t for p in self.fragment(field).children for t in p.children if isinstance(t, pycrdt.XmlText)]

    def act(self, kind: str, field: str, where: int, count: int) -> None:
        fragment, texts = self.fragment(field), self.texts(field)
        if kind == "paragraph" or (not texts and kind in ("type", "delete", "bold")):
            paragraph = fragment.children.insert(where % (len(fragment.children) + 1), pycrdt.XmlElement("paragraph"))
            paragraph.children.append(pycrdt.XmlText(LETTERS[self.id] * count))
            return
        if kind == "drop_paragraph":
            if len(fragment.children):
                del fragment.children[where % len(fragment.children)]
            return
        text = texts[where % len(texts)]
        plain = "".join(chunk for chunk, _ in text.diff() if isinstance(chunk, str))
        length = len(plain.encode())
        # pycrdt's offsets are UTF-8 bytes: stay on character boundaries
        boundaries = [0, *accumulate(len(c.encode()) for c in plain)]
        at = boundaries[where % len(boundaries)]
        if kind == "type":
            text.insert(at, LETTERS[self.id] * count)
        elif kind == "delete" and at < length:
            ends = [b for b in boundaries if b > at][:count]
            del text[at : ends[-1]]
        elif kind == "bold" and at < length:
            text.format(at, next(b for b in boundaries if b > at), {"bold": True})

    def outgoing(self) -> bytes | None:
        update = self.doc.get_update(self.sent)
        self.sent = self.doc.get_state()
        return None if update == b"\x00\x00" else update


def truth(doc: pycrdt.Doc) -> dict[str, Counter[int | None]]:
    out: dict[str, Counter[int | None]] = {}
    for field in FIELDS:
        fragment = doc.get(field, type=pycrdt.XmlFragment)
        plain = "".join(
            chunk for p in fragment.children for t in p.children for chunk, _ in t.diff() if isinstance(chunk, str)
        )
        out[field] = Counter(OWNER[c] for c in plain)
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edit, min_size=1, max_size=60), st.lists(st.integers(0, 59), max_size=4))
def test_every_surviving_character_is_credited_to_its_author(
    edits: list[tuple[int, str, str, int, int]], reloads: list[int]
) -> None:
    authors = {a: Author(a) for a in LETTERS}
    server = AuthorTracker(pycrdt.Doc(), FIELDS, None)
    relayed: list[bytes] = []

    def send(author: Author) -> None:
        update = author.outgoing()
        if update is not None:
            server.apply(update, author.id)
            relayed.append(update)

    for step, (who, kind, field, where, count) in enumerate(edits):
        author = authors[who]
        if kind == "send":
            send(author)
            for update in relayed:  # and receive what the others sent
                author.doc.apply_update(update)
            author.sent = author.doc.get_state()
        else:
            author.act(kind, field, where, count)
        if step in reloads:  # as a compaction then a restart would
            stored, state = server.dump(), server.doc.get_update()
            server.close()
            reloaded: pycrdt.Doc = pycrdt.Doc()
            reloaded.apply_update(state)
            server = AuthorTracker(reloaded, FIELDS, stored)
    for author in authors.values():
        send(author)

    expected = truth(server.doc)
    got = server.characters()
    assert {f: +c for f, c in got.items()} == {f: +c for f, c in expected.items()}
    assert runs_by_unit(server.dump()) == owners_by_unit(server.doc)


def runs_by_unit(stored: str) -> dict[str, list[list[int | None]]]:
    """The saved runs spelled out: the author of each unit (UTF-8 byte) of each text."""
    fields = json.loads(stored)["fields"]
    return {
        field: [[a for a, n in zip(flat[0::2], flat[1::2], strict=True) for _ in range(n)] for flat in texts]
        for field, texts in fields.items()
    }


def owners_by_unit(doc: pycrdt.Doc) -> dict[str, list[list[int | None]]]:
    """The truth in the same shape: each character's owner, once per byte of it."""
    out = {}
    for field in FIELDS:
        fragment = doc.get(field, type=pycrdt.XmlFragment)
        texts = [t for p in fragment.children for t in p.children]
        out[field] = [
            [OWNER[c] for chunk, _ in t.diff() if isinstance(chunk, str) for c in chunk for _ in c.encode()]
            for t in texts
        ]
    return out


def test_typing_then_deleting_it_all_leaves_the_credit_unchanged() -> None:
    """The trial of the issue: 3,000 characters typed then deleted move nobody's share."""
    sylvie, marion = Author(1), Author(2)
    server = AuthorTracker(pycrdt.Doc(), FIELDS, None)
    sylvie.act("paragraph", "objectifs", 0, 6)
    server.apply(sylvie.outgoing() or b"", 1)
    marion.doc.apply_update(sylvie.doc.get_update())
    marion.sent = marion.doc.get_state()
    before = server.characters()
    text = marion.texts("objectifs")[0]
    for _ in range(300):
        text.insert(len(text), "é" * 10)
        server.apply(marion.outgoing() or b"", 2)
    del text[len("a" * 6) :]
    server.apply(marion.outgoing() or b"", 2)

    assert server.characters() == before
    assert before["objectifs"] == Counter({1: 6})

"""Who wrote each character that is still in a document: the text that survives, credited to its authors.

The server knows who sent every update it logged (``DocumentUpdate.author_id``), not who typed what:
a Yjs client id is not a member. So a document's authorship is kept by replaying its updates in log
order through a ``pycrdt.Doc`` and following the changes each one makes to the text
(``observe_deep``): the characters an update inserts are credited to the member who sent it, the
characters it deletes leave the count with the text. Formatting changes nothing. Each ``XmlText``
holds *runs*: (author, length) pairs covering its text in order, in the unit pycrdt's offsets use
(UTF-8 bytes); counts are turned into characters at the end.

The runs are kept with the compacted snapshot (``DocumentSnapshot.authors``, written by the same
compaction that folds the rows, so they always describe exactly the snapshot's text) and brought up
to date from the rows still in the log when someone asks. Text that a snapshot held before authorship
was kept is credited to nobody (``None``): "author not recorded".

An update that depends on one not logged yet (a client may send its edits out of order) is not all
integrated at once, and yrs, applying updates one at a time, sometimes drops its waiting parts for
good (about 1 in 20 shuffled orders of a few edits, where merging them all first does not). So such
an update waits in the tracker and is applied again, credited to its own author, after each later
one, until the document holds all of it.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

import pycrdt

from .ystate import contained, state_clocks

Author = int | None

FORMAT = 1


class _Runs:
    """(author, length) runs over one XmlText, as two parallel lists (lengths > 0, neighbours differ)."""

    __slots__ = ("authors", "lengths")

    def __init__(self, authors: list[Author], lengths: list[int]) -> None:
        self.authors = authors
        self.lengths = lengths

    @classmethod
    def of(cls, author: Author, length: int) -> _Runs:
        return cls([author], [length]) if length > 0 else cls([], [])

    def total(self) -> int:
        return sum(self.lengths)

    def _split(self, position: int) -> int:
        """Make a run start at ``position``; returns that run's index (``len`` at the end)."""
        ends = list(accumulate(self.lengths))
        index = bisect_right(ends, position)
        if index == len(ends):
            return index
        start = ends[index] - self.lengths[index]
        if start == position:
            return index
        left = position - start
        self.authors.insert(index + 1, self.authors[index])
        self.lengths.insert(index + 1, self.lengths[index] - left)
        self.lengths[index] = left
        return index + 1

    def insert(self, position: int, author: Author, length: int) -> None:
        index = self._split(position)
        self.authors.insert(index, author)
        self.lengths.insert(index, length)
        self._merge(index)

    def delete(self, position: int, length: int) -> None:
        first = self._split(position)
        last = self._split(position + length)
        del self.authors[first:last], self.lengths[first:last]
        self._merge(first)

    def _merge(self, index: int) -> None:
        """Join the runs around ``index`` that have the same author."""
        for at in (index + 1, index):
            if 0 < at < len(self.authors) and self.authors[at - 1] == self.authors[at]:
                self.lengths[at - 1] += self.lengths[at]
                del self.authors[at], self.lengths[at]

    def flat(self) -> list[Any]:
        return [value for pair in zip(self.authors, self.lengths, strict=True) for value in pair]

    @classmethod
    def from_flat(cls, flat: list[Any]) -> _Runs:
        return cls(list(flat[0::2]), [int(n) for n in flat[1::2]])


def _units(text: str) -> int:
    """The length of ``text`` in pycrdt's offsets (UTF-8 bytes)."""
    return len(text.encode())


def _plain(node: pycrdt.XmlText) -> bytes:
    """The text of ``node`` without its formatting, in pycrdt's units (an embed is one unit)."""
    return b"".join(chunk.encode() if isinstance(chunk, str) else b"?" for chunk, _attrs in node.diff())


def _texts(node: Any) -> Iterator[pycrdt.XmlText]:
    """Every XmlText under ``node`` (itself included), in document order (without recursion: stored
    content may nest thousands of levels deep)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, pycrdt.XmlText):
            yield current
        elif isinstance(current, (pycrdt.XmlElement, pycrdt.XmlFragment)):
            stack.extend(reversed(list(current.children)))


class AuthorTracker:
    """A document's ``Doc`` whose updates, applied through :meth:`apply`, keep the runs of every text."""

    def __init__(self, doc: pycrdt.Doc[Any], fields: list[str], stored: str | None) -> None:
        self.doc = doc
        self.fields = fields
        self._author: Author = None
        self._runs: dict[pycrdt.XmlText, _Runs] = {}
        self._waiting: list[tuple[bytes, int]] = []  # updates not all integrated yet, and their authors
        saved = _decode(stored)
        self._subscriptions = []
        for field in fields:
            fragment = doc.get(field, type=pycrdt.XmlFragment)
            kept = saved.get(field, [])
            for i, text in enumerate(_texts(fragment)):
                runs = _Runs.from_flat(kept[i]) if i < len(kept) else None
                length = len(_plain(text))
                self._runs[text] = runs if runs is not None and runs.total() == length else _Runs.of(None, length)
            self._subscriptions.append((fragment, fragment.observe_deep(self._changed)))

    def apply(self, update: bytes, author: int) -> None:
        """Apply one logged update, crediting what it inserts to ``author``."""
        self._integrate(update, author)
        if not self._holds(update):
            # (compaction applies a waiting row again each time it reads the log: keep it once)
            if (update, author) not in self._waiting:
                self._waiting.append((update, author))
            return
        retried = True
        while retried and self._waiting:  # what this update completes, each credited to its sender
            retried = False
            for waiting in list(self._waiting):
                self._integrate(*waiting)
                if self._holds(waiting[0]):
                    self._waiting.remove(waiting)
                    retried = True

    def _integrate(self, update: bytes, author: int) -> None:
        self._author = author
        try:
            self.doc.apply_update(update)
        finally:
            self._author = None

    def _holds(self, update: bytes) -> bool:
        state = self.doc.get_state()
        return contained(update, state, state_clocks(state))

    def close(self) -> None:
        for fragment, subscription in self._subscriptions:
            fragment.unobserve(subscription)
        self._subscriptions.clear()

    def _changed(self, events: list[Any]) -> None:
        author = self._author
        for event in events:
            target = event.target
            if isinstance(target, pycrdt.XmlText):
                self._text_changed(target, event.delta, author)
                continue
            for op in event.delta:
                for child in op.get("insert", ()):
                    for text in _texts(child):
                        self._runs[text] = _Runs.of(author, len(_plain(text)))

    def _text_changed(self, text: pycrdt.XmlText, delta: list[dict[str, Any]], author: Author) -> None:
        runs = self._runs.get(text)
        if runs is None:  # not seen yet: what was there before this change has no known author
            net = sum(_op_units(op) for op in delta if "insert" in op) - sum(op.get("delete", 0) for op in delta)
            runs = self._runs[text] = _Runs.of(None, len(_plain(text)) - net)
        position = 0
        for op in delta:
            if "retain" in op:
                position += op["retain"]
            elif "delete" in op:
                runs.delete(position, op["delete"])
            elif "insert" in op:
                length = _op_units(op)
                runs.insert(position, author, length)
                position += length

    def dump(self) -> str:
        """The runs of every text, in document order, for ``DocumentSnapshot.authors``."""
        fields: dict[str, list[list[Any]]] = {}
        kept: dict[pycrdt.XmlText, _Runs] = {}
        for field in self.fields:
            texts = list(_texts(self.doc.get(field, type=pycrdt.XmlFragment)))
            for text in texts:
                kept[text] = self._runs.get(text) or _Runs.of(None, len(_plain(text)))
            fields[field] = [kept[text].flat() for text in texts]
        self._runs = kept  # forget the texts deleted since
        return json.dumps({"format": FORMAT, "fields": fields}, separators=(",", ":"))

    def characters(self) -> dict[str, Counter[Author]]:
        """Per field: how many characters of its current text each author wrote."""
        out: dict[str, Counter[Author]] = {}
        for field in self.fields:
            counts: Counter[Author] = Counter()
            for text in _texts(self.doc.get(field, type=pycrdt.XmlFragment)):
                plain = _plain(text)
                runs = self._runs.get(text) or _Runs.of(None, len(plain))
                start = 0
                for author, length in zip(runs.authors, runs.lengths, strict=True):
                    counts[author] += len(plain[start : start + length].decode(errors="replace"))
                    start += length
            out[field] = counts
        return out


def _op_units(op: dict[str, Any]) -> int:
    inserted = op["insert"]
    return _units(inserted) if isinstance(inserted, str) else 1


def _decode(stored: str | None) -> dict[str, list[list[Any]]]:
    if not stored:
        return {}
    data = json.loads(stored)
    if data.get("format") != FORMAT:
        return {}
    return dict(data.get("fields") or {})

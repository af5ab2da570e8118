"""The document schema: what an update may leave in a live document.

It is the TipTap schema of the answer editor (``client/src/pages/dossier/live/extensions.ts``)
as its Collaboration extension stores it: one ``XmlFragment`` per question key
of the document's form, element names are node types, element attributes are
node attributes, text attributes are marks. See docs/protocol.md.

An update is checked by applying it to a copy of the stored document and
walking the result (iteratively, without recursion). It is refused with
``invalid_content`` when it adds a violation to a fragment. A fragment that
already held violations before this check existed (old data) stays editable:
an update is accepted if it does not increase the fragment's number of
violations, so a member can repair it. A node that is itself a violation is
counted once and not walked into.

Every rule holds for each element on its own (its name, its attributes, its
parent's name, its depth): Yjs never changes them once an element exists, so
concurrent valid updates always merge into valid content.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pycrdt
from flask import current_app

from ..extensions import db
from ..models import Dossier
from . import documents
from .documents import DocumentRef
from .errors import DomainError, NotFound
from .rendering import MAX_DEPTH, SAFE_SCHEMES

TEXT = "#text"
BLOCK = frozenset({"paragraph", "heading", "bulletList", "orderedList", "blockquote"})
INLINE = frozenset({TEXT, "hardBreak"})
ROOT = "#fragment"
# element (or the fragment) -> the children it may hold
CHILDREN: dict[str, frozenset[str]] = {
    ROOT: BLOCK,
    "paragraph": INLINE,
    "heading": INLINE,
    "blockquote": BLOCK,
    "bulletList": frozenset({"listItem"}),
    "orderedList": frozenset({"listItem"}),
    "listItem": BLOCK,
    "hardBreak": frozenset(),
}
SIMPLE_MARKS = frozenset({"bold", "italic", "strike", "underline"})
LINK_FIELDS = frozenset({"href", "target", "rel", "class", "title"})
MAX_HREF = 2048
MAX_LINK_FIELD = 200
ORDERED_TYPES = frozenset({"1", "a", "A", "i", "I"})
MAX_LIST_START = 1_000_000


class InvalidContent(DomainError):
    status = 400
    code = "invalid_content"


def _integer(value: object, low: int, high: int) -> bool:
    """A whole number in [low, high] (Yjs numbers arrive as floats)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and value == int(value) and low <= value <= high


def _short_text(value: object) -> bool:
    return value is None or (isinstance(value, str) and len(value) <= MAX_LINK_FIELD)


AttributeRule = Callable[[object], bool]
ATTRIBUTES: dict[str, dict[str, AttributeRule]] = {
    "heading": {"level": lambda v: _integer(v, 1, 6)},
    "orderedList": {
        "start": lambda v: _integer(v, -MAX_LIST_START, MAX_LIST_START),
        "type": lambda v: v is None or v in ORDERED_TYPES,
    },
}


def safe_href(value: object) -> bool:
    return isinstance(value, str) and len(value) <= MAX_HREF and value.strip().lower().startswith(SAFE_SCHEMES)


def _mark_problem(name: object, value: object) -> str | None:
    if name in SIMPLE_MARKS:
        return None if value is None or value is True or value == {} else f"mark {name} carries a value"
    if name != "link":
        return f"unknown mark {str(name)[:40]!r}"
    if value is None:
        return None
    if not isinstance(value, dict) or not set(value) <= LINK_FIELDS:
        return "a link's attributes are not href, target, rel, class, title"
    if not safe_href(value.get("href")):
        return "a link's href is not an http(s) or mailto address"
    if not all(_short_text(value.get(key)) for key in LINK_FIELDS - {"href"}):
        return "a link attribute is not a short text"
    return None


def _text_problem(node: pycrdt.XmlText) -> str | None:
    if len(node.attributes):
        return "a text node has attributes"
    for chunk, marks in node.diff():
        if not isinstance(chunk, str):
            return "a text node embeds an object"
        for name, value in (marks or {}).items():
            problem = _mark_problem(name, value)
            if problem:
                return problem
    return None


def _element_problem(node: pycrdt.XmlElement, parent: str) -> str | None:
    tag = node.tag or ""
    if tag not in CHILDREN.get(parent, ()):
        return f"{tag[:40]!r} may not be inside {parent[:40]!r}"
    rules = ATTRIBUTES.get(tag, {})
    # pycrdt types XmlAttributesView.__iter__ as returning an Iterable, not an Iterator
    for name, value in dict(node.attributes).items():  # type: ignore[call-overload]
        rule = rules.get(name)
        if rule is None:
            return f"{tag} has no attribute {str(name)[:40]!r}"
        if not rule(value):
            return f"{tag}'s {name} has a wrong type or value"
    return None


def _fragment_problems(fragment: pycrdt.XmlFragment) -> Iterator[str]:
    return _subtree_problems([(child, ROOT, 1) for child in reversed(list(fragment.children))])


def _subtree_problems(stack: list[tuple[object, str, int]]) -> Iterator[str]:
    """The violations in these nodes and below: (node, its parent's name, the depth of the node)."""
    while stack:
        node, parent, depth = stack.pop()  # depth: of the element (a text node is part of its element)
        if isinstance(node, pycrdt.XmlText):
            problem = None if TEXT in CHILDREN.get(parent, ()) else f"text may not be inside {parent[:40]!r}"
            problem = problem or _text_problem(node)
            if problem:
                yield problem
        elif isinstance(node, pycrdt.XmlElement):
            problem = f"content nested deeper than {MAX_DEPTH} levels" if depth > MAX_DEPTH else None
            problem = problem or _element_problem(node, parent)
            if problem:
                yield problem
            else:
                stack.extend((child, node.tag or "", depth + 1) for child in reversed(list(node.children)))
        else:
            yield "an object that is neither an element nor a text node"


def _root_problem(doc: pycrdt.Doc[Any], name: str, keys: frozenset[str]) -> str | None:
    """What is wrong with the root itself: a root is an XmlFragment named by a question key (or has no content)."""
    entries = len(doc.get(name, type=pycrdt.Map))
    length = len(doc.get(name, type=pycrdt.Text))  # every live item of the root's sequence counts
    if not entries and not length:
        return None
    if name not in keys:
        return f"{name[:40]!r} is not a question of this document"
    if entries or length != len(list(doc.get(name, type=pycrdt.XmlFragment).children)):
        return f"{name[:40]!r} is not an XML fragment"
    return None


def _root_problems(doc: pycrdt.Doc[Any], name: str, keys: frozenset[str]) -> Iterator[str]:
    problem = _root_problem(doc, name, keys)
    if problem:
        yield problem
    else:
        yield from _fragment_problems(doc.get(name, type=pycrdt.XmlFragment))


def problems(doc: pycrdt.Doc[Any], keys: frozenset[str], names: Iterable[str] | None = None) -> dict[str, list[str]]:
    """Every violation of the schema in the document (or in its roots ``names``), by root name."""
    found: dict[str, list[str]] = {}
    with doc.transaction():
        for name in sorted(doc.keys() if names is None else names):
            listed = list(_root_problems(doc, name, keys))
            if listed:
                found[name] = listed
    return found


def question_keys(ref: DocumentRef) -> frozenset[str]:
    dossier = db.session.get(Dossier, ref.dossier_id)
    if dossier is None:
        raise NotFound("No such document.")
    return frozenset(q.key for q in documents.template_of(dossier, ref).questions)


Changes = dict[str, list[list[int]] | None]  # root -> paths of the changed nodes (None: the whole root)


def touched_by(doc: pycrdt.Doc[Any], update: bytes) -> Changes:
    """Apply ``update`` to ``doc``; returns what it changed: each root's changed nodes, as paths from the root.

    A new node is always below a changed one (the node whose children changed).
    A change to the root itself, or a root the update creates, means the whole root.
    """
    existing = set(doc.keys())
    changes: Changes = {}

    def observe(name: str) -> Callable[..., None]:
        def changed(events: list[Any], *_: object) -> None:
            paths = [list(event.path) for event in events if not _fits_as_changed(event)]
            known = changes.get(name, [])
            changes[name] = None if known is None or any(not p for p in paths) else known + paths

        return changed

    roots = [doc.get(name, type=pycrdt.XmlFragment) for name in existing]
    subscriptions = [root.observe_deep(observe(name)) for root, name in zip(roots, existing, strict=True)]
    try:
        doc.apply_update(update)
    finally:  # the document may be kept (see _stored): stop observing it
        for root, subscription in zip(roots, subscriptions, strict=True):
            root.unobserve(subscription)
    return changes | dict.fromkeys(set(doc.keys()) - existing)


def _fits_as_changed(event: Any) -> bool:
    """Whether a change inside a text node that was already there adds no violation, by its delta alone.

    Typing and formatting are the most frequent edits: checking what they insert and the marks they
    set costs what the edit does, where walking the node again would cost its whole text (which grew
    every keystroke's check with the paragraph). The node's place in the tree did not change.
    """
    if not isinstance(event.target, pycrdt.XmlText) or event.keys:
        return False
    for op in event.delta:
        if "insert" in op and not isinstance(op["insert"], str):
            return False
        if any(_mark_problem(name, value) for name, value in (op.get("attributes") or {}).items()):
            return False
    return True


def _changed_problems(doc: pycrdt.Doc[Any], changes: Changes, keys: frozenset[str]) -> bool:
    """Whether the changed nodes (and what is below them) hold any violation; the whole root when in doubt."""
    with doc.transaction():
        for name, paths in changes.items():
            if paths is None:
                if next(_root_problems(doc, name, keys), None) is not None:
                    return True
                continue
            if _root_problem(doc, name, keys):
                return True
            fragment = doc.get(name, type=pycrdt.XmlFragment)
            for path in paths:
                try:
                    node: Any = fragment
                    parent = ROOT
                    for index in path:
                        parent = node.tag or "" if isinstance(node, pycrdt.XmlElement) else ROOT
                        node = node.children[index]
                except (AttributeError, IndexError, TypeError, ValueError):  # a path leading nowhere: look at all
                    return True
                if next(_subtree_problems([(node, parent, len(path))]), None) is not None:
                    return True
    return False


@dataclass
class _Kept:
    """The stored document as the last check saw it (plus what that check applied), and where the log stood."""

    position: documents.LogPosition
    doc: pycrdt.Doc[Any]


KEPT_DOCS = 16
_checking = threading.Lock()


def _kept() -> OrderedDict[DocumentRef, _Kept]:
    """The app's kept documents (per app: tests run several apps, each with its own database, in one process)."""
    kept: OrderedDict[DocumentRef, _Kept] = current_app.extensions.setdefault("codossier.checked_docs", OrderedDict())
    return kept


def _stored(ref: DocumentRef) -> _Kept:
    """The stored document to check an update against, without reloading its whole history at every keystroke.

    The kept document is brought up to date with the log rows committed since the check that last saw it
    (applying one twice, such as that check's own update, changes nothing in Yjs); after a compaction, or
    when rows committed out of id order, it is loaded again.
    """
    position = documents.log_position(ref)
    with _checking:
        entry = _kept().get(ref)
    if entry is not None and entry.position != position:
        since = entry.position
        rows = documents.updates_after(ref, since.last_id) if since.folded == position.folded else None
        out_of_order = (
            position.rows is not None and since.rows is not None and len(rows or ()) != position.rows - since.rows
        )
        if rows is None or out_of_order:
            entry = None
        else:
            with _checking:
                entry.doc.apply_update(documents.merge(rows))
                entry.position = position
    if entry is None:
        entry = _Kept(position, documents.load_doc(ref))
    with _checking:
        kept = _kept()
        kept[ref] = entry
        kept.move_to_end(ref)
        while len(kept) > KEPT_DOCS:
            kept.popitem(last=False)
    return entry


def forget(ref: DocumentRef) -> None:
    """Stop keeping the document (it holds an update that was refused, or not stored after its check)."""
    with _checking:
        _kept().pop(ref, None)


def check(ref: DocumentRef, update: bytes) -> None:
    """Refuse (``invalid_content``) an update that would add a violation of the schema to the document.

    Only the nodes the update changes are walked, and a change of the text inside
    a text node is checked by its delta alone (see :func:`_fits_as_changed`): the
    cost follows the edit, not the document. When
    they hold a violation, the roots concerned are compared whole, before and
    after, so that old violations do not block an edit.
    """
    keys = question_keys(ref)
    entry = _stored(ref)
    with _checking:  # the kept document is shared: apply and walk it one check at a time
        doc = entry.doc
        changes = touched_by(doc, update)
        refused = _changed_problems(doc, changes, keys)
        if refused:  # it now holds what is about to be refused: keep it no longer
            _kept().pop(ref, None)
    if not refused:
        return
    after = problems(doc, keys, changes)
    before = problems(documents.load_doc(ref), keys, after)
    for name, listed in after.items():
        if len(listed) > len(before.get(name, [])):
            added = Counter(listed) - Counter(before.get(name, []))
            detail = next(iter(added), listed[0])
            raise InvalidContent(f"The change does not fit the answer's format: {detail}.")

"""Hostile XML structures for live documents, as Hypothesis strategies, and a way to store them.

Old data (stored before updates were checked against the document schema) or a
hand-made Yjs client can leave anything in a document: unknown element names,
attributes of any JSON type, text with marks of any value, embedded objects,
nesting thousands of levels deep, roots that are maps or arrays. The renderers
must take all of it. :func:`store` writes such a structure straight into the
document's log, bypassing the server's checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pycrdt
from flask import Flask
from hypothesis import strategies as st

from server.extensions import db
from server.services import documents

KNOWN = (
    "paragraph",
    "heading",
    "bulletList",
    "orderedList",
    "listItem",
    "blockquote",
    "hardBreak",
    "codeBlock",
    "horizontalRule",
    "text",
    "doc",
    "script",
    "",
)
MARKS = ("bold", "italic", "strike", "underline", "code", "link", "onclick", "")

json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**62), max_value=2**62),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["inf", "-inf", "nan", "NaN", "1e999", "3", "7", "", "javascript:alert(1)", "https://x.example"]),
    st.text(max_size=12),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
names = st.one_of(st.sampled_from(KNOWN), st.sampled_from(KNOWN), st.text(min_size=1, max_size=10))
# The attributes TipTap's nodes have (each present or not, of any type), and others.
attributes = st.builds(
    lambda known, other: other | known,
    st.fixed_dictionaries({}, optional={"level": json_value, "start": json_value, "type": json_value}),
    st.dictionaries(st.text(max_size=6), json_value, max_size=2),
)
marks = st.dictionaries(st.one_of(st.sampled_from(MARKS), st.text(max_size=6)), json_value, max_size=3)


@dataclass(frozen=True)
class Text:
    runs: tuple[tuple[str, dict[str, Any]], ...]
    embeds: tuple[Any, ...]
    attributes: dict[str, Any]


@dataclass(frozen=True)
class Element:
    tag: str
    attributes: dict[str, Any]
    children: tuple[Any, ...]


@dataclass(frozen=True)
class Chain:
    """``depth`` elements each inside the previous one, a text at the bottom (built without recursion)."""

    tags: tuple[str, ...]
    depth: int
    text: str


texts = st.builds(
    Text,
    runs=st.lists(st.tuples(st.text(min_size=1, max_size=8), marks), max_size=3).map(tuple),
    embeds=st.lists(json_value, max_size=1).map(tuple),
    attributes=st.dictionaries(st.text(max_size=4), json_leaf, max_size=1),
)
nodes = st.recursive(
    texts,
    lambda inner: st.builds(Element, tag=names, attributes=attributes, children=st.lists(inner, max_size=3).map(tuple)),
    max_leaves=10,
)
chains = st.builds(
    Chain,
    tags=st.lists(
        st.one_of(st.sampled_from(["blockquote", "listItem", "bulletList", "paragraph"]), names), min_size=1, max_size=3
    ).map(tuple),
    depth=st.one_of(st.integers(min_value=1, max_value=30), st.integers(min_value=1000, max_value=2500)),
    text=st.text(min_size=1, max_size=8),
)
# What one root of the document holds: XML content, or a root of another type.
roots = st.one_of(
    st.lists(st.one_of(nodes, chains), max_size=3).map(lambda items: ("xml", tuple(items))),
    st.dictionaries(st.text(max_size=5), json_value, min_size=1, max_size=2).map(lambda m: ("map", m)),
    st.lists(json_value, min_size=1, max_size=2).map(lambda a: ("array", tuple(a))),
    st.text(min_size=1, max_size=8).map(lambda t: ("text", t)),
)


def _add(parent: Any, node: Any) -> None:
    if isinstance(node, Text):
        text = parent.children.append(pycrdt.XmlText())
        for chunk, formatting in node.runs:
            text.insert(len(text), chunk, formatting or None)
        for embed in node.embeds:
            text.insert_embed(len(text), embed)
        for key, value in node.attributes.items():
            text.attributes[key] = value
    elif isinstance(node, Element):
        element = parent.children.append(pycrdt.XmlElement(node.tag))
        for key, value in node.attributes.items():
            element.attributes[key] = value
        for child in node.children:
            _add(element, child)
    else:
        current = parent
        for level in range(node.depth):
            current = current.children.append(pycrdt.XmlElement(node.tags[level % len(node.tags)]))
        current.children.append(pycrdt.XmlText(node.text))


def build(doc: pycrdt.Doc, name: str, root: tuple[str, Any]) -> None:
    """Write one hostile root into ``doc`` under ``name``."""
    kind, value = root
    if kind == "xml":
        fragment = doc.get(name, type=pycrdt.XmlFragment)
        for node in value:
            _add(fragment, node)
    elif kind == "map":
        target = doc.get(name, type=pycrdt.Map)
        for key, item in value.items():
            target[key] = item
    elif kind == "array":
        doc.get(name, type=pycrdt.Array).extend(list(value))
    else:
        doc.get(name, type=pycrdt.Text).insert(0, value)


def store(app: Flask, dossier_id: int, document: str, content: dict[str, tuple[str, Any]], author_id: int) -> None:
    """Append the hostile ``content`` (root name -> root) to the document's log, as old data would be."""
    with app.app_context():
        ref = documents.DocumentRef(dossier_id, document)
        doc = pycrdt.Doc()
        for name, root in content.items():
            build(doc, name, root)
        documents.append([(ref, author_id, doc.get_update())])
        db.session.commit()
        db.session.remove()

"""Render answers from the CRDT itself (never from text a browser sends) to HTML and plain text.

The input is TipTap's schema as stored by its Collaboration extension: element
names are node types, text attributes are marks.

Rendering is total: whatever structure is stored (content written before the
schema was checked on the way in, unknown elements, attributes of any type,
any nesting), it renders and never raises. Unknown elements keep their
content, a heading's level is clamped to 1–6, and below ``MAX_DEPTH`` levels of
nesting an element is flattened to its text, collected without recursion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Any

import nh3
import pycrdt

BLOCKS = {
    "paragraph": "p",
    "bulletList": "ul",
    "orderedList": "ol",
    "listItem": "li",
    "blockquote": "blockquote",
    "codeBlock": "pre",
}
VOID = {"hardBreak": "br", "horizontalRule": "hr"}
MARKS = (("bold", "strong"), ("italic", "em"), ("strike", "s"), ("underline", "u"), ("code", "code"))
SAFE_SCHEMES = ("http://", "https://", "mailto:")
# The deepest element rendered with its structure (the fragment's children are at depth 1).
MAX_DEPTH = 12
ALLOWED_TAGS = {"p", "ul", "ol", "li", "blockquote", "pre", "br", "hr", "strong", "em", "s", "u", "code", "a"} | {
    f"h{n}" for n in range(1, 7)
}


@dataclass(frozen=True)
class Answer:
    key: str
    html: str
    text: str

    @property
    def characters(self) -> int:
        return len(self.text.replace("\n", ""))


def _heading(raw_level: Any) -> str:
    """h1–h6 from any stored ``level`` (numbers and numeric texts as before; anything else, or infinite: h2)."""
    try:
        level = float(2 if raw_level is None else raw_level)
    except (TypeError, ValueError, OverflowError):
        level = 2.0
    if not math.isfinite(level):
        level = 2.0
    return f"h{min(max(int(level), 1), 6)}"


def _href(value: object) -> str | None:
    href = str(value or "").strip()
    return href if href.lower().startswith(SAFE_SCHEMES) else None


def _text_html(node: pycrdt.XmlText) -> str:
    parts = []
    for chunk, attrs in node.diff():
        if not isinstance(chunk, str):
            continue
        html = escape(chunk)
        attrs = attrs or {}
        for mark, tag in MARKS:
            if mark in attrs:
                html = f"<{tag}>{html}</{tag}>"
        link = attrs.get("link")
        href = _href(link.get("href")) if isinstance(link, dict) else None
        if href:
            html = f'<a href="{escape(href)}" rel="noopener noreferrer">{html}</a>'
        parts.append(html)
    return "".join(parts)


def _flat_text(node: object) -> str:
    """All the text under ``node``, in order, without recursion (for content nested too deep)."""
    parts = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, pycrdt.XmlText):
            parts.append("".join(chunk for chunk, _ in current.diff() if isinstance(chunk, str)))
        elif isinstance(current, pycrdt.XmlElement):
            stack.extend(reversed(list(current.children)))
    return "".join(parts)


def _node_html(node: object, depth: int = 1) -> str:
    if isinstance(node, pycrdt.XmlText):
        return _text_html(node)
    if not isinstance(node, pycrdt.XmlElement):
        return ""
    if depth > MAX_DEPTH:
        return escape(_flat_text(node))
    tag = node.tag or ""
    if tag in VOID:
        return f"<{VOID[tag]}>"
    inner = "".join(_node_html(child, depth + 1) for child in node.children)
    if tag == "heading":
        name = _heading(node.attributes.get("level"))
    elif tag in BLOCKS:
        name = BLOCKS[tag]
    else:
        return inner
    if tag == "codeBlock":
        inner = f"<code>{inner}</code>"
    return f"<{name}>{inner}</{name}>"


def _node_text(node: object, prefix: str = "", depth: int = 1) -> str:
    if isinstance(node, pycrdt.XmlText) or depth > MAX_DEPTH:
        return _flat_text(node)
    if not isinstance(node, pycrdt.XmlElement):
        return ""
    tag = node.tag or ""
    if tag == "hardBreak":
        return "\n"
    if tag in ("bulletList", "orderedList"):
        items = [child for child in node.children if isinstance(child, pycrdt.XmlElement)]
        lines = []
        for number, item in enumerate(items, start=1):
            marker = f"{number}. " if tag == "orderedList" else "- "
            lines.append(prefix + marker + _node_text(item, prefix + "  ", depth + 1).strip())
        return "\n".join(lines)
    if tag == "listItem":
        return "\n".join(_node_text(child, prefix, depth + 1) for child in node.children)
    return "".join(_node_text(child, prefix, depth + 1) for child in node.children)


def render_fragment(doc: pycrdt.Doc[Any], key: str) -> Answer:
    fragment = doc.get(key, type=pycrdt.XmlFragment)
    children = list(fragment.children)
    html = "".join(_node_html(child) for child in children)
    text = "\n\n".join(t for t in (_node_text(child).strip("\n") for child in children) if t)
    return Answer(key=key, html=nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href"}}), text=text)

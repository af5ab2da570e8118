"""Rendering is total: no stored structure makes the renderer raise.

Old data may hold anything (see tests/hostile.py); the answers, the content
hash and the exports are all rendered from it.
"""

from __future__ import annotations

import re

import pycrdt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.services.rendering import ALLOWED_TAGS, MAX_DEPTH, render_fragment
from tests import hostile

TAG = re.compile(r"</?([a-zA-Z0-9]+)")


def nested(tag: str, depth: int, text: str = "fond") -> pycrdt.Doc:
    doc = pycrdt.Doc()
    current = doc.get("objectifs", type=pycrdt.XmlFragment)
    for _ in range(depth):
        current = current.children.append(pycrdt.XmlElement(tag))
    current.children.append(pycrdt.XmlText(text))
    return doc


def heading(level: object) -> pycrdt.Doc:
    doc = pycrdt.Doc()
    fragment = doc.get("objectifs", type=pycrdt.XmlFragment)
    element = fragment.children.append(pycrdt.XmlElement("heading"))
    element.attributes["level"] = level
    element.children.append(pycrdt.XmlText("Titre"))
    return doc


def test_a_heading_whose_level_is_the_string_inf_renders_as_a_default_heading() -> None:
    answer = render_fragment(heading("inf"), "objectifs")
    assert answer.html == "<h2>Titre</h2>" and answer.text == "Titre"


def test_heading_levels_of_any_type_are_clamped_to_1_to_6() -> None:
    cases = [
        (3, "h3"),
        (3.0, "h3"),
        ("4", "h4"),
        (0, "h1"),
        (-5, "h1"),
        (99, "h6"),
        (1e300, "h6"),
        (float("inf"), "h2"),
        (float("nan"), "h2"),
        ("nan", "h2"),
        ("1e999", "h2"),
        (None, "h2"),
        (True, "h1"),
        ([3], "h2"),
        ({"a": 1}, "h2"),
    ]
    for level, tag in cases:
        assert render_fragment(heading(level), "objectifs").html == f"<{tag}>Titre</{tag}>", level


def test_two_thousand_nested_blockquotes_render_their_text() -> None:
    answer = render_fragment(nested("blockquote", 2000), "objectifs")
    assert answer.text == "fond"
    assert answer.html == "<blockquote>" * MAX_DEPTH + "fond" + "</blockquote>" * MAX_DEPTH


def test_deep_lists_render_flat_below_the_depth_cap() -> None:
    doc = pycrdt.Doc()
    current = doc.get("objectifs", type=pycrdt.XmlFragment)
    for level in range(3000):
        current = current.children.append(pycrdt.XmlElement("bulletList" if level % 2 == 0 else "listItem"))
    current.children.append(pycrdt.XmlText("feuille"))
    answer = render_fragment(doc, "objectifs")
    assert "feuille" in answer.text and "feuille" in answer.html


def allowed_only(html: str) -> bool:
    return all(tag.lower() in ALLOWED_TAGS for tag in TAG.findall(html))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(content=st.dictionaries(st.sampled_from(["objectifs", "descriptif", "inconnu"]), hostile.roots, min_size=1))
def test_any_stored_structure_renders_without_raising(content: dict[str, tuple[str, object]]) -> None:
    doc = pycrdt.Doc()
    for name, root in content.items():
        hostile.build(doc, name, root)
    received = pycrdt.Doc()
    received.apply_update(doc.get_update())  # as the server reads it back from the database
    for key in ("objectifs", "descriptif", "inconnu", "absent"):
        answer = render_fragment(received, key)
        assert isinstance(answer.html, str) and isinstance(answer.text, str)
        assert allowed_only(answer.html), answer.html

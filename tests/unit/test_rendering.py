"""Rendering a stored answer (pycrdt XmlFragment) as HTML and plain text."""

from __future__ import annotations

from typing import Any

import pycrdt
import pytest

from server.services.rendering import render_fragment


def _heading_doc(level: Any) -> pycrdt.Doc[Any]:
    doc: pycrdt.Doc[Any] = pycrdt.Doc()
    fragment = doc.get("objectifs", type=pycrdt.XmlFragment)
    heading = fragment.children.append(pycrdt.XmlElement("heading", {"level": level}))
    heading.children.append(pycrdt.XmlText("Nos objectifs"))
    return doc


@pytest.mark.parametrize(
    ("level", "tag"),
    [(3, "h3"), ("2", "h2"), (9, "h6"), (0, "h1"), ("inf", "h2"), (float("inf"), "h2"), ("1e999", "h2"), ("nan", "h2")],
)
def test_any_heading_level_a_client_writes_renders_as_a_heading(level: object, tag: str) -> None:
    """Editors write the attributes: an infinite or absurd level must not break the rendering of the dossier."""
    answer = render_fragment(_heading_doc(level), "objectifs")
    assert answer.html == f"<{tag}>Nos objectifs</{tag}>"
    assert answer.text == "Nos objectifs"

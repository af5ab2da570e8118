"""The document schema an update must keep (server/services/content_schema.py).

``problems`` is checked on documents built with pycrdt; ``check`` on a real
database of each backend, with old invalid data stored beforehand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pycrdt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.extensions import db
from server.services import content_schema, documents
from server.services.content_schema import InvalidContent, problems
from tests import hostile
from tests.support import DossierWorld

KEYS = frozenset({"objectifs", "descriptif"})
SAFE_LINK = {
    "href": "https://exemple.org/page",
    "target": None,
    "rel": "noopener noreferrer nofollow",
    "class": None,
    "title": None,
}


def fragment(doc: pycrdt.Doc, key: str = "objectifs") -> pycrdt.XmlFragment:
    return doc.get(key, type=pycrdt.XmlFragment)


def paragraph(parent: Any, text: str = "du texte", marks: dict[str, Any] | None = None, tag: str = "paragraph") -> Any:
    element = parent.children.append(pycrdt.XmlElement(tag))
    node = element.children.append(pycrdt.XmlText())
    node.insert(0, text, marks)
    return element


def tiptap_document() -> pycrdt.Doc:
    """Everything the answer editor can write (client/src/pages/dossier/live/extensions.ts)."""
    doc = pycrdt.Doc()
    root = fragment(doc)
    heading = paragraph(root, "Titre", tag="heading")
    heading.attributes["level"] = 3
    paragraph(root, "gras", {"bold": {}, "italic": {}, "strike": {}, "underline": {}})
    paragraph(root, "lien", {"link": SAFE_LINK})
    paragraph(root, "courriel", {"link": {"href": "mailto:lea@porteur.example"}})
    with_break = paragraph(root, "avant")
    with_break.children.append(pycrdt.XmlElement("hardBreak"))
    with_break.children.append(pycrdt.XmlText("après"))
    for tag in ("bulletList", "orderedList"):
        items = root.children.append(pycrdt.XmlElement(tag))
        if tag == "orderedList":
            items.attributes["start"] = 3
        item = items.children.append(pycrdt.XmlElement("listItem"))
        paragraph(item, "point")
        inner = item.children.append(pycrdt.XmlElement("bulletList")).children.append(pycrdt.XmlElement("listItem"))
        paragraph(inner, "sous-point")
    quote = root.children.append(pycrdt.XmlElement("blockquote"))
    paragraph(quote, "citation")
    root.children.append(pycrdt.XmlElement("paragraph"))  # an empty paragraph
    fragment(doc, "descriptif")
    return doc


def read_back(doc: pycrdt.Doc) -> pycrdt.Doc:
    received = pycrdt.Doc()
    received.apply_update(doc.get_update())
    return received


def test_what_the_editor_writes_is_valid() -> None:
    assert problems(read_back(tiptap_document()), KEYS) == {}


def _heading_level(value: object) -> Callable[[pycrdt.Doc], None]:
    def change(doc: pycrdt.Doc) -> None:
        paragraph(fragment(doc), tag="heading").attributes["level"] = value

    return change


def _nested(tag: str, depth: int) -> Callable[[pycrdt.Doc], None]:
    def change(doc: pycrdt.Doc) -> None:
        current: Any = fragment(doc)
        for _ in range(depth):
            current = current.children.append(pycrdt.XmlElement(tag))
        paragraph(current)

    return change


def _marks(marks: dict[str, Any]) -> Callable[[pycrdt.Doc], None]:
    return lambda doc: paragraph(fragment(doc), "x", marks) and None


def _embed(doc: pycrdt.Doc) -> None:
    node = paragraph(fragment(doc)).children[0]
    node.insert_embed(1, {"image": "x"})


def _text_attribute(doc: pycrdt.Doc) -> None:
    paragraph(fragment(doc)).children[0].attributes["style"] = "red"


POISON: dict[str, Callable[[pycrdt.Doc], None]] = {
    "heading level 'inf'": _heading_level("inf"),
    "heading level infinity": _heading_level(float("inf")),
    "heading level 7": _heading_level(7),
    "heading level 0": _heading_level(0),
    "heading level 2.5": _heading_level(2.5),
    "heading level true": _heading_level(True),
    "heading level list": _heading_level([3]),
    "2000 nested blockquotes": _nested("blockquote", 2000),
    "13 nested blockquotes": _nested("blockquote", 12),  # 12 quotes and a paragraph: 13 levels
    "unknown element": lambda doc: paragraph(fragment(doc), tag="script") and None,
    "codeBlock (not in the editor)": lambda doc: paragraph(fragment(doc), tag="codeBlock") and None,
    "paragraph in a paragraph": lambda doc: paragraph(paragraph(fragment(doc))) and None,
    "list item at the root": lambda doc: paragraph(fragment(doc), tag="listItem") and None,
    "paragraph in a list": lambda doc: (
        paragraph(fragment(doc).children.append(pycrdt.XmlElement("bulletList"))) and None
    ),
    "text at the root": lambda doc: fragment(doc).children.append(pycrdt.XmlText("nu")) and None,
    "attribute on a paragraph": lambda doc: paragraph(fragment(doc)).attributes.__setitem__("class", "x"),
    "ordered list start 'inf'": lambda doc: (
        fragment(doc).children.append(pycrdt.XmlElement("orderedList")).attributes.__setitem__("start", "inf")
    ),
    "ordered list type 'disc'": lambda doc: (
        fragment(doc).children.append(pycrdt.XmlElement("orderedList")).attributes.__setitem__("type", "disc")
    ),
    "unknown mark": _marks({"onclick": {}}),
    "code mark (not in the editor)": _marks({"code": {}}),
    "bold with a value": _marks({"bold": {"x": 1}}),
    "javascript link": _marks({"link": {"href": "javascript:alert(1)"}}),
    "link without href": _marks({"link": {"rel": "x"}}),
    "link href not text": _marks({"link": {"href": 5}}),
    "link with an unknown field": _marks({"link": {"href": "https://x.example", "onclick": "x"}}),
    "link title not text": _marks({"link": {"href": "https://x.example", "title": {"a": 1}}}),
    "embed in a text": _embed,
    "attribute on a text": _text_attribute,
    "root that is not a question": lambda doc: paragraph(fragment(doc, "autre_chose")) and None,
    "map root": lambda doc: doc.get("objectifs", type=pycrdt.Map).__setitem__("a", 1),
    "array root": lambda doc: doc.get("objectifs", type=pycrdt.Array).append(1),
    "text root": lambda doc: doc.get("descriptif", type=pycrdt.Text).insert(0, "brut"),
}


@pytest.mark.parametrize("change", POISON.values(), ids=POISON.keys())
def test_poison_is_found(change: Callable[[pycrdt.Doc], None]) -> None:
    doc = tiptap_document()
    change(doc)
    found = problems(read_back(doc), KEYS)
    assert found and all(isinstance(p, str) and p for listed in found.values() for p in listed), found


def test_twelve_levels_are_allowed() -> None:
    doc = pycrdt.Doc()
    _nested("blockquote", 11)(doc)
    assert problems(read_back(doc), KEYS) == {}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(content=st.dictionaries(st.sampled_from(["objectifs", "descriptif", "inconnu"]), hostile.roots, min_size=1))
def test_the_check_itself_never_raises_on_hostile_content(content: dict[str, tuple[str, Any]]) -> None:
    doc = pycrdt.Doc()
    for name, root in content.items():
        hostile.build(doc, name, root)
    found = problems(read_back(doc), KEYS)
    assert all(name in content for name in found)


# --- check(): against the stored document ----------------------------------------------------


def stored_doc(world: DossierWorld) -> tuple[documents.DocumentRef, pycrdt.Doc]:
    ref = documents.DocumentRef(world.dossier_id, documents.action_document(world.action_ids[0]))
    return ref, documents.load_doc(ref)


def store(world: DossierWorld, change: Callable[[pycrdt.Doc], None]) -> None:
    """Store a change without any check, as data written before the schema existed."""
    with world.app.app_context():
        ref, doc = stored_doc(world)
        before = doc.get_state()
        change(doc)
        documents.append([(ref, world.user_ids["partner"], doc.get_update(before))])
        db.session.commit()
        db.session.remove()


def check(world: DossierWorld, change: Callable[[pycrdt.Doc], None]) -> None:
    """Check the update that ``change`` makes to the stored document."""
    with world.app.app_context():
        try:
            ref, doc = stored_doc(world)
            before = doc.get_state()
            change(doc)
            content_schema.check(ref, doc.get_update(before))
        finally:
            db.session.remove()


def type_in_first_paragraph(doc: pycrdt.Doc) -> None:
    first = next(c for c in fragment(doc).children if isinstance(c, pycrdt.XmlElement) and c.tag == "paragraph")
    text = first.children[0]
    text.insert(len(text), " et la suite")


def test_valid_updates_pass_and_poison_is_refused(world: DossierWorld) -> None:
    check(world, lambda doc: paragraph(fragment(doc), "Réponse", {"bold": {}}) and None)
    with pytest.raises(InvalidContent) as refused:
        check(world, _heading_level("inf"))
    assert refused.value.code == "invalid_content" and "level" in refused.value.message
    with pytest.raises(InvalidContent):
        check(world, _nested("blockquote", 2000))


def test_an_update_whose_dependency_brings_poison_in_is_refused(world: DossierWorld) -> None:
    """Poison stored pending (its parent missing) cannot be let in by the update that completes it."""
    author = pycrdt.Doc()
    _heading_level(3)(author)
    parent = author.get_update()
    state = author.get_state()
    author_fragment = fragment(author)
    next(iter(author_fragment.children)).attributes["level"] = "inf"
    child = author.get_update(state)
    with world.app.app_context():
        ref, _ = stored_doc(world)
        documents.append([(ref, world.user_ids["partner"], child)])  # pending: its parent is not stored
        db.session.commit()
        with pytest.raises(InvalidContent):
            content_schema.check(ref, parent)
        db.session.remove()


def test_a_fragment_poisoned_before_the_check_existed_stays_editable_and_repairable(world: DossierWorld) -> None:
    store(world, lambda doc: paragraph(fragment(doc), "début") and None)
    store(world, _heading_level("inf"))
    store(world, lambda doc: paragraph(fragment(doc, "descriptif"), "ailleurs") and None)
    check(world, type_in_first_paragraph)  # typing elsewhere in the poisoned answer
    check(world, lambda doc: paragraph(fragment(doc, "descriptif"), "encore") and None)  # another answer
    with pytest.raises(InvalidContent):  # more poison in the same answer
        check(world, _heading_level(99))

    def repair(doc: pycrdt.Doc) -> None:
        root = fragment(doc)
        index = next(i for i, c in enumerate(root.children) if isinstance(c, pycrdt.XmlElement) and c.tag == "heading")
        del root.children[index]

    check(world, repair)


def test_changes_deep_inside_existing_content_are_checked(world: DossierWorld) -> None:
    """Only the changed nodes are walked: an attribute or a mark changed on an existing node is still seen."""
    store(world, lambda doc: tiptap_into(doc))

    def heading_level(doc: pycrdt.Doc) -> None:
        next(c for c in fragment(doc).children if isinstance(c, pycrdt.XmlElement) and c.tag == "heading").attributes[
            "level"
        ] = "inf"

    def deep_text(doc: pycrdt.Doc) -> pycrdt.XmlText:
        items = next(c for c in fragment(doc).children if isinstance(c, pycrdt.XmlElement) and c.tag == "bulletList")
        return items.children[0].children[1].children[0].children[0].children[0]  # the "sous-point" text

    def bad_mark(doc: pycrdt.Doc) -> None:
        deep_text(doc).format(0, 2, {"link": {"href": "javascript:alert(1)"}})

    def bad_child(doc: pycrdt.Doc) -> None:
        items = next(c for c in fragment(doc).children if isinstance(c, pycrdt.XmlElement) and c.tag == "bulletList")
        items.children[0].children.append(pycrdt.XmlElement("script"))

    for change in (heading_level, bad_mark, bad_child):
        with pytest.raises(InvalidContent):
            check(world, change)
    check(world, lambda doc: deep_text(doc).insert(0, "bon "))
    check(world, lambda doc: deep_text(doc).format(0, 2, {"bold": {}}))


def tiptap_into(doc: pycrdt.Doc) -> None:
    """The content of :func:`tiptap_document`, written into ``doc``."""
    doc.apply_update(tiptap_document().get_update())

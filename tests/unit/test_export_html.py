"""The export's building blocks, without a database: answer HTML to Word, sanitizing, names and wording."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from fractions import Fraction

import docx
import pytest
from docx.oxml.ns import qn

from server.services.export import ExportFile, ascii_only, pdf
from server.services.export import docx as writer
from server.services.export.html_blocks import is_rtl, parse
from server.services.export.model import (
    french_date,
    french_datetime,
    french_number,
    is_empty,
    percent,
    safe_answer_html,
)


def word(html: str) -> docx.document.Document:
    """A document holding only this answer, written as the dossier export writes answers, saved and reopened."""
    document = docx.Document()
    writer._styles(document)
    writer._AnswerWriter(document).write(str(safe_answer_html(html)))
    buffer = io.BytesIO()
    document.save(buffer)
    return docx.Document(io.BytesIO(buffer.getvalue()))


def paragraphs(document: docx.document.Document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs if p.text or p.style.name != "Normal"]


# --- answer HTML to Word ---------------------------------------------------------------------------


def test_marks_become_run_properties() -> None:
    document = word(
        "<p>a <strong>gras</strong> <em>italique</em> <s>barré</s> <u>souligné</u> <code>x = 1</code> "
        "<strong><em>les deux</em></strong></p>"
    )
    runs = {r.text: r for r in document.paragraphs[0].runs}
    assert runs["gras"].bold and not runs["gras"].italic
    assert runs["italique"].italic and not runs["italique"].bold
    assert runs["barré"].font.strike
    assert runs["souligné"].underline
    assert runs["x = 1"].font.name == writer.MONO
    assert runs["les deux"].bold and runs["les deux"].italic


def test_headings_are_moved_below_the_documents_own_outline() -> None:
    document = word("<h1>Un</h1><h2>Deux</h2><h3>Trois</h3><h6>Six</h6>")
    assert paragraphs(document) == [
        ("Heading 4", "Un"),
        ("Heading 5", "Deux"),
        ("Heading 6", "Trois"),
        ("Heading 6", "Six"),
    ]


def test_lists_use_list_styles_nested_and_numbered_lists_restart() -> None:
    document = word(
        "<ul><li><p>a</p><ul><li><p>a.1</p><ul><li><p>a.1.x</p><ul><li><p>profond</p></li></ul></li></ul></li></ul></li>"
        "<li><p>b</p><p>suite de b</p></li></ul>"
        "<ol><li><p>un</p></li><li><p>deux</p></li></ol><p>entre</p><ol><li><p>encore un</p></li></ol>"
    )
    assert paragraphs(document) == [
        ("List Bullet", "a"),
        ("List Bullet 2", "a.1"),
        ("List Bullet 3", "a.1.x"),
        ("List Bullet 3", "profond"),
        ("List Bullet", "b"),
        ("List Continue", "suite de b"),
        ("List Number", "un"),
        ("List Number", "deux"),
        ("Normal", "entre"),
        ("List Number", "encore un"),
    ]
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert ids[0] == ids[1] != ids[2]  # the second list starts again at 1
    numbering = document.part.numbering_part.element.xml
    assert numbering.count("w:startOverride") >= 2


def test_links_quotes_code_blocks_breaks_and_rules() -> None:
    document = word(
        '<p>voir <a href="https://exemple.fr/a?b=1&amp;c=2">le site</a> ou '
        '<a href="mailto:contact@exemple.fr">écrire</a></p>'
        "<blockquote><p>une citation</p></blockquote>"
        "<pre><code>ligne 1\nligne 2</code></pre>"
        "<p>avant<br>après</p><hr>"
    )
    first = document.paragraphs[0]
    assert [(h.text, h.address) for h in first.hyperlinks] == [
        ("le site", "https://exemple.fr/a?b=1&c=2"),
        ("écrire", "mailto:contact@exemple.fr"),
    ]
    assert first.text == "voir le site ou écrire"
    styles = paragraphs(document)
    assert ("Quote", "une citation") in styles
    code = next(p for p in document.paragraphs if p.style.name == "Code")
    assert code.text == "ligne 1\nligne 2"
    assert next(p for p in document.paragraphs if p.text.startswith("avant")).text == "avant\naprès"
    assert 'w:top w:val="single"' in document.element.xml


def test_right_to_left_paragraphs_are_marked_bidi() -> None:
    document = word("<p>שלום עולם</p><p>مرحبا بالعالم</p><p>Bonjour</p><p>123 مرحبا</p>")
    marked = [p._p.pPr is not None and p._p.pPr.find(qn("w:bidi")) is not None for p in document.paragraphs]
    assert marked == [True, True, False, True]
    assert document.paragraphs[0].runs[0].font.rtl


def test_text_outside_paragraphs_and_unknown_tags_keep_their_text() -> None:
    document = word("texte nu <strong>gras</strong><p>ensuite</p>")
    assert paragraphs(document) == [("Normal", "texte nu gras"), ("Normal", "ensuite")]


def test_characters_xml_cannot_carry_are_dropped() -> None:
    document = word("<p>a\x00b\x01c\x0bd\x1fe\ufffef</p>")
    assert document.paragraphs[0].text == "abcdef"


# --- sanitizing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script><p>ok</p>",
        '<p onclick="alert(1)">ok</p>',
        '<p><a href="javascript:alert(1)">ok</a></p>',
        '<p><img src=x onerror="alert(1)">ok</p>',
        "<style>p{}</style><p>ok</p>",
        '<iframe src="https://evil.example"></iframe><p>ok</p>',
        '<p style="background:url(https://evil.example)">ok</p>',
    ],
)
def test_answer_html_is_sanitized_again_before_it_is_trusted(hostile: str) -> None:
    cleaned = str(safe_answer_html(hostile))
    lowered = cleaned.lower()
    for forbidden in ("<script", "onclick", "javascript:", "<img", "onerror", "<style", "<iframe", "style=", "evil"):
        assert forbidden not in lowered, cleaned
    assert "ok" in cleaned


def test_only_a_constant_direction_is_added() -> None:
    assert str(safe_answer_html("<p>שלום</p><p>salut</p><h2>مرحبا</h2>")) == (
        '<p dir="rtl">שלום</p><p>salut</p><h5 dir="rtl">مرحبا</h5>'
    )


def test_emptiness_ignores_markup_and_spaces() -> None:
    assert is_empty("") and is_empty("<p></p>") and is_empty("<p> <br> </p><hr>") and is_empty("<p>&nbsp;</p>")
    assert not is_empty("<p>a</p>") and not is_empty("<p>&lt;</p>")


def test_the_parser_tolerates_broken_markup() -> None:
    tree = parse("<p>a<strong>b</p><em>c")
    assert tree.text() == "abc"
    assert is_rtl("  123 שלום") and not is_rtl("abc שלום") and not is_rtl("123")


# --- the PDF template -------------------------------------------------------------------------------


def test_the_pdf_templates_escape_everything_but_the_sanitized_answers() -> None:
    env = pdf._environment()
    assert env.autoescape is True
    rendered = env.from_string("{{ x }}|{{ y }}").render(x="<b>x</b>", y=safe_answer_html("<p><b>y</b><em>z</em></p>"))
    assert rendered == "&lt;b&gt;x&lt;/b&gt;|<p>y<em>z</em></p>"
    for name in ("dossier.html", "minutes.html", "macros.html", "base.html"):
        source = (pdf.TEMPLATES / name).read_text(encoding="utf-8")
        assert "|safe" not in source.replace(" ", "") and "autoescape false" not in source


def test_the_pdf_fetches_nothing_but_the_fonts() -> None:
    fetcher = pdf.FontsOnly()
    escape = "file:///usr/share/fonts/truetype/dejavu/../../../../etc/passwd"
    for url in ("https://example.org/x.png", "file:///etc/passwd", escape, "data:text/css,p{}"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    font = (pdf.FONT_DIR / "DejaVuSans.ttf").as_uri()
    if (pdf.FONT_DIR / "DejaVuSans.ttf").is_file():
        assert fetcher.fetch(font).url.startswith("file://")


# --- names and wording --------------------------------------------------------------------------------


def test_download_names_are_ascii_safe_with_the_exact_utf8_name() -> None:
    file = ExportFile(b"", "Dossier-Projet-Jardin-partagé-brouillon.pdf", "application/pdf")
    assert file.ascii_filename == "Dossier-Projet-Jardin-partage-brouillon.pdf"
    assert file.content_disposition == (
        'attachment; filename="Dossier-Projet-Jardin-partage-brouillon.pdf"; '
        "filename*=UTF-8''Dossier-Projet-Jardin-partag%C3%A9-brouillon.pdf"
    )
    assert ascii_only('Procès-verbal "x"; y\r\n.pdf') == "Proces-verbal-x-y-.pdf"
    assert ascii_only("שלום") == "export"


def test_french_dates_numbers_and_shares() -> None:
    winter = datetime(2025, 3, 1, 13, 5, tzinfo=UTC)
    assert french_date(winter) == "1er mars 2025"
    assert french_datetime(winter) == "1er mars 2025 à 14\u00a0h\u00a005"  # Paris, UTC+1
    assert french_datetime(datetime(2025, 7, 14, 22, 30, tzinfo=UTC)) == "15 juillet 2025 à 0\u00a0h\u00a030"
    assert french_number("5/2") == "2,5" and french_number(Fraction(2, 3)) == "0,67" and french_number(3) == "3"
    assert percent(1, 3) == "33\u00a0%" and percent(0, 3) == "0\u00a0%" and percent(1, 1000) == "<\u00a01\u00a0%"
    assert percent(0, 0) == "—"


def test_paragraph_properties_follow_the_schema_order_word_requires() -> None:
    document = word(
        "<p>שלום</p><ol><li><p>un</p></li></ol><ul><li><p>a</p></li></ul><hr><blockquote><p>c</p></blockquote>"
        "<pre><code>x</code></pre><h2>t</h2>"
    )
    order = [qn(tag) for tag in writer.PPR_SEQUENCE]
    checked = 0
    for root in (document.element, document.styles.element):
        for ppr in root.iter(qn("w:pPr")):
            tags = [child.tag for child in ppr]
            assert tags == sorted(tags, key=order.index), tags
            checked += 1
    assert checked > 20

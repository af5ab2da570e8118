"""The dossier and the minutes as Word documents (python-docx), with real Word styles.

Headings are Heading 1–6, lists List Bullet / List Number (each numbered list
restarts at 1), quotes Quote, marks are run properties, links are Word
hyperlinks: the funder can reuse the text. A4, a footer on every page with the
content hash, the register head and "Page X / Y" (PAGE and NUMPAGES fields);
in a draft the header says BROUILLON and the cover carries it in large grey
letters.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from . import html_blocks
from .html_blocks import Node
from .model import (
    MISSING_REQUIRED,
    NO_ANSWER,
    DecisionExport,
    DossierExport,
    Footer,
    MinutesExport,
    ParticipationRow,
    QuestionExport,
    french_datetime,
)

FONT = "Calibri"
MONO = "Consolas"
COMPLEX_SCRIPT_FONT = "Arial"  # has Arabic and Hebrew, unlike Calibri
INK = RGBColor(0x1A, 0x1A, 0x1A)
ACCENT = RGBColor(0x1F, 0x38, 0x64)
GREY = RGBColor(0x59, 0x59, 0x59)
LIGHT = RGBColor(0xBF, 0xBF, 0xBF)
RED = RGBColor(0xB0, 0x00, 0x20)
LINK = RGBColor(0x1F, 0x4E, 0xA8)
HEADER_FILL = "DCE3EE"
KEY_FILL = "F2F4F7"
# The order of w:pPr's children in the WordprocessingML schema (ECMA-376 CT_PPr).
PPR_SEQUENCE = (
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


@cache
def _style_ids() -> dict[str, str]:
    """Style name → style id, the same for every document made here.

    python-docx looks a style up by name through every style of the document on
    each assignment; the writers below set the id directly.
    """
    doc = Document()
    _styles(doc)
    return {style.name: style.style_id for style in doc.styles if style.name}


def _set_style(paragraph: Paragraph, name: str | None) -> Paragraph:
    if name is not None:
        paragraph._p.get_or_add_pPr().style = _style_ids()[name]
    return paragraph


def _ppr_insert(ppr: Any, element: Any, tag: str) -> None:
    """Insert ``element`` into a ``w:pPr`` at its place in the schema's sequence (Word refuses other orders)."""
    ppr.insert_element_before(element, *PPR_SEQUENCE[PPR_SEQUENCE.index(tag) + 1 :])


def _add(container: Any, style: str | None = None) -> Paragraph:
    """A new paragraph at the end of the document (or of a header, footer, cell) in ``style``."""
    return _set_style(container.add_paragraph(), style)


# --- the document and its styles ----------------------------------------------------------


def _new_document(title: str, author: str, footer: Footer, header_left: str, mark: str | None) -> DocumentObject:
    doc = Document()
    _styles(doc)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.2)
    section.left_margin = section.right_margin = Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1)
    _header(doc, header_left, mark)
    _footer(doc, footer)
    props = doc.core_properties
    props.title = _xml_text(title)[:255]
    props.author = _xml_text(author)[:255]
    props.language = "fr-FR"
    props.last_modified_by = "Codossier"
    props.comments = " ".join(footer.lines)
    return doc


def _styles(doc: DocumentObject) -> None:
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            for old in rpr.findall(qn("w:lang")):
                rpr.remove(old)
            lang = OxmlElement("w:lang")
            lang.set(qn("w:val"), "fr-FR")
            lang.set(qn("w:bidi"), "ar-SA")
            rpr.append(lang)
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.font.color.rgb = INK
    _style_fonts(normal, FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15

    for level, size, before, after in (
        (1, 17, 0, 10),
        (2, 13.5, 16, 6),
        (3, 11.5, 12, 4),
        (4, 11, 10, 4),
        (5, 10.5, 8, 3),
        (6, 10.5, 8, 3),
    ):
        style = styles[f"Heading {level}"]
        style.font.name = FONT
        _style_fonts(style, FONT)
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = level == 6
        style.font.color.rgb = ACCENT if level <= 3 else INK
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.keep_with_next = True
    title = styles["Title"]
    title.font.name = FONT
    _style_fonts(title, FONT)
    title.font.size = Pt(26)
    title.font.bold = True
    title.font.color.rgb = ACCENT
    title.paragraph_format.space_after = Pt(8)
    _no_border(title)
    subtitle = styles["Subtitle"]
    subtitle.font.name = FONT
    subtitle.font.size = Pt(13)
    subtitle.font.italic = False
    subtitle.font.color.rgb = GREY
    subtitle.paragraph_format.space_after = Pt(18)
    quote = styles["Quote"]
    quote.font.italic = True
    quote.font.color.rgb = GREY
    quote.paragraph_format.left_indent = Cm(0.8)
    quote.paragraph_format.right_indent = Cm(0.8)
    for name in ("List Bullet", "List Bullet 2", "List Bullet 3", "List Number", "List Number 2", "List Number 3"):
        styles[name].paragraph_format.space_after = Pt(2)

    _paragraph_style(
        doc, "Question", italic=True, color=GREY, size=10, after=4, keep=True, left=Cm(0.3), border_left="8EA2C0"
    )
    _paragraph_style(doc, "Guidance", italic=True, color=GREY, size=9, after=6)
    _paragraph_style(
        doc, "Missing Answer", bold=True, color=RED, size=10.5, after=8, border_left="B00020", left=Cm(0.3)
    )
    _paragraph_style(doc, "No Answer", italic=True, color=GREY, size=10, after=8)
    _paragraph_style(doc, "Code", font=MONO, size=9, after=6, left=Cm(0.5))
    _paragraph_style(doc, "Draft Mark", bold=True, color=LIGHT, size=60, after=0, center=True, before=36)
    _paragraph_style(doc, "Label", bold=True, color=ACCENT, size=10.5, after=2, keep=True)
    _paragraph_style(doc, "Table Text", size=9, after=0, line=1.0)
    if "Hyperlink" not in [s.name for s in styles]:
        link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        link.font.color.rgb = LINK
        link.font.underline = True
    header = styles["Header"]
    header.font.size = Pt(8)
    header.font.color.rgb = GREY
    footer = styles["Footer"]
    footer.font.size = Pt(7)
    footer.font.color.rgb = GREY
    footer.paragraph_format.space_after = Pt(0)
    footer.paragraph_format.line_spacing = 1.0


def _style_fonts(style: Any, name: str) -> None:
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)
    fonts.set(qn("w:cs"), name if name == MONO else COMPLEX_SCRIPT_FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)


def _no_border(style: Any) -> None:
    ppr = style.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


def _paragraph_style(
    doc: DocumentObject,
    name: str,
    *,
    bold: bool = False,
    italic: bool = False,
    color: RGBColor | None = None,
    size: float = 10.5,
    after: float = 6,
    before: float = 0,
    keep: bool = False,
    left: Any = None,
    center: bool = False,
    font: str | None = None,
    border_left: str | None = None,
    line: float | None = None,
) -> None:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    style.font.bold = bold
    style.font.italic = italic
    style.font.size = Pt(size)
    if color is not None:
        style.font.color.rgb = color
    if font:
        style.font.name = font
        _style_fonts(style, font)
    fmt = style.paragraph_format
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(before)
    fmt.keep_with_next = keep
    if line is not None:
        fmt.line_spacing = line
    if left is not None:
        fmt.left_indent = left
    if center:
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if border_left:
        ppr = style.element.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        edge = OxmlElement("w:left")
        for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "6"), ("w:color", border_left)):
            edge.set(qn(key), value)
        borders.append(edge)
        _ppr_insert(ppr, borders, "w:pBdr")


def _field(paragraph: Paragraph, instruction: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice compute when the page is laid out."""

    def char(kind: str) -> None:
        mark = OxmlElement("w:fldChar")
        mark.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(mark)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    char("separate")
    paragraph.add_run(placeholder)
    char("end")


def _text_width(doc: DocumentObject) -> Emu:
    section = doc.sections[0]
    page, left, right = section.page_width, section.left_margin, section.right_margin
    if page is None or left is None or right is None:  # _new_document sets all three
        raise ValueError("the section has no page width or margins")
    return Emu(page - left - right)


def _header(doc: DocumentObject, left: str, mark: str | None) -> None:
    header = doc.sections[0].header
    paragraph = header.paragraphs[0]
    _set_style(paragraph, "Header")
    paragraph.paragraph_format.tab_stops.add_tab_stop(_text_width(doc), WD_TAB_ALIGNMENT.RIGHT)
    paragraph.add_run(_xml_text(left))
    if mark:
        paragraph.add_run("\t")
        run = paragraph.add_run(f"{mark} — document de travail, non déposé")
        run.bold = True
        run.font.color.rgb = RED


def _footer(doc: DocumentObject, footer: Footer) -> None:
    container = doc.sections[0].footer
    first = container.paragraphs[0]
    _set_style(first, "Footer")
    _border_top(first)
    first.add_run(footer.first)
    second = _add(container, "Footer")
    second.paragraph_format.tab_stops.add_tab_stop(_text_width(doc), WD_TAB_ALIGNMENT.RIGHT)
    second.add_run(footer.second)
    second.add_run("\tPage ")
    _field(second, "PAGE")
    second.add_run(" / ")
    _field(second, "NUMPAGES")


def _border_top(paragraph: Paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "4"), ("w:color", "BFBFBF")):
        top.set(qn(key), value)
    borders.append(top)
    _ppr_insert(ppr, borders, "w:pBdr")


def _save(doc: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- tables ------------------------------------------------------------------------------------


def _shade(cell: Any, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tcpr.append(shading)


def _cell_text(cell: Any, text: str, *, bold: bool = False, right: bool = False, mono: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    _set_style(paragraph, "Table Text")
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(_xml_text(text))
    run.bold = bold or None
    if mono:
        run.font.name = MONO
        run.font.size = Pt(8)


def _table(
    doc: DocumentObject,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[float],
    *,
    numeric_from: int | None = None,
    bold_last: bool = False,
) -> Table:
    rows = [list(r) for r in rows]
    table: Table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, text, bold=True)
        _shade(cell, HEADER_FILL)
    _repeat_header(table.rows[0])
    for index, row in enumerate(rows):
        cells = table.add_row().cells
        for column, (cell, value) in enumerate(zip(cells, row, strict=True)):
            numeric = numeric_from is not None and column >= numeric_from
            _cell_text(
                cell, "" if value is None else str(value), right=numeric, bold=bold_last and index == len(rows) - 1
            )
    for column, width in enumerate(widths):
        for row in table.rows:
            row.cells[column].width = Cm(width)
    _add(doc, "Table Text")
    return table


def _key_values(doc: DocumentObject, pairs: Sequence[tuple[str, str]], *, mono_keys: Sequence[str] = ()) -> Table:
    table: Table = doc.add_table(rows=0, cols=2)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for key, value in pairs:
        cells = table.add_row().cells
        _cell_text(cells[0], key, bold=True)
        _shade(cells[0], KEY_FILL)
        _cell_text(cells[1], value, mono=key in mono_keys)
    for row in table.rows:
        row.cells[0].width = Cm(4.6)
        row.cells[1].width = Cm(12)
    _add(doc, "Table Text")
    return table


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    trpr.append(flag)


# --- answers: sanitized HTML to Word paragraphs and runs ---------------------------------------


class _AnswerWriter:
    """Writes one answer's HTML (model.safe_answer_html) into the document."""

    def __init__(self, doc: DocumentObject):
        self.doc = doc
        self.numbering = doc.part.numbering_part.element

    def write(self, html: str) -> None:
        self._blocks(html_blocks.parse(html).children, quote=False)

    # blocks

    def _blocks(self, nodes: list[Node | str], *, quote: bool) -> None:
        loose: list[Node | str] = []
        for node in nodes:
            if isinstance(node, Node) and node.tag in html_blocks.BLOCKS:
                self._flush(loose, quote)
                loose = []
                self._block(node, quote=quote)
            else:
                loose.append(node)
        self._flush(loose, quote)

    def _flush(self, loose: list[Node | str], quote: bool) -> None:
        if any((n.strip() if isinstance(n, str) else True) for n in loose):
            paragraph = _add(self.doc, "Quote" if quote else None)
            self._inline(paragraph, loose)

    def _block(self, node: Node, *, quote: bool) -> None:
        tag = node.tag
        if tag == "p":
            paragraph = _add(self.doc, "Quote" if quote else None)
            self._inline(paragraph, node.children)
        elif tag[0] == "h" and tag[1:].isdigit():
            paragraph = _add(self.doc, f"Heading {min(max(int(tag[1:]), 4), 6)}")
            self._inline(paragraph, node.children)
        elif tag in ("ul", "ol"):
            self._list(node, depth=1)
        elif tag == "li":
            self._list(Node("ul", children=[node]), depth=1)
        elif tag == "blockquote":
            self._blocks(node.children, quote=True)
        elif tag == "pre":
            paragraph = _add(self.doc, "Code")
            lines = node.text().rstrip("\n").split("\n")
            for index, line in enumerate(lines):
                run = paragraph.add_run(_xml_text(line))
                run.font.name = MONO
                if index < len(lines) - 1:
                    run.add_break()
        elif tag == "hr":
            paragraph = self.doc.add_paragraph()
            _border_top(paragraph)

    def _list(self, node: Node, depth: int) -> None:
        ordered = node.tag == "ol"
        level = min(depth, 3)
        style = ("List Number" if ordered else "List Bullet") + ("" if level == 1 else f" {level}")
        num_id = self._restart(style) if ordered else None
        for item in node.children:
            if not isinstance(item, Node):
                if item.strip():
                    self._list_paragraph(style, num_id, [item])
                continue
            if item.tag != "li":
                if item.tag in ("ul", "ol"):
                    self._list(item, depth + 1)
                else:
                    self._list_paragraph(style, num_id, [item])
                continue
            first = True
            loose: list[Node | str] = []
            for child in item.children:
                if isinstance(child, Node) and child.tag in ("ul", "ol"):
                    if loose or first:
                        self._list_paragraph(style if first else "List Continue", num_id if first else None, loose)
                        first, loose = False, []
                    self._list(child, depth + 1)
                elif isinstance(child, Node) and child.tag in html_blocks.BLOCKS:
                    inner: list[Node | str] = child.children if child.tag == "p" else [child.text()]
                    if loose:
                        self._list_paragraph(style if first else "List Continue", num_id if first else None, loose)
                        first, loose = False, []
                    self._list_paragraph(style if first else "List Continue", num_id if first else None, inner)
                    first = False
                else:
                    loose.append(child)
            if loose or first:
                self._list_paragraph(style if first else "List Continue", num_id if first else None, loose)

    def _list_paragraph(self, style: str, num_id: int | None, nodes: list[Node | str]) -> None:
        paragraph = _add(self.doc, style)
        if num_id is not None:
            numpr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            numpr.get_or_add_ilvl().val = 0
            numpr.get_or_add_numId().val = num_id
        self._inline(paragraph, nodes)

    def _restart(self, style: str) -> int | None:
        """A new numbering instance of the list style's numbering, restarting at 1."""
        style_numpr = self.doc.styles[style].element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        if style_numpr is None:
            return None
        base = style_numpr.get(qn("w:val"))
        abstract = None
        for num in self.numbering.findall(qn("w:num")):
            if num.get(qn("w:numId")) == base:
                abstract = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        if abstract is None:
            return None
        new_id = max(int(n.get(qn("w:numId"))) for n in self.numbering.findall(qn("w:num"))) + 1
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), str(new_id))
        ref = OxmlElement("w:abstractNumId")
        ref.set(qn("w:val"), abstract)
        num.append(ref)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start = OxmlElement("w:startOverride")
        start.set(qn("w:val"), "1")
        override.append(start)
        num.append(override)
        self.numbering.append(num)
        return new_id

    # inline

    def _inline(self, paragraph: Paragraph, nodes: list[Node | str]) -> None:
        text = "".join(n if isinstance(n, str) else n.text() for n in nodes)
        if html_blocks.is_rtl(text):
            _bidi(paragraph)
        self._runs(paragraph, nodes, frozenset(), None)

    def _runs(self, paragraph: Paragraph, nodes: list[Node | str], marks: frozenset[str], href: str | None) -> None:
        for node in nodes:
            if isinstance(node, str):
                if node:
                    self._run(paragraph, node, marks, href)
                continue
            if node.tag == "br":
                paragraph.add_run().add_break()
            elif node.tag in html_blocks.MARKS:
                self._runs(paragraph, node.children, marks | {html_blocks.MARKS[node.tag]}, href)
            elif node.tag == "a":
                target = node.attrs.get("href", "")
                safe = target if target.lower().startswith(("http://", "https://", "mailto:")) else None
                self._runs(paragraph, node.children, marks, safe or href)
            else:
                self._runs(paragraph, node.children, marks, href)

    def _run(self, paragraph: Paragraph, text: str, marks: frozenset[str], href: str | None) -> None:
        text = _xml_text(text)
        if not text:
            return
        if href is None:
            run = paragraph.add_run(text)
            _marks(run, marks, html_blocks.is_rtl(text))
            return
        rel = paragraph.part.relate_to(_xml_text(href), RT.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rel)
        link.set(qn("w:history"), "1")
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), _style_ids()["Hyperlink"])
        rpr.append(style)
        r.append(rpr)
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        r.append(t)
        link.append(r)
        paragraph._p.append(link)
        _marks(Run(r, paragraph), marks, html_blocks.is_rtl(text))


def _marks(run: Any, marks: frozenset[str], rtl: bool) -> None:
    if "bold" in marks:
        run.bold = True
    if "italic" in marks:
        run.italic = True
    if "strike" in marks:
        run.font.strike = True
    if "underline" in marks:
        run.underline = True
    if "code" in marks:
        run.font.name = MONO
        run.font.size = Pt(9.5)
    if rtl:
        run.font.rtl = True


def _bidi(paragraph: Paragraph) -> None:
    _ppr_insert(paragraph._p.get_or_add_pPr(), OxmlElement("w:bidi"), "w:bidi")


# --- the dossier ------------------------------------------------------------------------------


def _heading(doc: DocumentObject, text: str, level: int, *, new_page: bool = False) -> Paragraph:
    paragraph = _add(doc, f"Heading {level}")
    paragraph.add_run(_xml_text(text))
    if new_page:
        paragraph.paragraph_format.page_break_before = True
    return paragraph


def _para(
    doc: DocumentObject, text: str = "", style: str | None = None, *, bold_prefix: str | None = None
) -> Paragraph:
    paragraph = _add(doc, style)
    if bold_prefix:
        paragraph.add_run(_xml_text(bold_prefix)).bold = True
    if text:
        paragraph.add_run(_xml_text(text))
    return paragraph


def _bullets(doc: DocumentObject, items: Iterable[str], style: str = "List Bullet") -> None:
    for item in items:
        _para(doc, item, style)


def _answer(doc: DocumentObject, writer: _AnswerWriter, html: str, empty: bool, missing: bool) -> None:
    if missing:
        _para(doc, f"⚠ {MISSING_REQUIRED}", "Missing Answer")
    elif empty:
        _para(doc, NO_ANSWER, "No Answer")
    else:
        writer.write(html)


def _cover(doc: DocumentObject, m: DossierExport) -> None:
    _para(doc, "Dossier de candidature", "Subtitle").paragraph_format.space_after = Pt(2)
    _add(doc, "Title").add_run(_xml_text(m.title))
    _para(doc, f"{m.form_title} — {m.storyboard.title}", "Subtitle")
    pairs = [
        ("Structure porteuse", m.structure),
        ("Porteur du projet" if len(m.leads) < 2 else "Porteurs du projet", ", ".join(m.leads) or "—"),
        ("Partenaires", ", ".join(m.partners) or "—"),
        ("Date", m.date_label),
        ("État du dossier", m.state_label),
        ("Actions", f"{len(m.actions)} action{'s' if len(m.actions) > 1 else ''}, par ordre d’importance"),
    ]
    _key_values(doc, pairs)
    _para(doc, "Actions présentées, par ordre d’importance", "Label")
    for action in m.actions:
        _para(doc, action.title, "List Number")
    if m.draft:
        _para(doc, m.mark or "", "Draft Mark")
        note = "Version de travail : ce document n’est pas le dossier déposé."
        if m.missing_count:
            plural = "s" if m.missing_count > 1 else ""
            note += f" {m.missing_count} réponse{plural} obligatoire{plural} manquante{plural}."
        paragraph = _para(doc, note, "Guidance")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _action(doc: DocumentObject, writer: _AnswerWriter, m: DossierExport, index: int) -> None:
    action = m.actions[index]
    _heading(doc, f"{m.form_title} — action {action.rank} / {action.total}", 1, new_page=True)
    paragraph = _para(doc, "", None, bold_prefix=f"{m.title_label} : ")
    run = paragraph.add_run(_xml_text(action.title))
    run.bold = True
    run.font.size = Pt(12)
    run.font.color.rgb = ACCENT
    rank = f"{action.rank} / {action.total}"
    _para(
        doc,
        rank + (" (provisoire : aucun vote de priorité n’a adopté cet ordre)" if m.provisional_order else ""),
        None,
        bold_prefix="Ordre d’importance : ",
    )
    if m.title_wording:
        _para(doc, m.title_wording, "Guidance")
    for section in action.sections:
        _heading(doc, section.title, 2)
        for question in section.questions:
            _question(doc, writer, question)


def _question(doc: DocumentObject, writer: _AnswerWriter, q: QuestionExport) -> None:
    _heading(doc, q.label + (" *" if q.required else ""), 3)
    if q.show_wording:
        for line in q.wording_lines:
            _para(doc, line, "Question")
    _answer(doc, writer, str(q.html), q.empty, q.missing)


def _storyboard(doc: DocumentObject, writer: _AnswerWriter, m: DossierExport) -> None:
    board = m.storyboard
    _heading(doc, f"Annexe : {board.title[:1].upper()}{board.title[1:]}", 1, new_page=True)
    if board.subtitle:
        _para(doc, board.subtitle, "Guidance")
    for sequence in board.sequences:
        _heading(doc, sequence.heading, 2)
        for line in sequence.wording_lines:
            _para(doc, line, "Question")
        if sequence.markers:
            _para(
                doc, " ; ".join(sequence.markers) + ".", "Guidance", bold_prefix="Marqueurs de l’innovation sociale : "
            )
        _answer(doc, writer, str(sequence.html), sequence.empty, False)


def _participation_rows(rows: list[ParticipationRow], total: ParticipationRow) -> list[list[Any]]:
    return [[r.group, r.members, r.text_share, r.comments, r.votes] for r in [*rows, total]]


def _governance(doc: DocumentObject, m: DossierExport) -> None:
    _heading(doc, "Annexe : Gouvernance partagée", 1, new_page=True)
    _para(
        doc,
        (
            "Cette annexe est établie par Codossier à partir de ses propres données : la liste des membres, "
            "les bulletins du vote de priorité, les votes des décisions collégiales, le journal des modifications "
            "du texte, les commentaires et le registre des décisions."
        ),
    )

    _heading(doc, "Membres du projet", 2)
    _table(
        doc, ["Nom", "Rôle", "Collège"], [[r.name, r.role_label, r.college or "—"] for r in m.members], [7.5, 4.2, 4.9]
    )
    if m.colleges:
        _heading(doc, "Collèges", 3)
        _table(
            doc,
            ["Collège", "Poids dans les votes", "Membres"],
            [[c.name, c.weight, c.members] for c in m.colleges],
            [8, 4.6, 4],
            numeric_from=1,
        )

    _heading(doc, "Ordre de priorité des actions", 2)
    p = m.priority
    if p is None:
        _para(
            doc,
            "Aucun vote de priorité n’a été adopté pour ce dossier."
            if len(m.actions) > 1
            else "Le dossier ne comporte qu’une action : aucun ordre de priorité n’est à voter.",
        )
    else:
        adopted = f", adopté le {p.adopted_at} par {p.adopted_by}" if p.adopted_at else ""
        entry = f" (entrée n° {p.register_sequence} du registre)" if p.register_sequence else ""
        _para(
            doc,
            (
                f"Vote par classement ouvert le {p.opened_at}, clos le {p.closed_at}{adopted}{entry}. "
                f"{p.ballot_count} bulletin{'s' if p.ballot_count > 1 else ''}, poids total {p.total_weight}"
                f"{' (chaque collège pèse son poids, partagé entre ses votants)' if p.weighted else ''}"
                f"{' ; vote secret' if p.secret else ''}. Décompte par la méthode de Schulze."
            ),
        )
        if m.provisional_order:
            _para(
                doc,
                "L’ordre actuel des actions n’est pas celui de ce vote (actions ajoutées, retirées ou "
                "réordonnées depuis) : un nouveau vote de priorité est nécessaire.",
                "Missing Answer",
            )
        _heading(doc, "Résultat", 3)
        writer = _AnswerWriter(doc)
        num_id = writer._restart("List Number")
        for _rank, title in p.order:
            writer._list_paragraph("List Number", num_id, [title])
        _heading(doc, "Matrice des préférences deux à deux", 3)
        _para(
            doc,
            (
                "Chaque case donne le poids des bulletins qui placent l’action de la ligne avant celle de la colonne. "
                "Les actions sont numérotées dans l’ordre adopté."
            ),
            "Guidance",
        )
        headers = ["Action"] + [f"n° {rank}" for rank, _ in p.order]
        rows = [
            [f"{rank}. {title}"] + [cell if cell is not None else "—" for cell in p.matrix[i]]
            for i, (rank, title) in enumerate(p.order)
        ]
        rest = 16.6 - 7
        _table(doc, headers, rows, [7] + [rest / len(p.order)] * len(p.order), numeric_from=1)
        _heading(doc, "Pourquoi cet ordre", 3)
        _bullets(doc, p.explanation)

    _heading(doc, "Décisions collégiales", 2)
    if not m.decisions:
        _para(doc, "Aucune décision collégiale n’a encore été close.")
    for decision in m.decisions:
        _decision(doc, decision, level=3)

    _heading(doc, "Participation des parties prenantes", 2)
    _para(
        doc,
        (
            "Part du texte : part des caractères du texte actuel (les actions et le storyboard) écrits par "
            "chaque groupe ; un texte effacé ne compte plus. Commentaires : messages écrits dans les fils de "
            "discussion. Votes : bulletins du vote de priorité et votes exprimés dans les décisions."
        ),
        "Guidance",
    )
    headers = ["Groupe", "Membres", "Part du texte", "Commentaires", "Votes"]
    _heading(doc, "Par rôle", 3)
    _table(
        doc,
        headers,
        _participation_rows(m.participation.by_role, m.participation.total),
        [6.6, 2.4, 2.8, 2.6, 2.2],
        numeric_from=1,
        bold_last=True,
    )
    if m.participation.by_college:
        _heading(doc, "Par collège", 3)
        _table(
            doc,
            headers,
            _participation_rows(m.participation.by_college, m.participation.total),
            [6.6, 2.4, 2.8, 2.6, 2.2],
            numeric_from=1,
            bold_last=True,
        )

    _heading(doc, "Registre des décisions", 2)
    reg = m.register
    pairs = [
        ("Entrées", str(reg.entries)),
        ("Tête du registre", reg.head or "registre vide"),
        ("Vérification", "chaîne intègre" if reg.verified else "ÉCHEC : la chaîne ne se vérifie pas"),
        ("Empreinte du contenu", m.content_hash),
    ]
    _key_values(doc, pairs, mono_keys=("Tête du registre", "Empreinte du contenu"))
    _para(
        doc,
        (
            "Chaque entrée du registre porte l’empreinte (SHA-256) de la précédente. La tête et l’empreinte du "
            "contenu, imprimées en pied de chaque page, permettent à toute personne qui détient ce document de "
            "prouver plus tard que le registre n’a pas été réécrit et que le texte est bien celui-ci."
        ),
        "Guidance",
    )


def _decision(doc: DocumentObject, d: DecisionExport, level: int) -> None:
    _heading(doc, f"Décision n° {d.id} : {d.title}", level)
    _key_values(doc, _decision_pairs(d), mono_keys=("Empreinte du texte",))
    _para(doc, "Texte soumis au vote", "Label")
    _para(doc, d.text, "Quote")
    if d.objections:
        _para(doc, "Objections", "Label")
        _bullets(doc, [_objection(o.reason, o.maintained, o.voter) for o in d.objections])
    _para(doc, "Motifs du résultat", "Label")
    _bullets(doc, d.reasons)
    _para(doc, "Déclaration de résultat", "Label")
    _para(doc, d.statement or "Aucune déclaration n’a encore été rédigée.", None if d.statement else "No Answer")


def _objection(reason: str, maintained: bool, voter: str | None) -> str:
    who = f" — {voter}" if voter else ""
    return f"«\u00a0{reason}\u00a0»{who} ({'maintenue' if maintained else 'retirée'})"


def _tally_text(d: DecisionExport) -> str:
    t = d.overall
    parts = [f"{t.pour} pour"]
    if not d.consent:
        parts.append(f"{t.contre} contre")
    parts.append(f"{t.abstention} abstention{'s' if t.abstention > 1 else ''}")
    if d.consent:
        parts.append(
            f"{t.objections_maintained} objection{'s' if t.objections_maintained > 1 else ''} maintenue"
            f"{'s' if t.objections_maintained > 1 else ''}"
        )
        if t.objections_withdrawn:
            parts.append(f"{t.objections_withdrawn} retirée{'s' if t.objections_withdrawn > 1 else ''}")
    return ", ".join(parts)


def _decision_pairs(d: DecisionExport, *, minutes: bool = False) -> list[tuple[str, str]]:
    pairs = [("Date de la décision", d.closed_at)] if minutes else []
    pairs += [
        ("Type", d.kind_label),
        ("Proposée par", d.proposer),
        ("Ouverte le", d.opened_at),
    ]
    if not minutes:
        pairs.append(("Close le", d.closed_at))
    pairs += [
        ("Règle", f"{d.rule_label} : {d.rule_explained}"),
        ("Quorum", d.quorum_label),
        ("Votes", _tally_text(d)),
    ]
    if d.overall.weights:
        pairs.append(("Votes pondérés", d.overall.weights))
    if d.require_every_college:
        pairs.append(("Double majorité", "la règle s’applique aussi dans chaque collège"))
    if d.secret:
        pairs.append(("Vote secret", "oui : les choix individuels ne sont pas publiés"))
    pairs.append(("Résultat", d.outcome_label))
    if d.content_hash:
        pairs.append(("Empreinte du texte", d.content_hash))
    if d.register_sequence:
        pairs.append(("Registre", f"entrée n° {d.register_sequence}"))
    return pairs


def dossier_docx(m: DossierExport) -> bytes:
    """The whole dossier: cover, one Annexe B per action, storyboard, gouvernance partagée."""
    doc = _new_document(m.title, m.structure, m.footer, m.title, m.mark)
    doc.core_properties.subject = m.form_title
    doc.core_properties.created = m.generated_at
    doc.core_properties.modified = m.generated_at
    writer = _AnswerWriter(doc)
    _cover(doc, m)
    for index in range(len(m.actions)):
        _action(doc, writer, m, index)
    _storyboard(doc, writer, m)
    _governance(doc, m)
    return _save(doc)


# --- minutes -------------------------------------------------------------------------------


def minutes_docx(m: MinutesExport) -> bytes:
    """The procès-verbal of one closed decision."""
    d = m.decision
    doc = _new_document(
        f"Procès-verbal — {d.title}",
        m.structure,
        m.footer,
        f"{m.dossier_title} — procès-verbal de décision n° {d.id}",
        None,
    )
    doc.core_properties.subject = "Procès-verbal de décision"
    doc.core_properties.created = m.generated_at
    doc.core_properties.modified = m.generated_at
    _para(doc, f"{m.dossier_title} — {m.structure}", "Subtitle").paragraph_format.space_after = Pt(2)
    _add(doc, "Title").add_run(_xml_text(f"Procès-verbal de décision n° {d.id}"))
    _para(doc, d.title, "Subtitle")
    _key_values(doc, _decision_pairs(d, minutes=True), mono_keys=("Empreinte du texte",))

    _heading(doc, "Texte de la proposition", 1)
    _para(doc, d.text, "Quote")
    if len(d.revisions) > 1:
        _para(doc, "Versions successives", "Label")
        _bullets(
            doc, [f"Version {r.number} ({r.at}) : {r.text}" + (f" — {r.note}" if r.note else "") for r in d.revisions]
        )

    _heading(doc, "Participants", 1)
    _para(
        doc,
        (
            f"{d.participants} participant{'s' if d.participants > 1 else ''} sur {d.eligible} "
            f"votant{'s' if d.eligible > 1 else ''} ; quorum de {d.quorum_percent} % "
            f"{'atteint' if d.quorum_reached else 'non atteint'}."
        ),
    )
    headers = ["Nom", "Rôle", "Collège", "A voté"] + ([] if d.secret else ["Vote"])
    rows = [
        [v.name, v.role_label, v.college or "—", v.voted_label] + ([] if d.secret else [v.choice or "—"])
        for v in d.voters
    ]
    _table(doc, headers, rows, [5.6, 3.2, 3.6, 1.6, 2.6] if not d.secret else [6.6, 3.6, 4.4, 2])
    if d.secret:
        _para(doc, "Vote secret : le procès-verbal indique qui a participé, pas ce que chacun a voté.", "Guidance")

    _heading(doc, "Décompte", 1)
    columns = (
        ["", "Pour"]
        + ([] if d.consent else ["Contre"])
        + ["Abstention"]
        + (["Objections maintenues", "Objections retirées"] if d.consent else [])
        + ["Participants"]
    )

    def row(t: Any) -> list[Any]:
        return (
            [t.label, t.pour]
            + ([] if d.consent else [t.contre])
            + [t.abstention]
            + ([t.objections_maintained, t.objections_withdrawn] if d.consent else [])
            + [f"{t.participants} / {t.eligible}"]
        )

    width = 16.6 / len(columns)
    _table(doc, columns, [row(d.overall)] + [row(t) for t in d.colleges], [width] * len(columns), numeric_from=1)
    if d.overall.weights:
        _para(doc, d.overall.weights, "Guidance", bold_prefix="Votes pondérés par collège : ")

    _heading(doc, "Objections", 1)
    if d.objections:
        _bullets(doc, [_objection(o.reason, o.maintained, o.voter) for o in d.objections])
    else:
        _para(doc, "Aucune objection.")

    _heading(doc, "Issue", 1)
    outcome = _para(doc, d.outcome_label)
    outcome.runs[0].bold = True
    outcome.runs[0].font.color.rgb = ACCENT if d.adopted else RED
    _bullets(doc, d.reasons)

    _heading(doc, "Déclaration de résultat", 1)
    if d.statement:
        _para(doc, d.statement)
        if d.statement_at:
            _para(doc, f"Rédigée par {d.proposer} le {d.statement_at}.", "Guidance")
    else:
        _para(doc, "Aucune déclaration n’a encore été rédigée.", "No Answer")

    _heading(doc, "Registre", 1)
    pairs = [("Entrée de la décision", f"n° {d.register_sequence}" if d.register_sequence else "—")]
    if d.content_hash:
        pairs.append(("Empreinte du texte", d.content_hash))
    pairs.append(("Tête du registre", m.register_head or "registre vide"))
    _key_values(doc, pairs, mono_keys=("Empreinte du texte", "Tête du registre"))
    _para(
        doc, f"Procès-verbal établi le {french_datetime(m.generated_at)} à partir du registre de Codossier.", "Guidance"
    )
    return _save(doc)

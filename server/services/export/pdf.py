"""The dossier and the minutes as PDF: Jinja2 HTML templates printed by WeasyPrint.

The templates (``server/templates/export/``) are rendered with autoescape on:
every value is escaped, except the answers, which are ``Markup`` made by
``model.safe_answer_html`` from the server's own nh3-sanitized rendering of the
CRDT. WeasyPrint may fetch nothing but the DejaVu font files (no network, no
other file), and the fonts are embedded (subset) in the PDF.
"""

from __future__ import annotations

import re
import threading
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .model import MISSING_REQUIRED, NO_ANSWER, DossierExport, MinutesExport, french_datetime

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates" / "export"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# family → (regular, bold, italic, bold italic) file names
FONTS = {
    "Codossier Sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf"),
    "Codossier Mono": (
        "DejaVuSansMono.ttf",
        "DejaVuSansMono-Bold.ttf",
        "DejaVuSansMono-Oblique.ttf",
        "DejaVuSansMono-BoldOblique.ttf",
    ),
}


class FontsOnly(URLFetcher):  # type: ignore[misc]  # weasyprint ships no types
    """Fetch the DejaVu font files, and nothing else."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file://"):
            path = Path(url.removeprefix("file://")).resolve()
            if path.parent == FONT_DIR.resolve() and path.suffix == ".ttf":
                return super().fetch(url, headers)
        raise ValueError(f"the export fetches no external resource ({url[:80]})")


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _printable(value: Any) -> Any:
    """Every printed value without control characters (a title typed with one must not break the page)."""
    if isinstance(value, Markup):
        return Markup(_CONTROL.sub("", value))
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    return value


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_printable,
    )
    env.globals.update(MISSING_REQUIRED=MISSING_REQUIRED, NO_ANSWER=NO_ANSWER)
    return env


def _font_faces() -> str:
    rules = []
    for family, files in FONTS.items():
        for (weight, style), name in zip(
            (("normal", "normal"), ("bold", "normal"), ("normal", "italic"), ("bold", "italic")), files, strict=True
        ):
            path = FONT_DIR / name
            if not path.is_file():
                continue
            rules.append(
                f'@font-face {{ font-family: "{family}"; src: url("{path.as_uri()}"); '
                f"font-weight: {weight}; font-style: {style}; }}"
            )
    return "\n".join(rules)


@cache
def _css_text() -> str:
    return _font_faces() + "\n" + (TEMPLATES / "export.css").read_text(encoding="utf-8")


def render_html(template: str, **context: Any) -> str:
    """The HTML given to WeasyPrint (public for tests: what the PDF is printed from)."""
    return _environment().get_template(template).render(**context)


@cache
def _stylesheet() -> tuple[CSS, FontConfiguration]:
    """The stylesheet and its fonts, loaded once per process (loading the @font-face rules is slow)."""
    fonts = FontConfiguration()
    return CSS(string=_css_text(), font_config=fonts, url_fetcher=FontsOnly(timeout=5)), fonts


def _native_lock() -> Any:
    """A lock of the operating system's threads, even when gevent has patched ``threading``."""
    try:
        from gevent.monkey import get_original
    except ImportError:  # pragma: no cover
        return threading.Lock()
    return get_original("threading", "Lock")()


_PRINTING = _native_lock()


def _print(html: str) -> bytes:
    with _PRINTING:  # one document at a time shares the loaded fonts
        stylesheet, fonts = _stylesheet()
        document = HTML(string=html, url_fetcher=FontsOnly(timeout=5), base_url=str(TEMPLATES)).render(
            stylesheets=[stylesheet], font_config=fonts
        )
        # A tagged PDF (structure for screen readers), as French public bodies expect accessible documents.
        return document.write_pdf(pdf_tags=True)  # type: ignore[no-any-return]


def print_html(html: str) -> bytes:
    """Print HTML rendered from these templates (``render_html``) with the export stylesheet and fonts."""
    return _print(html)


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def dossier_html(m: DossierExport) -> str:
    return render_html(
        "dossier.html", m=m, mark=m.mark, footer=m.footer, author=m.structure, created=_iso(m.generated_at)
    )


def dossier_pdf(m: DossierExport) -> bytes:
    """The whole dossier: cover, one Annexe B per action, storyboard, gouvernance partagée."""
    return _print(dossier_html(m))


def minutes_html(m: MinutesExport) -> str:
    return render_html(
        "minutes.html",
        m=m,
        mark=None,
        footer=m.footer,
        author=m.structure,
        created=_iso(m.generated_at),
        generated=french_datetime(m.generated_at),
    )


def minutes_pdf(m: MinutesExport) -> bytes:
    """The procès-verbal of one closed decision."""
    return _print(minutes_html(m))

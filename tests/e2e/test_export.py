"""Exports in the browser: the lead clicks "Exporter en PDF" (then Word) on the dossier page and
gets files that open; a closed decision's procès-verbal downloads from the decision page."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import assert_accessible
from tests.e2e.steps import create_dossier, new_email, sign_up
from tests.e2e.test_lifecycle import adopt, call_api, in_a_day
from tests.e2e.test_live_editing import SAVED, answer, live_status, type_at_end

TITLE = "Projet Export Jardin"
ANSWER = "Cultiver ensemble un jardin au pied des immeubles."


def flat(text: str) -> str:
    """Extracted text with typographic apostrophes and runs of whitespace made plain."""
    return re.sub(r"\s+", " ", text.replace("\u2019", "'"))


def pdf_text(path: Path) -> str:
    reader = PdfReader(str(path))
    return flat(" ".join(page.extract_text() or "" for page in reader.pages))


def docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        parts.extend(paragraph.text for paragraph in section.header.paragraphs)
    return flat(" ".join(parts))


def export_group(page: Any) -> Any:
    return page.get_by_role("group", name="Exporter le dossier")


def test_lead_exports_the_dossier_as_pdf_and_word(new_context: Any, tmp_path: Path) -> None:
    page = new_context().new_page()
    sign_up(page, "Léa Porteur", new_email("lea"))
    create_dossier(page, TITLE)
    page.get_by_label("Titre de la nouvelle action").fill("Un jardin partagé")
    page.get_by_role("button", name="Ajouter l'action").click()
    expect(page.get_by_role("tab", name="1. Un jardin partagé")).to_be_visible()
    type_at_end(page, answer(page), ANSWER)
    expect(live_status(page)).to_contain_text(SAVED)

    group = export_group(page)
    expect(group).to_contain_text("produit par le serveur à partir du texte enregistré")
    expect(group).to_contain_text("BROUILLON")
    pdf_button = group.get_by_role("button", name="Exporter en PDF")
    word_button = group.get_by_role("button", name="Exporter en Word (DOCX)")
    status = group.get_by_role("status")
    assert_accessible(page)

    # Hold the reply back a moment so the progress feedback can be seen (and checked) for sure.
    held: list[Any] = []
    page.route("**/export.pdf", lambda route: held.append(route))
    with page.expect_request("**/export.pdf"):
        pdf_button.click()
    expect(pdf_button).to_have_attribute("aria-busy", "true")
    expect(pdf_button).to_be_disabled()
    expect(word_button).to_be_disabled()
    expect(status).to_have_text("Préparation du PDF… cela peut prendre quelques secondes.")
    assert_accessible(page)
    with page.expect_download() as info:
        held[0].continue_()
    page.unroute("**/export.pdf")
    download = info.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    expect(status).to_have_text(f"PDF prêt : {download.suggested_filename}")
    expect(pdf_button).not_to_have_attribute("aria-busy", "true")
    expect(pdf_button).to_be_enabled()

    pdf_path = tmp_path / download.suggested_filename
    download.save_as(pdf_path)
    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF"), data[:16]
    text = pdf_text(pdf_path)
    assert TITLE in text, text[:500]
    assert "BROUILLON" in text
    assert "Intitulé de l'action" in text
    assert "Un jardin partagé" in text
    assert ANSWER in text

    with page.expect_download() as info:
        word_button.click()
    download = info.value
    assert download.suggested_filename.endswith(".docx"), download.suggested_filename
    expect(status).to_have_text(f"Fichier Word prêt : {download.suggested_filename}")
    docx_path = tmp_path / download.suggested_filename
    download.save_as(docx_path)
    assert docx_path.read_bytes().startswith(b"PK")
    text = docx_text(docx_path)
    assert TITLE in text, text[:500]
    assert ANSWER in text
    assert_accessible(page)


def test_a_failed_export_says_why_in_french(new_context: Any) -> None:
    page = new_context().new_page()
    sign_up(page, "Léa Porteur", new_email("lea"))
    create_dossier(page, TITLE)
    group = export_group(page)

    page.route(
        "**/export.pdf",
        lambda route: route.fulfill(
            status=404,
            content_type="application/json",
            body='{"error": {"code": "not_found", "message": "Not found"}}',
        ),
    )
    group.get_by_role("button", name="Exporter en PDF").click()
    alert = group.get_by_role("alert")
    expect(alert).to_contain_text("Le PDF n'a pas pu être produit.")
    expect(alert).to_contain_text("Introuvable")
    assert_accessible(page)

    page.route("**/export.docx", lambda route: route.abort("internetdisconnected"))
    group.get_by_role("button", name="Exporter en Word (DOCX)").click()
    expect(alert).to_contain_text("Le fichier Word n'a pas pu être produit.")
    expect(alert).to_contain_text("Le serveur ne répond pas.")


def test_minutes_of_a_closed_decision_download_from_the_decision_page(new_context: Any, tmp_path: Path) -> None:
    page = new_context().new_page()
    sign_up(page, "Léa Porteur", new_email("lea"))
    dossier_id = create_dossier(page, TITLE)
    decision = call_api(
        page,
        "POST",
        f"/api/dossiers/{dossier_id}/decisions",
        {
            "kind": "general",
            "title": "Acheter des graines",
            "text": "Nous achetons des graines de tomates anciennes.",
            "rule": "consentement",
            "quorum_percent": 50,
            "closes_at": in_a_day(),
            "secret": False,
            "require_every_college": False,
            "about_text": False,
        },
    )
    decision_id = decision["id"]

    # Open: no minutes to download yet.
    page.goto(f"/dossiers/{dossier_id}/decisions/{decision_id}")
    expect(page.get_by_role("heading", name="Acheter des graines", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Télécharger le procès-verbal (PDF)")).to_have_count(0)

    adopt(page, dossier_id, decision_id)
    page.reload()
    group = page.get_by_role("group", name="Télécharger le procès-verbal")
    pdf_button = group.get_by_role("button", name="Télécharger le procès-verbal (PDF)")
    expect(pdf_button).to_be_visible()
    expect(group.get_by_role("button", name="Télécharger le procès-verbal (Word)")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as info:
        pdf_button.click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    assert "Acheter des graines" in pdf_text(path)
    expect(group.get_by_role("status")).to_have_text(f"PDF prêt : {download.suggested_filename}")

    # The printable procès-verbal page offers the Word file too.
    page.goto(f"/dossiers/{dossier_id}/decisions/{decision_id}/pv")
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger le procès-verbal (Word)").click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    document = Document(io.BytesIO(path.read_bytes()))
    assert "Acheter des graines" in flat(
        " ".join(p.text for p in document.paragraphs)
        + " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    )
    assert_accessible(page)

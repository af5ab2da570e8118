"""The register page: a lead reads the decisions, checks fingerprints, and sees a tampered entry named.

Nothing in the app writes register entries yet: the test records them through
the services, in the live server's SQLite file, then tampers with one row.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.steps import PHONE, create_dossier, new_email, sign_up


def live_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SQLite file of the session's live server (made by the `live_server` fixture)."""
    # mktemp("live-server") makes live-server0 (pytest may add a live-servercurrent link to it).
    found = sorted({path.resolve() for path in tmp_path_factory.getbasetemp().glob("live-server*/codossier.sqlite3")})
    assert len(found) == 1, found
    return found[0]


def record_entries(database: Path, dossier_id: int, entries: list[tuple[str, dict[str, Any]]]) -> None:
    """Append entries with `services.register.record`, as the app will."""
    from server import create_app
    from server.extensions import db
    from server.services import register

    app = create_app(
        DATA_DIR=database.parent,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}",
        REDIS_URL=None,
        RATELIMIT_STORAGE_URI="memory://",
        ASYNC_MODE="threading",
    )
    with app.app_context():
        for kind, content in entries:
            register.record(dossier_id, kind, content)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_lead_reads_verifies_and_sees_a_tampered_register(
    new_context: Any, live_server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    lead = new_context().new_page()
    sign_up(lead, "Léa Porteur", new_email("lea"))
    dossier_id = create_dossier(lead, "Projet Registre")

    # An empty register first: the kind sentence.
    nav = lead.get_by_role("navigation", name="Dans ce dossier")
    nav.get_by_role("link", name="Registre des décisions").click()
    expect(lead.get_by_role("heading", name="Registre des décisions", level=1)).to_be_visible()
    expect(lead.get_by_text("Aucune entrée pour l'instant")).to_be_visible()
    expect(lead.get_by_role("status").filter(has_text="Registre vérifié ✓")).to_be_visible()

    database = live_database(tmp_path_factory)
    record_entries(
        database,
        dossier_id,
        [
            ("decision", {"question": "Acheter des bacs de jardinage ?", "outcome": "adoptée", "votes_for": 5}),
            ("priority_order", {"actions": ["Jardin partagé", "Repas de quartier"]}),
            ("decision", {"question": "<b>Pas du HTML</b>", "outcome": "rejetée"}),
        ],
    )

    lead.reload()
    expect(lead.get_by_role("heading", name="Registre des décisions", level=1)).to_be_visible()
    expect(lead.get_by_role("status").filter(has_text="Registre vérifié ✓ — 3 entrées")).to_be_visible()
    entries = lead.get_by_role("list").filter(has=lead.get_by_role("heading", name=re.compile("^Entrée n° ")))
    titles = entries.get_by_role("heading", level=3)
    expect(titles).to_have_text(
        ["Entrée n° 3 · Décision", "Entrée n° 2 · Ordre de priorité adopté", "Entrée n° 1 · Décision"]
    )
    expect(lead.get_by_text("Jardin partagé, Repas de quartier")).to_be_visible()
    expect(lead.get_by_text("<b>Pas du HTML</b>", exact=True)).to_be_visible()  # text, not markup
    assert lead.locator(".register-content b").count() == 0

    head = lead.locator("#head-hash").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", head)
    expect(lead.get_by_role("heading", name="Empreinte de tête", level=2)).to_be_visible()
    expect(lead.locator("li#entry-3 code")).to_have_text(head[:12] + "…")
    expect(lead.locator("li#entry-3 code")).to_have_attribute("title", head)
    lead.get_by_role("button", name="Copier l'empreinte").click()
    expect(lead.get_by_role("status").filter(has_text="Empreinte copiée")).to_be_visible()

    check = lead.get_by_role("form", name="Vérifier une empreinte reçue")
    field = check.get_by_label("Empreinte à vérifier")
    field.fill("pas une empreinte")
    check.get_by_role("button", name="Vérifier cette empreinte").click()
    expect(lead.get_by_role("alert").filter(has_text="exactement 64 caractères")).to_be_visible()
    field.fill("a" * 64)
    check.get_by_role("button", name="Vérifier cette empreinte").click()
    expect(lead.get_by_role("alert").filter(has_text="ne figure pas dans le registre")).to_be_visible()
    field.fill(head.upper())
    check.get_by_role("button", name="Vérifier cette empreinte").click()
    expect(lead.get_by_role("status").filter(has_text="figure bien dans le registre")).to_be_visible()
    expect(lead.get_by_role("alert")).to_have_count(0)
    assert_accessible(lead)
    for width in (1280, 360):
        lead.set_viewport_size({"width": width, "height": 900 if width > 400 else PHONE["height"]})
        scroll_width = lead.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"horizontal scroll at {width} px: {scroll_width}"

    # Someone edits entry 2 in the database: the page names it.
    with sqlite3.connect(database) as connection:
        connection.execute(
            "UPDATE register_entries SET kind = 'freeze' WHERE sequence = 2 AND dossier_id = ?", (dossier_id,)
        )
    connection.close()
    lead.set_viewport_size({"width": 1280, "height": 900})
    lead.get_by_role("button", name="Vérifier à nouveau").click()
    alert = lead.get_by_role("alert").filter(has_text="Registre altéré")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("L'empreinte enregistrée de l'entrée 2 ne correspond pas à son contenu")
    expect(alert).to_contain_text("Première entrée en cause : n° 2.")
    expect(lead.locator("li#entry-2")).to_have_class(re.compile(r"register-entry--bad"))
    expect(lead.locator("li#entry-2").get_by_role("heading")).to_have_text("Entrée n° 2 · Dossier figé")
    expect(lead.locator("li#entry-2")).to_contain_text("Entrée en cause")
    expect(lead.get_by_role("status").filter(has_text="Registre vérifié")).to_have_count(0)
    alert.get_by_role("link", name="Voir l'entrée n° 2").click()
    expect(lead.locator("li#entry-2")).to_be_focused()
    assert_accessible(lead)

    # In English, on a phone.
    lead.get_by_role("button", name="EN", exact=True).click()
    expect(lead.get_by_role("heading", name="Decision register", level=1)).to_be_visible()
    expect(lead.get_by_role("alert").filter(has_text="Register tampered with")).to_contain_text(
        "Entry 2's stored hash does not match its content"
    )
    expect(lead.locator("li#entry-2").get_by_role("heading")).to_have_text("Entry no. 2 · Dossier frozen")
    assert_accessible(lead)
    lead.set_viewport_size(PHONE)
    assert lead.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    lead.get_by_role("button", name="FR", exact=True).click()

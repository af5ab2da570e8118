"""A lead sets up a dossier and invites a beneficiary, who joins in one screen from a phone."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.steps import PHONE, create_dossier, new_email, sign_up


def test_lead_invites_a_beneficiary_who_joins_and_reads_the_annexe_b(new_context: Any) -> None:
    lead = new_context().new_page()
    sign_up(lead, "Léa Porteur", new_email("lea"))
    assert_accessible(lead)

    create_dossier(lead, "Projet Jardin des Possibles")

    for title in ("Un jardin partagé au pied des immeubles", "Des repas de quartier"):
        lead.get_by_label("Titre de la nouvelle action").fill(title)
        lead.get_by_role("button", name="Ajouter l'action").click()
        expect(lead.get_by_role("button", name=f"Renommer « {title} »")).to_be_visible()
    expect(lead.get_by_role("tab", name="1. Un jardin partagé au pied des immeubles")).to_be_visible()
    expect(lead.get_by_role("tab", name="2. Des repas de quartier")).to_be_visible()
    assert_accessible(lead)

    lead.get_by_role("link", name="Membres et invitations").click()
    expect(lead.get_by_role("heading", name="Membres du dossier", level=1)).to_be_visible()
    invite = lead.get_by_role("form", name="Inviter des personnes")
    invite.get_by_label("Rôle").select_option("beneficiary")
    invite.get_by_label("Pour qui ?").fill("Fatou")
    invite.get_by_role("button", name="Créer l'invitation").click()
    lead.get_by_role("button", name="Afficher le QR code — Fatou").click()
    dialog = lead.get_by_role("dialog")
    expect(dialog.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert_accessible(lead)
    link = dialog.locator("code").inner_text()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/join/[\w.-]+", link)
    dialog.get_by_role("button", name="Fermer").click()

    beneficiary = new_context(viewport=PHONE).new_page()
    beneficiary.goto(link)
    expect(beneficiary.get_by_text("Vous êtes invité·e comme bénéficiaire")).to_be_visible()
    assert_accessible(beneficiary)
    beneficiary.get_by_label("Votre prénom ou nom").fill("Fatou")
    beneficiary.get_by_role("button", name="Rejoindre le dossier").click()

    expect(beneficiary.get_by_role("heading", name="Projet Jardin des Possibles", level=1)).to_be_visible()
    expect(beneficiary.get_by_text("bénéficiaire", exact=True)).to_be_visible()
    questions = beneficiary.get_by_role("article")
    expect(questions.filter(has_text="Objectifs").first).to_be_visible()
    expect(beneficiary.get_by_role("button", name="Voir la formulation du financeur").first).to_be_visible()
    expect(beneficiary.get_by_role("textbox", name="Objectifs", exact=True)).to_be_editable()
    beneficiary.get_by_role("button", name="Voir la formulation du financeur").first.click()
    expect(beneficiary.get_by_text("A quels besoins (sociaux ou sociétaux)", exact=False).first).to_be_attached()
    expect(beneficiary.get_by_text("Gouvernance partagée").first).to_be_attached()
    assert_accessible(beneficiary)

    # The link worked once: opening it again says so, kindly.
    beneficiary.goto(link)
    expect(beneficiary.get_by_text("Ce lien a déjà été utilisé.")).to_be_visible()
    assert_accessible(beneficiary)

    # The lead sees the new member.
    lead.reload()
    expect(lead.get_by_role("combobox", name="Rôle de Fatou")).to_have_value("beneficiary")


def test_english_is_kept_across_visits(new_context: Any) -> None:
    page = new_context().new_page()
    page.goto("/login")
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert_accessible(page)


def test_deep_link_survives_a_reload_and_asks_to_log_in(new_context: Any) -> None:
    page = new_context().new_page()
    page.goto("/dossiers/1/members")
    expect(page.get_by_role("heading", name="Se connecter", level=1)).to_be_visible()
    assert "next=" in page.url

"""The lead sets up stakeholder collèges and places a beneficiary in one; the beneficiary sees it, read-only."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.steps import PHONE, create_dossier, new_email, sign_up


def create_college(page: Any, name: str, weight: str) -> None:
    form = page.get_by_role("form", name="Créer un collège")
    form.get_by_label("Nom").fill(name)
    form.get_by_label("Poids").fill(weight)
    form.get_by_role("button", name="Créer le collège").click()
    expect(page.get_by_role("status").filter(has_text=f"Collège « {name} » créé.")).to_be_visible()


def test_lead_puts_a_beneficiary_in_a_college(new_context: Any) -> None:
    lead = new_context().new_page()
    sign_up(lead, "Léa Martin", new_email("lea"))
    create_dossier(lead, "Projet Jardin des Possibles")

    lead.get_by_role("link", name="Membres et invitations").click()
    expect(lead.get_by_role("heading", name="Collèges", level=2)).to_be_visible()
    expect(lead.get_by_text("Les collèges regroupent les votants par type d'acteur")).to_be_visible()
    expect(lead.get_by_text("Aucun collège pour l'instant.")).to_be_visible()

    # Invite a beneficiary, who joins from a phone.
    invite = lead.get_by_role("form", name="Inviter des personnes")
    invite.get_by_label("Rôle").select_option("beneficiary")
    invite.get_by_label("Pour qui ?").fill("Fatou")
    invite.get_by_role("button", name="Créer l'invitation").click()
    link = lead.locator(".invitation-card code").first.inner_text()

    beneficiary = new_context(viewport=PHONE).new_page()
    beneficiary.goto(link)
    beneficiary.get_by_label("Votre prénom ou nom").fill("Fatou")
    beneficiary.get_by_role("button", name="Rejoindre le dossier").click()
    expect(beneficiary.get_by_role("heading", name="Projet Jardin des Possibles", level=1)).to_be_visible()

    # Two collèges; a duplicate name is refused in plain French.
    lead.reload()
    create_college(lead, "Porteur", "2")
    create_college(lead, "Bénéficiaires", "3")
    form = lead.get_by_role("form", name="Créer un collège")
    form.get_by_label("Nom").fill("porteur")
    form.get_by_role("button", name="Créer le collège").click()
    expect(form.get_by_text("Un collège porte déjà ce nom.").first).to_be_visible()
    form.get_by_label("Nom").fill("")

    colleges = lead.locator(".college-list")
    porteur = colleges.get_by_role("listitem").filter(has_text="Porteur").first
    expect(porteur).to_contain_text("poids 2")
    expect(colleges.get_by_role("listitem").filter(has_text="Bénéficiaires").first).to_contain_text("poids 3")

    # The lead's own card has a collège select; so does Fatou's.
    select = lead.get_by_role("combobox", name="Collège de Fatou")
    expect(select).to_have_value("")
    select.select_option(label="Bénéficiaires")
    expect(lead.get_by_role("status").filter(has_text="Collège de Fatou : Bénéficiaires.")).to_be_visible()
    expect(colleges.get_by_role("listitem").filter(has_text="Bénéficiaires").first).to_contain_text("1 membre")
    assert_accessible(lead)

    lead.reload()
    expect(lead.get_by_role("combobox", name="Collège de Fatou").locator("option:checked")).to_have_text(
        "Bénéficiaires"
    )
    expect(lead.get_by_role("button", name="Modifier — Porteur")).to_be_visible()
    expect(lead.get_by_role("button", name="Supprimer — Porteur")).to_be_visible()
    lead.set_viewport_size(PHONE)
    assert lead.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Edit, then delete with confirmation.
    lead.get_by_role("button", name="Modifier — Porteur").click()
    edit = lead.get_by_role("form", name="Modifier le collège « Porteur »")
    expect(edit.get_by_label("Nom")).to_be_focused()
    edit.get_by_label("Poids").fill("4")
    edit.get_by_role("button", name="Enregistrer — Porteur").click()
    expect(porteur).to_contain_text("poids 4")
    expect(lead.get_by_role("button", name="Modifier — Porteur")).to_be_focused()
    lead.get_by_role("button", name="Supprimer — Porteur").click()
    dialog = lead.get_by_role("dialog", name="Supprimer le collège « Porteur » ?")
    assert_accessible(lead)
    dialog.get_by_role("button", name="Oui, supprimer").click()
    expect(lead.get_by_role("status").filter(has_text="Collège « Porteur » supprimé.")).to_be_visible()
    expect(lead.get_by_role("button", name="Modifier — Porteur")).to_have_count(0)

    # The beneficiary sees her collège as text, without the controls.
    beneficiary.goto(lead.url.replace(lead.url.split("/dossiers/")[0], ""))
    expect(beneficiary.get_by_role("heading", name="Collèges", level=2)).to_be_visible()
    expect(beneficiary.get_by_text("Collège : Bénéficiaires")).to_be_visible()
    expect(beneficiary.locator(".college-list")).to_contain_text("poids 3")
    expect(beneficiary.get_by_role("combobox", name="Collège de Fatou")).to_have_count(0)
    expect(beneficiary.get_by_role("button", name="Créer le collège")).to_have_count(0)
    expect(beneficiary.get_by_role("button", name="Modifier — Bénéficiaires")).to_have_count(0)
    expect(beneficiary.get_by_role("button", name="Supprimer — Bénéficiaires")).to_have_count(0)
    assert beneficiary.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(beneficiary)

"""The priority vote in the browser: a lead opens a named poll, three members rank the
actions in three contexts (keyboard buttons, drag and drop, a tie on a phone), the lead
closes it, and everyone sees the new order, the matrix and the dossier reordered."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.steps import PHONE, create_dossier, new_email, sign_up

JARDIN = "Jardin partagé"
REPAS = "Repas de quartier"
VELO = "Atelier vélo"
SAVED = "Votre classement est enregistré (vous pouvez le changer jusqu'à la clôture)."


def invitation_link(lead: Any, role: str, label: str) -> str:
    invite = lead.get_by_role("form", name="Inviter des personnes")
    invite.get_by_label("Rôle").select_option(role)
    invite.get_by_label("Pour qui ?").fill(label)
    invite.get_by_role("button", name="Créer l'invitation").click()
    card = lead.locator(".invitation-card").filter(has_text=f"Pour : {label}")
    expect(card).to_have_count(1)
    return str(card.locator("code").first.inner_text())


def ranked_titles(page: Any) -> Any:
    return page.get_by_role("list", name="Votre classement, de la plus importante à la moins importante").locator(
        ".ranking-item__title"
    )


def save_ranking(page: Any) -> None:
    page.get_by_role("button", name="Enregistrer mon classement").click()
    expect(page.get_by_role("status").filter(has_text=SAVED)).to_be_visible()


def no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_three_members_rank_the_actions_and_see_the_new_order(new_context: Any) -> None:
    lead = new_context().new_page()
    sign_up(lead, "Léa Martin", new_email("lea"))
    dossier_id = create_dossier(lead, "Projet Jardin des Possibles")
    for title in (JARDIN, REPAS, VELO):
        lead.get_by_label("Titre de la nouvelle action").fill(title)
        lead.get_by_role("button", name="Ajouter l'action").click()
        expect(lead.get_by_role("button", name=f"Renommer « {title} »")).to_be_visible()

    # A partner (with an account) and a beneficiary (on a phone) join.
    lead.get_by_role("link", name="Membres et invitations").click()
    partner_link = invitation_link(lead, "partner", "Karim")
    beneficiary_link = invitation_link(lead, "beneficiary", "Fatou")

    partner = new_context().new_page()
    sign_up(partner, "Karim Benali", new_email("karim"))
    partner.goto(partner_link)
    partner.get_by_role("button", name="Rejoindre le dossier").click()
    expect(partner.get_by_role("heading", name="Projet Jardin des Possibles", level=1)).to_be_visible()

    beneficiary = new_context(viewport=PHONE).new_page()
    beneficiary.goto(beneficiary_link)
    beneficiary.get_by_label("Votre prénom ou nom").fill("Fatou")
    beneficiary.get_by_role("button", name="Rejoindre le dossier").click()
    expect(beneficiary.get_by_role("heading", name="Projet Jardin des Possibles", level=1)).to_be_visible()

    # The lead opens a named poll from the priority page.
    polls_url = f"/dossiers/{dossier_id}/priorites"
    lead.goto(polls_url)
    expect(lead.get_by_role("heading", name="Ordre de priorité des actions", level=1)).to_be_visible()
    expect(lead.get_by_text("méthode de Schulze")).to_be_visible()
    expect(lead.get_by_text("Aucun vote pour l'instant.")).to_be_visible()
    form = lead.get_by_role("form", name="Ouvrir un vote")
    expect(form.get_by_label("Date et heure de clôture")).not_to_have_value("")
    expect(form.get_by_role("radio", name="Nominatifs")).to_be_checked()
    expect(form.get_by_role("checkbox", name="Adopter le résultat à la clôture")).to_be_checked()
    assert_accessible(lead)

    # A closing date in the past is refused in plain French, on the field.
    form.get_by_label("Date et heure de clôture").fill("2020-01-01T18:00")
    form.get_by_role("button", name="Ouvrir le vote").click()
    expect(form.get_by_text("La date de clôture est déjà passée").first).to_be_visible()
    form.get_by_label("Date et heure de clôture").fill("2099-01-01T18:00")
    form.get_by_role("button", name="Ouvrir le vote").click()
    expect(form.get_by_text("dans les 90 prochains jours").first).to_be_visible()
    form.get_by_label("Date et heure de clôture").fill(_in_a_week(lead))
    form.get_by_role("button", name="Ouvrir le vote").click()

    expect(lead.get_by_role("heading", name="Vote sur l'ordre de priorité", level=1)).to_be_visible()
    found = re.search(rf"/dossiers/{dossier_id}/priorites/\d+$", lead.url)
    assert found, lead.url
    poll_url = found.group(0)
    expect(lead.get_by_text("Vote à bulletins nominatifs")).to_be_visible()
    expect(lead.get_by_text("Clôture le")).to_be_visible()
    expect(lead.get_by_text("0 sur 3 a voté").first).to_be_visible()
    expect(ranked_titles(lead)).to_have_text([JARDIN, REPAS, VELO])
    assert_accessible(lead)

    # The list shows the open vote, and no second form.
    lead.goto(polls_url)
    expect(lead.get_by_role("link", name=re.compile("^Classer les actions"))).to_be_visible()
    expect(lead.get_by_text("Un vote est déjà ouvert")).to_be_visible()
    expect(lead.get_by_role("form", name="Ouvrir un vote")).to_have_count(0)
    assert_accessible(lead)
    lead.get_by_role("link", name=re.compile("^Classer les actions")).click()

    # The lead ranks with the keyboard only: Vélo, Repas, Jardin.
    expect(lead.get_by_role("heading", name="Votre classement", level=2)).to_be_visible()
    up_velo = lead.get_by_role("button", name="Monter « Atelier vélo »")
    up_velo.focus()
    lead.keyboard.press("Enter")
    expect(
        lead.get_by_role("status").filter(has_text="« Atelier vélo » est maintenant à la place 2 sur 3.")
    ).to_be_visible()
    expect(up_velo).to_be_focused()
    lead.keyboard.press("Enter")
    expect(
        lead.get_by_role("status").filter(has_text="« Atelier vélo » est maintenant à la place 1 sur 3.")
    ).to_be_visible()
    expect(up_velo).to_be_disabled()
    expect(lead.get_by_role("button", name="Descendre « Atelier vélo »")).to_be_focused()
    lead.get_by_role("button", name="Descendre « Jardin partagé »").focus()
    lead.keyboard.press("Enter")
    expect(ranked_titles(lead)).to_have_text([VELO, REPAS, JARDIN])
    lead.get_by_role("button", name="Enregistrer mon classement").focus()
    lead.keyboard.press("Enter")
    expect(lead.get_by_role("status").filter(has_text=SAVED)).to_be_visible()
    expect(lead.get_by_text("1 sur 3 a voté").first).to_be_visible()

    # The partner drags "Atelier vélo" to the top: Vélo, Jardin, Repas.
    partner.goto(poll_url)
    expect(partner.get_by_role("heading", name="Votre classement", level=2)).to_be_visible()
    expect(ranked_titles(partner)).to_have_text([JARDIN, REPAS, VELO])
    items = partner.locator(".ranking-list .ranking-item")
    handle = items.filter(has_text=VELO).locator(".ranking-item__handle")
    handle.drag_to(items.filter(has_text=JARDIN), target_position={"x": 20, "y": 4})
    expect(ranked_titles(partner)).to_have_text([VELO, JARDIN, REPAS])
    expect(
        partner.get_by_role("status").filter(has_text="« Atelier vélo » est maintenant à la place 1 sur 3.")
    ).to_be_visible()
    save_ranking(partner)

    # The beneficiary, on her phone: Repas first, then Jardin and Vélo tied.
    beneficiary.goto(poll_url)
    expect(beneficiary.get_by_role("heading", name="Votre classement", level=2)).to_be_visible()
    expect(beneficiary.get_by_text("Vote à bulletins nominatifs")).to_be_visible()
    assert no_horizontal_scroll(beneficiary), "the ranking page scrolls sideways on a phone"
    beneficiary.get_by_role("button", name="Monter « Repas de quartier »").click()
    expect(ranked_titles(beneficiary)).to_have_text([REPAS, JARDIN, VELO])
    beneficiary.get_by_role("checkbox", name="À égalité avec la précédente « Atelier vélo »").check()
    expect(
        beneficiary.get_by_role("status").filter(has_text="« Atelier vélo » est à égalité avec « Jardin partagé ».")
    ).to_be_visible()
    expect(beneficiary.locator(".ranking-item--tied")).to_have_count(2)
    # An unranked action, then ranked again (keyboard path for "non classée").
    beneficiary.get_by_role("button", name="Ne pas classer « Jardin partagé »").click()
    expect(beneficiary.get_by_role("button", name="Classer « Jardin partagé »")).to_be_focused()
    beneficiary.get_by_role("button", name="Classer « Jardin partagé »").click()
    expect(ranked_titles(beneficiary)).to_have_text([REPAS, VELO, JARDIN])
    beneficiary.get_by_role("checkbox", name="À égalité avec la précédente « Jardin partagé »").check()
    save_ranking(beneficiary)
    assert no_horizontal_scroll(beneficiary)
    assert_accessible(beneficiary)

    # Live: the lead sees the three votes and the named ballots without reloading.
    expect(lead.get_by_text("3 sur 3 ont voté").first).to_be_visible()
    expect(lead.get_by_text("Classement de Fatou")).to_be_visible()
    assert_accessible(lead)

    # Changing one's ranking until the close: the page starts from the saved ballot.
    partner.reload()
    expect(ranked_titles(partner)).to_have_text([VELO, JARDIN, REPAS])
    expect(partner.get_by_text("Vous avez déjà voté.")).to_be_visible()

    # The lead closes the vote now.
    lead.get_by_role("button", name="Clore le vote maintenant").click()
    dialog = lead.get_by_role("dialog", name="Clore le vote maintenant ?")
    assert_accessible(lead)
    dialog.get_by_role("button", name="Oui, clore le vote").click()

    expected_order = [VELO, REPAS, JARDIN]
    for page in (lead, partner, beneficiary):
        expect(page.get_by_role("heading", name="Résultat", level=2)).to_be_visible()
        expect(page.get_by_role("list", name="Ordre obtenu").get_by_role("listitem")).to_have_text(expected_order)
        pairwise = page.get_by_role(
            "table", name="Nombre de voix qui préfèrent l'action de la ligne à celle de la colonne"
        )
        expect(pairwise.locator("thead th")).to_have_text([f"1. {VELO}", f"2. {REPAS}", f"3. {JARDIN}"])
        rows = pairwise.locator("tbody tr")
        expect(rows.nth(0).locator("td")).to_have_text(["—sans objet", "2, l'emporte", "2, l'emporte"])
        expect(rows.nth(1).locator("td")).to_have_text(["1", "—sans objet", "2, l'emporte"])
        expect(rows.nth(2).locator("td")).to_have_text(["0", "1", "—sans objet"])
        expect(page.get_by_role("table", name=re.compile("^Force de la chaîne la plus forte"))).to_be_visible()
        expect(page.get_by_text(f"{VELO} → {REPAS} (force 2)")).to_be_visible()
        expect(
            page.get_by_text("Ordre obtenu : 1. Atelier vélo, 2. Repas de quartier, 3. Jardin partagé.")
        ).to_be_visible()
        expect(page.get_by_role("heading", name="Règle de départage", level=3)).to_be_visible()
        expect(page.get_by_text("on garde l'ordre actuel du dossier").first).to_be_visible()
        expect(page.get_by_text("Cet ordre a été adopté le")).to_be_visible()
        expect(page.get_by_role("link", name="Voir l'entrée n° 1 au registre des décisions")).to_be_visible()
        expect(page.get_by_role("heading", name="Votre classement")).to_have_count(0)
    expect(lead.get_by_role("status").filter(has_text="Le vote est clos : voici le résultat.")).to_be_visible()
    assert_accessible(lead)
    assert no_horizontal_scroll(beneficiary), "the result page scrolls sideways on a phone"
    scroller = beneficiary.get_by_role("region", name="Tableau des préférences deux à deux (défilable)")
    expect(scroller).to_have_attribute("tabindex", "0")
    assert_accessible(beneficiary)

    # The list page shows the closed, adopted vote; the dossier has the new order.
    lead.goto(polls_url)
    expect(lead.get_by_text("Ordre adopté")).to_be_visible()
    expect(lead.get_by_text(f"En tête : {VELO}")).to_be_visible()
    expect(lead.get_by_role("form", name="Ouvrir un vote")).to_be_visible()
    assert_accessible(lead)

    for page in (lead, beneficiary):
        page.goto(f"/dossiers/{dossier_id}")
        expect(page.get_by_role("tab", name=f"1. {VELO}")).to_be_visible()
        expect(page.get_by_role("tab", name=f"2. {REPAS}")).to_be_visible()
        expect(page.get_by_role("tab", name=f"3. {JARDIN}")).to_be_visible()


def _in_a_week(page: Any) -> str:
    """A datetime-local value a week ahead, in the browser's own time zone."""
    return str(
        page.evaluate(
            """() => {
                const d = new Date(Date.now() + 7 * 24 * 3600 * 1000);
                const pad = (n) => String(n).padStart(2, "0");
                const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
                return `${day}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
            }"""
        )
    )

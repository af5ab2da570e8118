"""Collegial decisions in the browser: a consent decision where a maintained objection
blocks adoption (live for everyone, with an integration round), and a simple-majority
decision adopted with its outcome statement; both end on a procès-verbal."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.steps import PHONE, create_dossier, new_email, sign_up
from tests.e2e.test_lifecycle import call_api
from tests.e2e.test_live_editing import invitation, join

TITLE = "Projet Jardin des Possibles"


def propose(lead: Any, dossier_id: int, *, title: str, text: str, rule: str, about_text: bool = False) -> str:
    """The lead fills « Proposer une décision » and lands on the new decision; returns its path."""
    lead.goto(f"/dossiers/{dossier_id}/decisions")
    expect(lead.get_by_role("heading", name="Décisions collégiales", level=1)).to_be_visible()
    form = lead.get_by_role("form", name="Proposer une décision")
    form.get_by_label("Titre", exact=True).fill(title)
    form.get_by_label("Texte proposé").fill(text)
    form.get_by_label("Règle de décision").select_option(rule)
    expect(form.get_by_label("Quorum (en %)")).to_have_value("50")
    if about_text:
        form.get_by_label("La décision porte sur le texte actuel du dossier").check()
    form.get_by_role("button", name="Proposer la décision").click()
    expect(lead.get_by_role("heading", name=title, level=1)).to_be_visible()
    return decision_path(lead)


def decision_path(page: Any) -> str:
    """The path of the decision page the page is on."""
    match = re.search(r"/dossiers/\d+/decisions/\d+$", page.url)
    assert match, page.url
    return match.group(0)


def voters(page: Any) -> Any:
    return page.get_by_role("region", name="Qui a voté")


def voter(page: Any, name: str) -> Any:
    return voters(page).get_by_role("listitem").filter(has_text=name)


def status(page: Any, text: str) -> Any:
    return page.get_by_role("status").filter(has_text=text)


def fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_maintained_objection_blocks_a_consent_decision(new_context: Any) -> None:
    lead = new_context().new_page()
    sign_up(lead, "Léa Porteur", new_email("lea"))
    dossier_id = create_dossier(lead, TITLE)
    partner_link = invitation(lead, dossier_id, "partner")
    beneficiary_link = invitation(lead, dossier_id, "beneficiary")
    partner = new_context().new_page()
    join(partner, partner_link, "Paul Partenaire", with_account=True)
    beneficiary = new_context(viewport=PHONE).new_page()
    join(beneficiary, beneficiary_link, "Fatou")

    # The list: nothing yet, the plain-French form, axe-clean.
    lead.goto(f"/dossiers/{dossier_id}/decisions")
    expect(lead.get_by_role("heading", name="Décisions collégiales", level=1)).to_be_visible()
    expect(lead.get_by_text("Aucun vote en cours.")).to_be_visible()
    form = lead.get_by_role("form", name="Proposer une décision")
    expect(form.get_by_label("Règle de décision")).to_have_value("consentement")
    expect(form.get_by_text("La décision est adoptée si personne ne maintient d'objection.")).to_be_visible()
    assert_accessible(lead)

    # A missing title is said in French, next to the field, which gets the focus.
    form.get_by_role("button", name="Proposer la décision").click()
    expect(form.get_by_text("Donnez un titre à la décision.")).to_be_visible()
    expect(form.get_by_label("Titre", exact=True)).to_be_focused()

    path = propose(
        lead,
        dossier_id,
        title="Acheter des bacs de jardinage",
        text="Nous achetons six bacs de jardinage pour la cour du bâtiment B.",
        rule="consentement",
        about_text=True,
    )
    expect(lead.get_by_text("Personne n'a encore voté (0 sur 3)").first).to_be_visible()
    rules = lead.get_by_role("region", name="Comment on décide")
    expect(rules).to_contain_text("Consentement")
    expect(rules).to_contain_text("au moins 2 personnes sur 3 doivent participer")
    expect(rules).to_contain_text("Empreinte du contenu")

    # The beneficiary, on her phone, consents.
    beneficiary.goto(path)
    expect(beneficiary.get_by_role("heading", name="Acheter des bacs de jardinage", level=1)).to_be_visible()
    expect(beneficiary.get_by_role("button", name="Contre")).to_have_count(0)
    beneficiary.get_by_role("button", name="Je consens").click()
    expect(status(beneficiary, "Votre vote est enregistré : Je consens.")).to_be_visible()
    expect(beneficiary.get_by_role("button", name="Je consens")).to_have_attribute("aria-pressed", "true")
    assert fits_the_screen(beneficiary)
    assert_accessible(beneficiary)

    # The lead sees it arrive without reloading.
    expect(voter(lead, "Fatou")).to_contain_text("a voté : Consentement")
    expect(voter(lead, "Paul Partenaire")).to_contain_text("n'a pas encore voté")

    # The partner objects: the reason is required.
    partner.goto(path)
    partner.get_by_role("button", name="J'objecte").click()
    reason = partner.get_by_label("Pourquoi cette proposition pose-t-elle problème ?")
    expect(reason).to_be_focused()
    partner.get_by_role("button", name="Envoyer mon objection").click()
    expect(partner.get_by_text("Écrivez la raison de votre objection.")).to_be_visible()
    reason.fill("Six bacs, c'est trop pour la cour : les poussettes ne passeront plus.")
    partner.get_by_role("button", name="Envoyer mon objection").click()
    expect(status(partner, "Votre objection est enregistrée.")).to_be_visible()
    expect(partner.get_by_text("Elle est maintenue.")).to_be_visible()

    # The lead sees the objection live, and the integration round opens for her.
    objections = lead.get_by_role("region", name="Objections")
    objection = objections.get_by_role("listitem").filter(has_text="Objection de Paul Partenaire")
    expect(objection).to_contain_text("les poussettes ne passeront plus")
    expect(objection).to_contain_text("maintenue")
    expect(lead.get_by_text("Tour d'intégration : une objection est maintenue.")).to_be_visible()
    expect(voter(lead, "Paul Partenaire")).to_contain_text("a voté : Objection")
    expect(lead.get_by_text("2 sur 3 ont voté").first).to_be_visible()

    amend = lead.get_by_role("form", name="Modifier le texte pour intégrer les objections")
    amend.get_by_label("Nouveau texte").fill(
        "Nous achetons quatre bacs de jardinage, le long du mur de la cour du bâtiment B."
    )
    amend.get_by_label("Ce qui change (facultatif)").fill("Quatre bacs au lieu de six, le long du mur.")
    amend.get_by_role("button", name="Enregistrer la nouvelle version").click()
    expect(status(lead, "Nouvelle version enregistrée (version 2).")).to_be_visible()
    assert_accessible(lead)

    # The partner sees the new version live, reads the history, and maintains the objection.
    proposal = partner.get_by_role("region", name="La proposition")
    expect(proposal).to_contain_text("quatre bacs de jardinage")
    expect(partner.get_by_text("Le texte a changé depuis votre dernière réponse")).to_be_visible()
    partner.get_by_text("Historique du texte (2 versions)").click()
    expect(proposal).to_contain_text("Ce qui a changé : Quatre bacs au lieu de six, le long du mur.")
    expect(proposal).to_contain_text("six bacs de jardinage")
    assert_accessible(partner)
    partner.get_by_role("button", name="Je maintiens mon objection").click()
    expect(status(partner, "Vous maintenez votre objection.")).to_be_visible()
    expect(partner.get_by_text("Le texte a changé depuis votre dernière réponse")).to_have_count(0)

    # Closing early waits until everyone has voted: the lead consents, then closes.
    closing = lead.get_by_role("region", name="Clore le vote")
    expect(closing).to_contain_text("il manque encore 1 vote")
    expect(lead.get_by_role("button", name="Clore maintenant")).to_have_count(0)
    lead.get_by_role("button", name="Je consens").click()
    expect(closing).to_contain_text("Tout le monde a voté.")
    lead.get_by_role("button", name="Clore maintenant").click()
    dialog = lead.get_by_role("dialog", name="Clore le vote maintenant ?")
    expect(dialog).to_contain_text("plus personne ne pourra voter ni changer son vote")
    dialog.get_by_role("button", name="Oui, clore le vote").click()
    for page in (lead, partner, beneficiary):
        outcome = page.get_by_role("region", name="Résultat", exact=True)
        expect(outcome).to_contain_text("Non adoptée")
        expect(outcome).to_contain_text("Quorum atteint : 3 participants sur 3")
        expect(outcome).to_contain_text("Non adoptée : objection maintenue")
        expect(page.get_by_role("region", name="Objections").get_by_role("listitem")).to_contain_text("maintenue")
        expect(page.get_by_role("button", name="Je consens")).to_have_count(0)
    expect(voter(lead, "Léa Porteur")).to_contain_text("a voté : Consentement")
    expect(lead.get_by_role("button", name="Clore maintenant")).to_have_count(0)
    assert fits_the_screen(beneficiary)
    assert_accessible(beneficiary)

    # The list now shows it among the past decisions.
    lead.get_by_role("link", name="Retour aux décisions").last.click()
    past = lead.get_by_role("region", name="Décisions passées")
    card = past.get_by_role("listitem").filter(has=lead.get_by_role("link", name="Acheter des bacs de jardinage"))
    expect(card).to_contain_text("Non adoptée")
    expect(card).to_contain_text("3 sur 3 ont voté")
    expect(card).to_contain_text("Règle : Consentement")
    expect(lead.get_by_text("Aucun vote en cours.")).to_be_visible()
    assert_accessible(lead)

    # The procès-verbal.
    card.get_by_role("link", name="Acheter des bacs de jardinage").click()
    lead.get_by_role("link", name="Voir le procès-verbal").click()
    expect(lead.get_by_role("heading", name="Acheter des bacs de jardinage", level=1)).to_be_visible()
    minutes = lead.get_by_role("article")
    expect(minutes).to_contain_text("Procès-verbal de décision")
    expect(minutes).to_contain_text(f"{TITLE} — Association Les Racines")
    expect(minutes).to_contain_text("Consentement")
    expect(minutes).to_contain_text("atteint (3 participants sur 3 votants)")
    objections_pv = lead.get_by_role("region", name="Objections")
    expect(objections_pv).to_contain_text("Paul Partenaire — maintenue à la clôture")
    expect(objections_pv).to_contain_text("les poussettes ne passeront plus")
    expect(lead.get_by_role("region", name="Résultat", exact=True)).to_contain_text("Non adoptée")
    expect(minutes).to_contain_text("Texte soumis au vote (version 2)")
    expect(minutes).to_contain_text("Empreinte du contenu du dossier")
    participants = lead.get_by_role("table", name="Liste des votants")
    expect(participants.get_by_role("row").filter(has_text="Fatou")).to_contain_text("Consentement")
    expect(participants.get_by_role("row").filter(has_text="Paul Partenaire")).to_contain_text("Objection")
    expect(lead.get_by_role("button", name="Imprimer")).to_be_visible()
    assert_accessible(lead)


def test_a_simple_majority_decision_is_adopted_with_its_statement(new_context: Any) -> None:
    lead = new_context().new_page()
    sign_up(lead, "Léa Porteur", new_email("lea"))
    dossier_id = create_dossier(lead, TITLE)
    beneficiary = new_context(viewport=PHONE).new_page()
    join(beneficiary, invitation(lead, dossier_id, "beneficiary"), "Fatou")

    path = propose(
        lead,
        dossier_id,
        title="Fête de lancement le 21 juin",
        text="Nous organisons une fête de lancement du jardin le samedi 21 juin.",
        rule="majorite_simple",
    )
    # Not closed yet: the procès-verbal says so.
    lead.goto(f"{path}/pv")
    expect(lead.get_by_text("Cette décision n'est pas encore close.")).to_be_visible()
    lead.get_by_role("link", name="Retour à la décision").click()

    expect(lead.get_by_role("button", name="J'objecte")).to_have_count(0)
    lead.get_by_role("button", name="Pour", exact=True).click()
    expect(status(lead, "Votre vote est enregistré : Pour.")).to_be_visible()
    beneficiary.goto(path)
    beneficiary.get_by_role("button", name="Pour", exact=True).click()
    expect(status(beneficiary, "Votre vote est enregistré : Pour.")).to_be_visible()
    expect(voter(lead, "Fatou")).to_contain_text("a voté : Pour")

    lead.get_by_role("button", name="Clore maintenant").click()
    lead.get_by_role("dialog", name="Clore le vote maintenant ?").get_by_role(
        "button", name="Oui, clore le vote"
    ).click()
    outcome = lead.get_by_role("region", name="Résultat", exact=True)
    expect(outcome).to_contain_text("Adoptée")
    expect(outcome).to_contain_text("Adoptée à la majorité simple : 2 pour, 0 contre.")
    expect(beneficiary.get_by_role("region", name="Résultat", exact=True)).to_contain_text("Adoptée")
    expect(beneficiary.get_by_label("Votre déclaration")).to_have_count(0)

    statement = "La fête aura lieu le 21 juin à 15 h. Fatou coordonne les ateliers pour les enfants."
    lead.get_by_role("button", name="Publier la déclaration").click()
    expect(lead.get_by_text("Écrivez votre déclaration.")).to_be_visible()
    lead.get_by_label("Votre déclaration").fill(statement)
    lead.get_by_role("button", name="Publier la déclaration").click()
    expect(outcome).to_contain_text(statement)
    expect(lead.get_by_label("Votre déclaration")).to_have_count(0)
    expect(beneficiary.get_by_role("region", name="Résultat", exact=True)).to_contain_text(statement)
    expect(outcome).to_contain_text(re.compile(r"Inscrite au registre, entrée n° \d+\."))
    assert_accessible(lead)

    lead.get_by_role("link", name="Voir le procès-verbal").click()
    minutes = lead.get_by_role("article")
    expect(minutes).to_contain_text("Majorité simple")
    expect(lead.get_by_role("region", name="Résultat", exact=True)).to_contain_text("Adoptée")
    expect(lead.get_by_role("region", name="Déclaration de résultat")).to_contain_text(statement)
    expect(lead.get_by_role("region", name="Objections")).to_contain_text("Aucune objection.")
    expect(minutes).to_contain_text(re.compile(r"entrée n° \d+"))
    tally = lead.get_by_role("table", name="Décompte des votes")
    expect(tally.get_by_role("row").filter(has_text="Pour")).to_contain_text("2")
    assert_accessible(lead)

    # The beneficiary reads the same procès-verbal on her phone.
    beneficiary.goto(f"{path}/pv")
    expect(beneficiary.get_by_role("article")).to_contain_text(statement)
    expect(
        beneficiary.get_by_role("table", name="Liste des votants").get_by_role("row").filter(has_text="Fatou")
    ).to_contain_text("Pour")
    assert fits_the_screen(beneficiary)
    assert_accessible(beneficiary)


def test_adopting_a_priority_vote_then_reopening_a_frozen_dossier(new_context: Any) -> None:
    lead = new_context().new_page()
    sign_up(lead, "Léa Porteur", new_email("lea"))
    dossier_id = create_dossier(lead, TITLE)
    base = f"/api/dossiers/{dossier_id}"
    first = call_api(lead, "POST", f"{base}/actions", {"title": "Un jardin partagé"})
    second = call_api(lead, "POST", f"{base}/actions", {"title": "Un repas de quartier"})
    deadline = lead.evaluate("new Date(Date.now() + 86400000).toISOString()")
    poll = call_api(lead, "POST", f"{base}/polls", {"closes_at": deadline, "secret": False, "adopt_on_close": False})
    call_api(lead, "PUT", f"{base}/polls/{poll['id']}/ballot", {"ranking": [[second["id"]], [first["id"]]]})
    call_api(lead, "POST", f"{base}/polls/{poll['id']}/close")

    # From the poll's result page (?adopter=), the form proposes to adopt it.
    lead.goto(f"/dossiers/{dossier_id}/decisions?adopter={poll['id']}")
    form = lead.get_by_role("form", name="Proposer une décision")
    expect(form.get_by_text(f"adopter le résultat du vote de priorité n° {poll['id']}")).to_be_visible()
    expect(form.get_by_label("Titre", exact=True)).to_have_value("Adopter l'ordre de priorité issu du vote")
    form.get_by_label("Règle de décision").select_option("majorite_simple")
    form.get_by_role("button", name="Proposer la décision").click()
    expect(lead.get_by_role("heading", name="Adopter l'ordre de priorité issu du vote", level=1)).to_be_visible()
    path = decision_path(lead)
    expect(lead.get_by_role("region", name="La proposition")).to_contain_text("Adoption d'un ordre de priorité")
    lead.get_by_role("button", name="Pour", exact=True).click()
    lead.get_by_role("button", name="Clore maintenant").click()
    lead.get_by_role("dialog", name="Clore le vote maintenant ?").get_by_role(
        "button", name="Oui, clore le vote"
    ).click()
    expect(lead.get_by_role("region", name="Résultat", exact=True)).to_contain_text("Adoptée à la majorité simple")

    # Adopting the same result twice is refused in plain French.
    lead.goto(f"/dossiers/{dossier_id}/decisions?adopter={poll['id']}")
    form = lead.get_by_role("form", name="Proposer une décision")
    form.get_by_role("button", name="Proposer la décision").click()
    expect(form.get_by_role("alert")).to_contain_text("Le résultat de ce vote de priorité est déjà adopté.")
    assert_accessible(lead)

    # Frozen: the only decision left to propose is reopening it.
    call_api(lead, "POST", f"{base}/freeze", {"closes_at": deadline})
    lead.goto(f"/dossiers/{dossier_id}/decisions")
    form = lead.get_by_role("form", name="Proposer une décision")
    expect(form.get_by_text("Le dossier est figé. La seule décision possible est de le rouvrir")).to_be_visible()
    expect(form.get_by_label("Titre", exact=True)).to_have_value("Rouvrir le dossier")
    open_votes = lead.get_by_role("region", name="Votes en cours")
    expect(open_votes.get_by_role("listitem").filter(has_text="Approbation finale du dossier").first).to_contain_text(
        "Type : Approbation finale du dossier"
    )
    past = lead.get_by_role("region", name="Décisions passées")
    expect(
        past.get_by_role("listitem").filter(has_text="Adopter l'ordre de priorité issu du vote").first
    ).to_contain_text("Adoptée")
    form.get_by_role("button", name="Proposer la décision").click()
    expect(lead.get_by_role("heading", name="Rouvrir le dossier", level=1)).to_be_visible()
    expect(lead.get_by_role("region", name="La proposition")).to_contain_text("Réouverture du dossier")
    assert_accessible(lead)
    lead.goto(f"{path}/pv")
    expect(lead.get_by_role("article")).to_contain_text("Adoption d'un ordre de priorité")

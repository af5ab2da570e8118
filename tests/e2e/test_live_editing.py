"""Live co-editing in the browser: a partner and a beneficiary write the same answer at once,
the beneficiary goes offline and comes back, comments travel live, an observer only reads."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.steps import PASSWORD, PHONE, create_dossier, new_email, sign_up

SAVED = "Toutes les modifications sont enregistrées"
OFFLINE = "Hors ligne — vos modifications sont gardées sur cet appareil"
PRESENCE = "Ici en ce moment :"

# The editor's text without the other people's caret labels (drawn inside the text).
ANSWER_TEXT = """(element) => {
  const copy = element.cloneNode(true);
  copy.querySelectorAll('.collab-caret').forEach((caret) => caret.remove());
  return [...copy.children].map((block) => block.textContent).join('\\n');
}"""

INVITE = """async ([dossierId, role]) => {
  const session = await (await fetch('/api/auth/session')).json();
  const reply = await fetch(`/api/dossiers/${dossierId}/invitations`, {
    method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token},
    body: JSON.stringify({role}),
  });
  return (await reply.json()).url;
}"""


def lead_with_dossier(new_context: Any) -> tuple[Any, int]:
    """A lead signs up, creates a dossier with one action, and stays on the dossier page."""
    lead = new_context().new_page()
    sign_up(lead, "Léa Porteur", new_email("lea"))
    dossier_id = create_dossier(lead, "Projet Jardin des Possibles")
    lead.get_by_label("Titre de la nouvelle action").fill("Un jardin partagé")
    lead.get_by_role("button", name="Ajouter l'action").click()
    expect(lead.get_by_role("tab", name="1. Un jardin partagé")).to_be_visible()
    return lead, dossier_id


def invitation(lead: Any, dossier_id: int, role: str) -> str:
    """A join link created by the lead (through the API, from the lead's page)."""
    url = lead.evaluate(INVITE, [dossier_id, role])
    assert isinstance(url, str) and url.startswith("/join/")
    return url


def join(page: Any, url: str, name: str, *, with_account: bool = False) -> None:
    page.goto(url)
    if with_account:
        page.get_by_label("Votre nom").fill(name)
        page.get_by_label("Adresse e-mail").fill(new_email("partenaire"))
        page.get_by_label("Mot de passe").fill(PASSWORD)
    else:
        page.get_by_label("Votre prénom ou nom").fill(name)
    page.get_by_role("button", name="Rejoindre le dossier").click()
    expect(page.get_by_role("heading", name="Projet Jardin des Possibles", level=1)).to_be_visible()


def answer(page: Any, question: str = "Objectifs") -> Any:
    return page.get_by_role("textbox", name=question, exact=True)


def question_block(page: Any, question: str = "Objectifs") -> Any:
    return page.get_by_role("article").filter(has=page.get_by_role("heading", name=question, exact=True))


def live_status(page: Any) -> Any:
    """The save status of the action's document (the first live status on the page)."""
    return page.locator(".live-status").first


def text_of(editor: Any) -> str:
    return str(editor.evaluate(ANSWER_TEXT))


def type_at_end(page: Any, editor: Any, text: str) -> None:
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def test_partner_and_beneficiary_write_one_answer_together(new_context: Any) -> None:
    lead, dossier_id = lead_with_dossier(new_context)
    partner_link = invitation(lead, dossier_id, "partner")
    beneficiary_link = invitation(lead, dossier_id, "beneficiary")
    observer_link = invitation(lead, dossier_id, "observer")

    partner = new_context().new_page()
    join(partner, partner_link, "Paul Partenaire", with_account=True)
    beneficiary_context = new_context(viewport=PHONE)
    beneficiary = beneficiary_context.new_page()
    join(beneficiary, beneficiary_link, "Fatou")

    mine, theirs = answer(partner), answer(beneficiary)
    expect(mine).to_be_editable()
    expect(theirs).to_be_editable()

    # Each sees the other in the presence list.
    expect(partner.get_by_role("list", name=PRESENCE).first).to_contain_text("Fatou")
    expect(beneficiary.get_by_role("list", name=PRESENCE).first).to_contain_text("Paul Partenaire")

    # Both type into the same question at the same time, word by word.
    mine.click()
    theirs.click()
    for partner_word, beneficiary_word in zip(
        ["PAUL-UN ", "PAUL-DEUX ", "PAUL-TROIS "], ["FATOU-UN ", "FATOU-DEUX ", "FATOU-TROIS "], strict=True
    ):
        partner.keyboard.type(partner_word)
        beneficiary.keyboard.type(beneficiary_word)
    for editor in (mine, theirs):
        for word in ("PAUL-UN", "PAUL-TROIS", "FATOU-UN", "FATOU-TROIS"):
            expect(editor).to_contain_text(word)
    expect(live_status(partner)).to_have_text(re.compile(SAVED))
    expect(live_status(beneficiary)).to_have_text(re.compile(SAVED))
    # Same text on both sides (carets aside).
    partner.keyboard.press("Tab")
    beneficiary.keyboard.press("Tab")
    expect(mine).to_have_text(text_of(theirs).replace("\n", ""))
    assert text_of(mine) == text_of(theirs)
    assert "PAUL-DEUX" in text_of(mine) and "FATOU-DEUX" in text_of(mine)

    # The beneficiary loses the network, keeps writing; the partner writes too.
    beneficiary_context.set_offline(True)
    expect(live_status(beneficiary)).to_contain_text(OFFLINE)
    type_at_end(beneficiary, theirs, "HORS-LIGNE-FATOU")
    type_at_end(partner, mine, " PENDANT-PAUL")
    expect(theirs).to_contain_text("HORS-LIGNE-FATOU")
    expect(live_status(beneficiary)).to_contain_text(OFFLINE)
    expect(mine).not_to_contain_text("HORS-LIGNE-FATOU")

    # Back online: both texts merge, and every change is saved.
    beneficiary_context.set_offline(False)
    for editor in (mine, theirs):
        expect(editor).to_contain_text("HORS-LIGNE-FATOU")
        expect(editor).to_contain_text("PENDANT-PAUL")
    expect(live_status(beneficiary)).to_have_text(re.compile(SAVED))
    expect(live_status(partner)).to_have_text(re.compile(SAVED))
    partner.keyboard.press("Tab")
    beneficiary.keyboard.press("Tab")
    expect(mine).to_have_text(text_of(theirs).replace("\n", ""))

    # The partner comments on a passage; the beneficiary sees it arrive, and replies.
    partner_question = question_block(partner)
    partner_question.get_by_role("button", name="Commentaires (0)").click()
    mine.click()
    partner.keyboard.press("Control+Home")
    partner.keyboard.press("Shift+End")
    partner_question.get_by_role("button", name="Commenter la sélection").click()
    partner_question.get_by_label("Votre commentaire").fill("Peut-on dire <b>qui</b> participe ?")
    partner_question.get_by_role("button", name="Publier le commentaire").click()
    expect(partner_question.get_by_role("button", name="Commentaires (1)")).to_be_visible()

    beneficiary_question = question_block(beneficiary)
    beneficiary_question.get_by_role("button", name="Commentaires (1)").click()
    thread = beneficiary_question.get_by_role("article", name="Commentaire de Paul Partenaire")
    # Plain text, never HTML.
    expect(thread).to_contain_text("Peut-on dire <b>qui</b> participe ?")
    expect(thread).to_contain_text("Paul Partenaire (partenaire)")
    expect(thread).to_contain_text("Sur le passage :")
    expect(thread).to_contain_text("PAUL-UN")
    # Only the author (or a lead) may resolve.
    expect(thread.get_by_role("button", name="Marquer comme résolu")).to_have_count(0)
    thread.get_by_role("button", name="Voir le passage").click()
    expect(beneficiary.locator(".passage-highlight").first).to_be_visible()
    thread.get_by_role("button", name="Répondre").click()
    thread.get_by_label("Votre réponse").fill("Oui, les voisins du bâtiment B.")
    thread.get_by_role("button", name="Envoyer la réponse").click()

    partner_thread = partner_question.get_by_role("article", name="Commentaire de Paul Partenaire")
    expect(partner_thread).to_contain_text("Oui, les voisins du bâtiment B.")
    expect(partner_thread).to_contain_text("Fatou (bénéficiaire)")
    partner_thread.get_by_role("button", name="Marquer comme résolu").click()
    expect(thread).to_contain_text("Résolu par Paul Partenaire")

    assert_accessible(partner)
    assert_accessible(beneficiary)

    # An observer reads (live) but cannot write; they can comment.
    observer = new_context().new_page()
    join(observer, observer_link, "Olga Observatrice")
    reader = answer(observer)
    expect(reader).to_contain_text("HORS-LIGNE-FATOU")
    expect(reader).to_have_attribute("contenteditable", "false")
    expect(reader).to_have_attribute("aria-readonly", "true")
    expect(reader).not_to_be_editable()
    expect(
        observer.get_by_text("Comme observateur, vous pouvez lire les réponses et les commenter").first
    ).to_be_visible()
    expect(question_block(observer).get_by_role("toolbar")).to_have_count(0)
    type_at_end(partner, mine, " ENCORE-PAUL")
    expect(reader).to_contain_text("ENCORE-PAUL")
    question_block(observer).get_by_role("button", name="Commentaires (1)").click()
    expect(question_block(observer).get_by_label("Votre commentaire")).to_be_visible()
    assert_accessible(observer)


def test_lead_restricts_beneficiaries_to_comments_live(new_context: Any) -> None:
    lead, dossier_id = lead_with_dossier(new_context)
    beneficiary_link = invitation(lead, dossier_id, "beneficiary")
    beneficiary = new_context(viewport=PHONE).new_page()
    join(beneficiary, beneficiary_link, "Fatou")
    editor = answer(beneficiary)
    type_at_end(beneficiary, editor, "ECRIT-PAR-FATOU")
    expect(live_status(beneficiary)).to_have_text(re.compile(SAVED))
    expect(answer(lead)).to_contain_text("ECRIT-PAR-FATOU")

    setting = lead.get_by_role("group", name="Les bénéficiaires peuvent :")
    expect(setting.get_by_role("radio", name="écrire")).to_be_checked()
    setting.get_by_role("radio", name="seulement commenter").check()
    expect(lead.get_by_text("Les bénéficiaires peuvent maintenant seulement commenter.")).to_be_visible()
    assert_accessible(lead)

    # The server tells the beneficiary's page, whose editors turn read-only, saying why.
    expect(editor).to_have_attribute("contenteditable", "false")
    expect(beneficiary.get_by_text("les bénéficiaires commentent sans écrire").first).to_be_visible()
    expect(question_block(beneficiary).get_by_role("button", name="Commentaires (0)")).to_be_visible()
    assert_accessible(beneficiary)

    # Allowed again: the editors open again, without a reload.
    setting.get_by_role("radio", name="écrire").check()
    expect(lead.get_by_text("Les bénéficiaires peuvent maintenant écrire.")).to_be_visible()
    expect(editor).to_be_editable()
    type_at_end(beneficiary, editor, " DE-NOUVEAU")
    expect(answer(lead)).to_contain_text("DE-NOUVEAU")
    expect(live_status(beneficiary)).to_have_text(re.compile(SAVED))

"""The dossier's lifecycle in the browser: freezing turns an editor open in another browser
read-only at once; submitting first lists what is missing, then succeeds with a receipt."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_live_editing import (
    SAVED,
    answer,
    invitation,
    join,
    lead_with_dossier,
    live_status,
    question_block,
    type_at_end,
)

PANEL = "Où en est le dossier ?"
DRAFT = "Brouillon : tout le monde écrit"
FROZEN = "Figé : le texte ne bouge plus, le collectif l'approuve"
FROZEN_NOTE = "Le dossier est figé : les réponses ne peuvent plus être modifiées."

# The required questions of the Annexe B (server/forms/annexe_b.yaml), as their editors are named.
REQUIRED = [
    "Objectifs",
    "Descriptif",
    "Public bénéficiaire",
    "Méthodes et moyens",
    "Calendrier",
    "Besoins non satisfaits",
    "Diagnostic des besoins",
    "Nouveauté à l’échelle locale",
    "Adaptation au territoire et au public",
    "Enjeux globaux",
    "Partenariat inédit",
    "Outils et méthodes de travail",
    "Construction chemin faisant",
    "Pratiques collaboratives",
]
LEFT_EMPTY = "Pratiques collaboratives"


def panel(page: Any) -> Any:
    return page.get_by_role("region", name=PANEL)


def call_api(page: Any, method: str, path: str, data: dict[str, Any] | None = None) -> Any:
    """The HTTP API from the page's session (cookie), with the CSRF header the session gives."""
    token = page.request.get("/api/auth/session").json()["csrf_token"]
    reply = page.request.fetch(path, method=method, data=data, headers={"X-CSRF-Token": token})
    assert reply.ok, f"{method} {path}: {reply.status} {reply.text()}"
    return reply.json()


def in_a_day() -> str:
    return (datetime.now(UTC) + timedelta(days=1)).isoformat()


def adopt(page: Any, dossier_id: int, decision_id: int, statement: str | None = None) -> None:
    """The lead (the only voter) votes for a decision, closes it at once, and states the outcome.

    Through the HTTP API: the decision page is written in parallel with this
    test, and what is tested here is the lifecycle panel, not that page.
    """
    base = f"/api/dossiers/{dossier_id}/decisions/{decision_id}"
    call_api(page, "PUT", f"{base}/vote", {"choice": "pour"})
    closed = call_api(page, "POST", f"{base}/close")
    assert closed["adopted"] is True, closed
    if statement:
        call_api(page, "POST", f"{base}/statement", {"statement": statement})


def freeze(page: Any, *, missing: int = 0) -> None:
    """The lead freezes the dossier from its page, with the default rule (consent) and closing date."""
    lifecycle = panel(page)
    lifecycle.get_by_role("button", name="Préparer le gel du dossier").click()
    form = lifecycle.get_by_role("form", name="Figer le dossier")
    expect(form.get_by_label("Règle de décision")).to_have_value("consentement")
    expect(form.get_by_text("sauf si quelqu'un maintient une objection")).to_be_visible()
    expect(form.get_by_label("Quorum (en %)")).to_have_value("50")
    assert_accessible(page)
    form.get_by_role("button", name="Figer le dossier").click()
    dialog = page.get_by_role("dialog", name="Figer le dossier ?")
    expect(dialog).to_contain_text("lecture seule pour tout le monde")
    expect(dialog).to_contain_text("une décision de rouvrir le dossier")
    if missing == 1:
        expect(dialog).to_contain_text("Attention : 1 question obligatoire n'a pas de réponse.")
    elif missing:
        expect(dialog).to_contain_text(f"Attention : {missing} questions obligatoires n'ont pas de réponse.")
    else:
        expect(dialog).not_to_contain_text("Attention")
    expect(dialog.get_by_role("button", name="Annuler")).to_be_focused()
    assert_accessible(page)
    dialog.get_by_role("button", name="Oui, figer le dossier").click()
    expect(dialog).to_be_hidden()
    expect(lifecycle).to_contain_text(FROZEN)


def test_freeze_switches_an_open_editor_to_read_only(new_context: Any) -> None:
    lead, dossier_id = lead_with_dossier(new_context)
    partner = new_context().new_page()
    join(partner, invitation(lead, dossier_id, "partner"), "Paul Partenaire", with_account=True)

    # The partner writes in the action's editor, and keeps it open.
    editor = answer(partner)
    expect(editor).to_be_editable()
    type_at_end(partner, editor, "Des bancs et des bacs.")
    expect(live_status(partner)).to_have_text(re.compile(SAVED))
    partner.evaluate("window.__sameDocument = true")

    # Both see the draft; only the lead has the freeze form.
    expect(panel(lead)).to_contain_text(DRAFT)
    expect(panel(lead).get_by_role("listitem").filter(has_text="Brouillon").first).to_have_attribute(
        "aria-current", "step"
    )
    expect(panel(lead)).to_contain_text("Empreinte du contenu :")
    expect(panel(partner)).to_contain_text(DRAFT)
    expect(panel(partner)).to_contain_text("Seule la structure porteuse peut figer, rouvrir et déposer le dossier.")
    expect(panel(partner).get_by_role("button", name="Préparer le gel du dossier")).to_have_count(0)
    expect(panel(partner).get_by_text("Le dossier doit être figé.")).to_be_visible()
    assert_accessible(lead)
    assert_accessible(partner)

    # Only "Objectifs" is written: the lead is warned, and may freeze all the same.
    freeze(lead, missing=len(REQUIRED) - 1)

    # In the partner's browser, without a reload: the editor turns read-only, and says why.
    expect(editor).to_have_attribute("contenteditable", "false")
    expect(editor).to_have_attribute("aria-readonly", "true")
    expect(editor).not_to_be_editable()
    expect(partner.get_by_text(FROZEN_NOTE).first).to_be_visible()
    expect(question_block(partner).get_by_role("toolbar")).to_have_count(0)
    expect(editor).to_contain_text("Des bancs et des bacs.")
    expect(panel(partner)).to_contain_text(FROZEN)
    expect(partner.locator(".badge").first).to_have_text("figé")
    assert partner.evaluate("window.__sameDocument === true")

    # The lead's own editor too; the final approval is open, bound to the frozen text.
    expect(answer(lead)).to_have_attribute("contenteditable", "false")
    lifecycle = panel(lead)
    expect(lifecycle).to_contain_text("Le dossier est figé.")
    expect(lifecycle).to_contain_text("L'approbation finale est en cours de vote.")
    expect(lifecycle.get_by_role("link", name="Voter sur l'approbation finale")).to_have_attribute(
        "href", re.compile(rf"/dossiers/{dossier_id}/decisions/\d+$")
    )
    expect(lifecycle.get_by_role("button", name="Rouvrir le dossier")).to_have_attribute("aria-disabled", "true")
    expect(lifecycle.get_by_role("link", name="Proposer une décision pour rouvrir le dossier")).to_have_attribute(
        "href", f"/dossiers/{dossier_id}/decisions"
    )
    assert_accessible(lead)
    assert_accessible(partner)


def test_submit_lists_what_is_missing_then_succeeds(new_context: Any) -> None:
    lead, dossier_id = lead_with_dossier(new_context)
    lifecycle = panel(lead)
    expect(lifecycle).to_contain_text(f"{len(REQUIRED)} questions obligatoires n'ont pas de réponse.")
    # With one action, no priority order is needed.
    expect(lifecycle).to_contain_text("Pas besoin d'ordre de priorité : le dossier a une seule action.")

    # Every required answer but one, typed in the live editors.
    for label in REQUIRED:
        if label != LEFT_EMPTY:
            type_at_end(lead, answer(lead, label), "Oui.")
    expect(live_status(lead)).to_have_text(re.compile(SAVED))
    lifecycle.get_by_role("button", name="Mettre à jour").click()
    expect(lifecycle).to_contain_text("1 question obligatoire n'a pas de réponse.")
    # Its link leads to the question's editor.
    lifecycle.get_by_role(
        "link", name=f"Aller à la question « {LEFT_EMPTY} » de l'action « Un jardin partagé »"
    ).click()
    expect(answer(lead, LEFT_EMPTY)).to_be_focused()

    freeze(lead, missing=1)
    assert_accessible(lead)

    # Submitting now: refused, and the panel says exactly what is missing.
    lifecycle.get_by_role("button", name="Déposer le dossier").click()
    refusal = lifecycle.get_by_role("alert")
    expect(refusal).to_contain_text("Le dossier ne peut pas encore être déposé. Il manque :")
    expect(refusal).to_contain_text("1 question obligatoire n'a pas de réponse.")
    expect(refusal).to_contain_text(f"Action « Un jardin partagé » : {LEFT_EMPTY}")
    expect(refusal).to_contain_text("L'approbation finale est en cours de vote.")
    expect(refusal).not_to_contain_text("ordre de priorité")
    assert_accessible(lead)

    # To complete the answer the dossier must be reopened, by a decision.
    reopen_button = lifecycle.get_by_role("button", name="Rouvrir le dossier")
    expect(reopen_button).to_have_attribute("aria-disabled", "true")
    proposal = call_api(
        lead,
        "POST",
        f"/api/dossiers/{dossier_id}/decisions",
        {
            "kind": "reopen",
            "title": "Rouvrir pour compléter une réponse",
            "text": "Nous rouvrons le dossier pour écrire les pratiques collaboratives.",
            "rule": "consentement",
            "quorum_percent": 50,
            "closes_at": in_a_day(),
            "secret": False,
            "require_every_college": False,
            "about_text": False,
        },
    )
    adopt(lead, dossier_id, proposal["id"], statement="Le collectif rouvre le dossier pour compléter une réponse.")
    # The governance notice refreshes the panel.
    expect(lifecycle).to_contain_text("Le collectif a adopté la décision de rouvrir le dossier.")
    expect(reopen_button).not_to_have_attribute("aria-disabled", "true")
    reopen_button.click()
    dialog = lead.get_by_role("dialog", name="Rouvrir le dossier ?")
    dialog.get_by_role("button", name="Oui, rouvrir le dossier").click()
    expect(lifecycle).to_contain_text(DRAFT)
    last = answer(lead, LEFT_EMPTY)
    expect(last).to_be_editable()
    type_at_end(lead, last, "Oui.")
    expect(live_status(lead)).to_have_text(re.compile(SAVED))

    freeze(lead)
    expect(lifecycle).to_contain_text("Toutes les questions obligatoires ont une réponse.")
    approval_link = lifecycle.get_by_role("link", name="Voter sur l'approbation finale")
    href = approval_link.get_attribute("href")
    match = re.search(r"/decisions/(\d+)$", href or "")
    assert match, href
    adopt(lead, dossier_id, int(match.group(1)))
    expect(lifecycle).to_contain_text("L'approbation finale du texte figé est adoptée.")
    expect(lifecycle).to_contain_text("Tout est prêt : le dossier peut être déposé.")
    frozen_hash = call_api(lead, "GET", f"/api/dossiers/{dossier_id}/lifecycle")["frozen_content_hash"]
    expect(lifecycle).to_contain_text(f"Empreinte du texte figé : {frozen_hash[:12]}…")
    assert_accessible(lead)

    # Now it goes through, after a confirmation; the receipt shows.
    lifecycle.get_by_role("button", name="Déposer le dossier").click()
    dialog = lead.get_by_role("dialog", name="Déposer le dossier ?")
    expect(dialog).to_contain_text("plus personne ne pourra le modifier")
    dialog.get_by_role("button", name="Oui, déposer le dossier").click()
    receipt = lead.get_by_role("region", name="Reçu de dépôt")
    expect(receipt).to_be_visible()
    expect(lifecycle).to_contain_text("Déposé")
    expect(lifecycle.get_by_role("listitem").filter(has_text="Déposé").first).to_have_attribute("aria-current", "step")
    expect(receipt).to_contain_text(frozen_hash)
    head = call_api(lead, "GET", f"/api/dossiers/{dossier_id}/register")["head"]
    expect(receipt).to_contain_text(head)
    expect(receipt).to_contain_text("Léa Porteur")
    expect(receipt.get_by_role("link", name="Voir le registre des décisions")).to_have_attribute(
        "href", f"/dossiers/{dossier_id}/register"
    )
    receipt.get_by_role("button", name="Copier l'empreinte du registre").click()
    expect(
        receipt.get_by_role("status").filter(has_text=re.compile("Empreinte copiée|Copie impossible")).first
    ).to_be_visible()
    expect(lead.locator(".badge").first).to_have_text("déposé")
    expect(lifecycle.get_by_role("button", name="Déposer le dossier")).to_have_count(0)

    # The sealed package: the submitted PDF downloads with the bytes its fingerprint announces.
    sealed = receipt.get_by_role("link", name="Dossier au format PDF")
    expect(sealed).to_be_visible()
    sealed_item = receipt.get_by_role("listitem").filter(has_text="Dossier au format PDF")
    with lead.expect_download() as download:
        sealed.click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    expect(sealed_item).to_contain_text(hashlib.sha256(data).hexdigest())
    assert_accessible(lead)

    # The register names the entries in French, the outcome statements included.
    lead.get_by_role("link", name="Voir le registre des décisions").click()
    expect(lead.get_by_role("heading", name="Registre des décisions", level=1)).to_be_visible()
    expect(lead.get_by_text("Dossier déposé").first).to_be_visible()
    expect(lead.get_by_text("Dossier figé").first).to_be_visible()
    expect(lead.get_by_text("Dossier rouvert").first).to_be_visible()
    expect(lead.get_by_text("Déclaration de résultat").first).to_be_visible()

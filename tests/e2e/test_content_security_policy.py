"""The client runs under the server's strict Content-Security-Policy: no page reports a violation.

Every ``securitypolicyviolation`` event of every page (reported through a binding that survives
navigations) and every console message about the policy is collected while a lead signs up,
creates a dossier and writes an answer that a partner, on another browser, sees arrive live.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.steps import create_dossier, new_email, sign_up
from tests.e2e.test_live_editing import (
    SAVED,
    answer,
    invitation,
    join,
    live_status,
    type_at_end,
)

REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def watched_context(new_context: Any, violations: list[str]) -> Any:
    context = new_context()
    context.expose_function("reportCspViolation", lambda text: violations.append(f"event: {text}"))
    context.add_init_script(REPORT_VIOLATIONS)

    def on_page(page: Any) -> None:
        page.on(
            "console",
            lambda message: (
                violations.append(f"console: {message.text}")
                if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
                else None
            ),
        )

    context.on("page", on_page)
    return context


def test_the_main_pages_and_live_editing_run_under_the_policy(new_context: Any) -> None:
    violations: list[str] = []
    lead = watched_context(new_context, violations).new_page()

    login = lead.goto("/login")
    assert login is not None
    policy = login.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy

    sign_up(lead, "Léa Porteur", new_email("lea"))
    dossier_id = create_dossier(lead, "Projet Jardin des Possibles")
    lead.get_by_label("Titre de la nouvelle action").fill("Un jardin partagé")
    lead.get_by_role("button", name="Ajouter l'action").click()
    expect(lead.get_by_role("tab", name="1. Un jardin partagé")).to_be_visible()

    partner = watched_context(new_context, violations).new_page()
    join(partner, invitation(lead, dossier_id, "partner"), "Paul Partenaire", with_account=True)

    # Both editors are open: carets, selections and presence of the other are drawn.
    type_at_end(lead, answer(lead), "ÉCRIT-PAR-LÉA ")
    lead.keyboard.press("Shift+Home")
    expect(answer(partner)).to_contain_text("ÉCRIT-PAR-LÉA")
    expect(partner.locator(".collab-selection").first).to_be_visible()  # Léa's selection, in her colour
    type_at_end(partner, answer(partner), " ET-PAR-PAUL")
    expect(answer(lead)).to_contain_text("ET-PAR-PAUL")
    expect(partner.locator(".collab-caret").first).to_be_visible()
    expect(live_status(lead)).to_have_text(re.compile(SAVED))
    expect(live_status(partner)).to_have_text(re.compile(SAVED))

    # The members page with a pending invitation's QR code (an SVG drawn in the page).
    invitation(lead, dossier_id, "observer")
    lead.goto(f"/dossiers/{dossier_id}/members")
    lead.get_by_role("button", name="Afficher le QR code").first.click()
    expect(lead.get_by_role("img", name=re.compile("QR code qui ouvre le lien"))).to_be_visible()
    lead.keyboard.press("Escape")

    # The other main pages of the dossier.
    for suffix in ("/register", "/priorites", "/decisions"):
        lead.goto(f"/dossiers/{dossier_id}{suffix}")
        lead.wait_for_load_state("networkidle")
    lead.goto("/")
    expect(lead.get_by_role("heading", name="Mes dossiers", level=1)).to_be_visible()

    assert violations == []

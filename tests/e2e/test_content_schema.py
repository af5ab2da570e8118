"""What the real answer editor writes passes the server's document-schema check (invalid_content):
a heading, bold, italic, a hard break, a web link, a bullet list, a numbered list and a quote,
typed with TipTap's shortcuts, are all saved and rendered by the server."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.test_live_editing import SAVED, answer, lead_with_dossier, live_status

ANSWERS = """async (dossierId) => {
  const dossier = await (await fetch(`/api/dossiers/${dossierId}`)).json();
  const reply = await fetch(`/api/dossiers/${dossierId}/documents/action-${dossier.actions[0].id}/answers`);
  return (await reply.json()).answers.find((a) => a.key === 'objectifs').html;
}"""
REFUSED = "sa mise en forme n'est pas acceptée"


def test_everything_the_editor_formats_is_saved(new_context: Any) -> None:
    lead, dossier_id = lead_with_dossier(new_context)
    editor = answer(lead)
    expect(editor).to_be_editable()
    editor.click()
    keyboard = lead.keyboard
    keyboard.type("### Nos objectifs")
    keyboard.press("Enter")
    keyboard.type("Un **jardin** *ouvert*")
    keyboard.press("Shift+Enter")
    keyboard.type("voir https://exemple.org/jardin ")
    keyboard.press("Enter")
    keyboard.type("- semer")
    keyboard.press("Enter")
    keyboard.type("récolter")
    keyboard.press("Enter")
    keyboard.press("Enter")
    keyboard.type("1. planter")
    keyboard.press("Enter")
    keyboard.press("Enter")
    keyboard.type("> Une citation")

    expect(live_status(lead)).to_have_text(re.compile(SAVED))
    expect(lead.get_by_text(REFUSED)).to_have_count(0)
    html = lead.evaluate(ANSWERS, dossier_id)
    for part in (
        "<h3>Nos objectifs</h3>",
        "<strong>jardin</strong>",
        "<em>ouvert</em>",
        "<br>",
        '<a href="https://exemple.org/jardin"',
        "<ul><li><p>semer</p></li><li><p>récolter</p></li></ul>",
        "<ol><li><p>planter</p></li></ol>",
        "<blockquote><p>Une citation</p></blockquote>",
    ):
        assert part in html, (part, html)


PASTE = """(element, html) => {
  const data = new DataTransfer();
  data.setData('text/html', html);
  data.setData('text/plain', 'liste');
  element.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def test_a_paste_nested_too_deep_is_refused_and_the_member_is_told(new_context: Any) -> None:
    lead, dossier_id = lead_with_dossier(new_context)
    editor = answer(lead)
    expect(editor).to_be_editable()
    editor.click()
    lead.keyboard.type("Avant le collage")
    expect(live_status(lead)).to_have_text(re.compile(SAVED))
    nested = "".join("<ul><li><p>niveau</p>" for _ in range(8)) + "</li></ul>" * 8

    editor.evaluate(PASTE, nested)

    expect(lead.get_by_text(re.compile(REFUSED)).first).to_be_visible()
    html = lead.evaluate(ANSWERS, dossier_id)
    assert "Avant le collage" in html and "niveau" not in html, html

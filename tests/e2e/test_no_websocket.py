"""Networks that block WebSocket: the live connection falls back to HTTP long-polling.

Every browser here has a ``window.WebSocket`` that fails at once, as behind a
proxy that refuses the upgrade. Two people still co-edit one answer, see each
other, get their changes acknowledged ("saved") and stored (a reload shows
them). When HTTP is blocked too, the page says so in plain words, and recovers
when the network lets it through again.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.test_live_editing import (
    PRESENCE,
    SAVED,
    answer,
    invitation,
    join,
    lead_with_dossier,
    live_status,
    text_of,
    type_at_end,
)

UNREACHABLE = "Le serveur ne répond pas : ce réseau bloque peut-être la connexion en direct"

# A WebSocket that never opens: an error, then a close, as a filtering proxy causes.
NO_WEBSOCKET = """(() => {
  window.__websocketAttempts = 0;
  class BlockedWebSocket extends EventTarget {
    constructor(url) {
      super();
      window.__websocketAttempts += 1;
      this.url = String(url);
      this.readyState = 0;
      this.binaryType = 'blob';
      setTimeout(() => {
        this.readyState = 3;
        const error = new Event('error');
        this.onerror && this.onerror(error);
        this.dispatchEvent(error);
        const closed = new CloseEvent('close', {code: 1006, reason: 'blocked', wasClean: false});
        this.onclose && this.onclose(closed);
        this.dispatchEvent(closed);
      }, 0);
    }
    send() { throw new DOMException('blocked', 'InvalidStateError'); }
    close() { this.readyState = 3; }
  }
  BlockedWebSocket.CONNECTING = 0; BlockedWebSocket.OPEN = 1; BlockedWebSocket.CLOSING = 2; BlockedWebSocket.CLOSED = 3;
  window.WebSocket = BlockedWebSocket;
})();"""


def without_websocket(new_context: Any) -> Any:
    """A ``new_context`` whose pages have no working WebSocket."""

    def make(**options: Any) -> Any:
        context = new_context(**options)
        context.add_init_script(NO_WEBSOCKET)
        return context

    return make


def watch_transports(page: Any) -> dict[str, int]:
    """Count the page's real WebSocket connections and its Socket.IO polling requests."""
    seen = {"websockets": 0, "polling": 0}
    page.on("websocket", lambda _ws: seen.__setitem__("websockets", seen["websockets"] + 1))
    page.on("request", lambda r: "transport=polling" in r.url and seen.__setitem__("polling", seen["polling"] + 1))
    return seen


def test_two_people_co_edit_over_long_polling_when_websocket_is_blocked(new_context: Any) -> None:
    blocked = without_websocket(new_context)
    lead, dossier_id = lead_with_dossier(blocked)
    partner_link = invitation(lead, dossier_id, "partner")
    beneficiary_link = invitation(lead, dossier_id, "beneficiary")

    partner = blocked().new_page()
    beneficiary = blocked().new_page()
    transports = [watch_transports(partner), watch_transports(beneficiary)]
    join(partner, partner_link, "Paul Partenaire", with_account=True)
    join(beneficiary, beneficiary_link, "Fatou")

    mine, theirs = answer(partner), answer(beneficiary)
    expect(mine).to_be_editable()
    expect(theirs).to_be_editable()
    expect(partner.get_by_role("list", name=PRESENCE).first).to_contain_text("Fatou")
    expect(beneficiary.get_by_role("list", name=PRESENCE).first).to_contain_text("Paul Partenaire")

    # Turn by turn ("saved" is shown only once the server acknowledged every change).
    for page, editor, word in (
        (partner, mine, "PAUL-UN"),
        (beneficiary, theirs, "FATOU-UN"),
        (partner, mine, "PAUL-DEUX"),
        (beneficiary, theirs, "FATOU-DEUX"),
    ):
        type_at_end(page, editor, f" {word}")
        expect(live_status(page)).to_have_text(re.compile(SAVED))
        for other in (mine, theirs):
            expect(other).to_contain_text(word)
    partner.keyboard.press("Tab")
    beneficiary.keyboard.press("Tab")
    expect(mine).to_have_text(text_of(theirs).replace("\n", ""))

    # Stored, not only relayed: a fresh load (over polling again) shows both people's words.
    beneficiary.reload()
    for word in ("PAUL-DEUX", "FATOU-DEUX"):
        expect(answer(beneficiary)).to_contain_text(word)
    expect(live_status(beneficiary)).to_have_text(re.compile(SAVED))

    for page, seen in zip((partner, beneficiary), transports, strict=True):
        assert page.evaluate("window.__websocketAttempts") > 0  # WebSocket was tried ...
        assert seen["websockets"] == 0 and seen["polling"] > 0, seen  # ... and polling carried everything


def test_the_page_says_so_when_neither_websocket_nor_polling_gets_through(new_context: Any) -> None:
    blocked = without_websocket(new_context)
    lead, dossier_id = lead_with_dossier(blocked)
    expect(live_status(lead)).to_have_text(re.compile(SAVED))
    page = lead.context.new_page()

    def refuse(route: Any) -> None:
        route.abort("connectionrefused")

    page.route("**/socket.io/**", refuse)
    page.goto(f"/dossiers/{dossier_id}")
    expect(live_status(page)).to_contain_text(UNREACHABLE)
    expect(answer(page)).to_be_editable()  # writing goes on, kept on this device

    page.unroute("**/socket.io/**", refuse)
    expect(live_status(page)).to_have_text(re.compile(SAVED), timeout=30_000)
    expect(live_status(page)).not_to_contain_text(UNREACHABLE)

"""Over sockets too, a session opened by one dossier's re-entry link reaches that dossier only."""

from __future__ import annotations

import requests
import sqlalchemy as sa

from tests.live import SESSION_COOKIE, TIMEOUT, LiveWorld, ServerProcess, YClient, http_session, session_cookie
from tests.support import dossier_shared_with


def reentry_cookie(live: LiveWorld, server: ServerProcess, who: str) -> str:
    """The session cookie a phone gets by opening the re-entry link the world's lead made for ``who``."""
    lead = http_session(server.url, session_cookie(live.app, live.world.user_ids["lead"]))
    member = live.world.member_ids[who]
    link = lead.post(
        f"{server.url}/api/dossiers/{live.dossier_id}/members/{member}/reentry-link", json={}, timeout=TIMEOUT
    )
    assert link.status_code == 201, link.text
    phone = requests.Session()
    token = phone.get(f"{server.url}/api/auth/session", timeout=TIMEOUT).json()["csrf_token"]
    accept = f"{server.url}/api/invitations/{link.json()['url'].removeprefix('/join/')}/accept"
    accepted = phone.post(accept, json={}, headers={"X-CSRF-Token": token}, timeout=TIMEOUT)
    assert accepted.status_code == 200, accepted.text
    return str(phone.cookies[SESSION_COOKIE])


def test_a_reentry_session_joins_and_watches_only_the_links_dossier(
    world_and_server: tuple[LiveWorld, ServerProcess],
) -> None:
    live, server = world_and_server
    other = dossier_shared_with(live.world, "beneficiary")
    with live.engine.connect() as conn:
        other_action = conn.execute(sa.text("SELECT id FROM actions WHERE dossier_id = :d"), {"d": other}).scalar_one()
    cookie = reentry_cookie(live, server, "beneficiary")

    there = YClient(server.url, cookie, other, f"action-{other_action}", who="béa (re-entry)")
    here = YClient(server.url, cookie, live.dossier_id, live.document(), who="béa (re-entry)")
    live.clients.extend([there, here])
    there.connect()
    refused = there.join()
    refused_watch = there.call("watch", {"dossier_id": other})
    here.connect()

    assert refused["ok"] is False and refused["error"]["code"] == "not_found", refused
    assert refused_watch["ok"] is False and refused_watch["error"]["code"] == "not_found", refused_watch
    assert here.join()["ok"] is True
    assert here.call("watch", {"dossier_id": live.dossier_id}) == {"ok": True}
    # the same person's own full session still reaches the other dossier
    full = live.client(server, "beneficiary", document=f"action-{other_action}", dossier_id=other).connect()
    assert full.join()["ok"] is True

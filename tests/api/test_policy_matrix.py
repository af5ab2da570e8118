"""Every role x every route: the answer of the one policy module, as seen over HTTP.

Columns: lead, partner, beneficiary, observer, outsider (logged in, not a
member: the dossier does not exist for them), anonymous.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import PEOPLE, DossierWorld

LEAD_ONLY = (200, 403, 403, 403, 404, 401)
MEMBERS = (200, 200, 200, 200, 404, 401)


def _thread(world: DossierWorld) -> int:
    reply = world.client("beneficiary").post(
        world.url(f"/documents/action-{world.action_ids[0]}/comments"), {"question": "objectifs", "body": "Une idée"}
    )
    return int(reply.get_json()["id"])


def _invitation(world: DossierWorld) -> int:
    reply = world.client("lead").post(world.url("/invitations"), {"role": "observer"})
    return int(reply.get_json()["id"])


# (method, path builder, body builder, expected statuses, status that "allowed" means)
ROUTES: dict[str, tuple[str, Any, Any, tuple[int, ...]]] = {
    "read dossier": ("GET", lambda w: w.url(), None, MEMBERS),
    "update dossier": ("PATCH", lambda w: w.url(), lambda w: {"title": "Projet renommé"}, LEAD_ONLY),
    "add action": ("POST", lambda w: w.url("/actions"), lambda w: {"title": "Nouvelle"}, (201, 403, 403, 403, 404, 401)),
    "rename action": (
        "PATCH",
        lambda w: w.url(f"/actions/{w.action_ids[0]}"),
        lambda w: {"title": "Renommée"},
        LEAD_ONLY,
    ),
    "delete action": ("DELETE", lambda w: w.url(f"/actions/{w.action_ids[0]}"), None, (204, 403, 403, 403, 404, 401)),
    "reorder actions": (
        "PUT",
        lambda w: w.url("/actions/order"),
        lambda w: {"action_ids": list(reversed(w.action_ids))},
        LEAD_ONLY,
    ),
    "list members": ("GET", lambda w: w.url("/members"), None, MEMBERS),
    "change role": (
        "PATCH",
        lambda w: w.url(f"/members/{w.member_ids['observer']}"),
        lambda w: {"role": "beneficiary"},
        LEAD_ONLY,
    ),
    "remove member": (
        "DELETE",
        lambda w: w.url(f"/members/{w.member_ids['observer']}"),
        None,
        (204, 403, 403, 403, 404, 401),
    ),
    "re-entry link": (
        "POST",
        lambda w: w.url(f"/members/{w.member_ids['beneficiary']}/reentry-link"),
        lambda w: {},
        (201, 403, 403, 403, 404, 401),
    ),
    "list invitations": ("GET", lambda w: w.url("/invitations"), None, LEAD_ONLY),
    "invite": (
        "POST",
        lambda w: w.url("/invitations"),
        lambda w: {"role": "beneficiary"},
        (201, 403, 403, 403, 404, 401),
    ),
    "revoke invitation": (
        "DELETE",
        lambda w: w.url(f"/invitations/{_invitation(w)}"),
        None,
        (204, 403, 403, 403, 404, 401),
    ),
    "rendered answers": ("GET", lambda w: w.url(f"/documents/action-{w.action_ids[0]}/answers"), None, MEMBERS),
    "list comments": ("GET", lambda w: w.url("/documents/storyboard/comments"), None, MEMBERS),
    "open a comment thread": (
        "POST",
        lambda w: w.url("/documents/storyboard/comments"),
        lambda w: {"question": "gouvernance_partagee", "body": "Qui décide ?"},
        (201, 201, 201, 201, 404, 401),
    ),
    "reply to a thread": (
        "POST",
        lambda w: w.url(f"/comments/{_thread(w)}/replies"),
        lambda w: {"body": "D'accord"},
        MEMBERS,
    ),
    # the thread's author (the beneficiary) or a lead may resolve it
    "resolve a thread": ("POST", lambda w: w.url(f"/comments/{_thread(w)}/resolve"), None, (200, 403, 200, 403, 404, 401)),
    "read the register": ("GET", lambda w: w.url("/register"), None, MEMBERS),
    "verify the register": ("GET", lambda w: w.url("/register/verify"), None, MEMBERS),
    "list collèges": ("GET", lambda w: w.url("/colleges"), None, MEMBERS),
    "create a collège": (
        "POST",
        lambda w: w.url("/colleges"),
        lambda w: {"name": "Habitants", "weight": 2},
        (201, 403, 403, 403, 404, 401),
    ),
    "put a member in a collège": (
        "PUT",
        lambda w: w.url(f"/members/{w.member_ids['partner']}/college"),
        lambda w: {"college_id": None},
        LEAD_ONLY,
    ),
    "my dossiers": ("GET", lambda w: "/api/dossiers", None, (200, 200, 200, 200, 200, 401)),
    "create dossier": (
        "POST",
        lambda w: "/api/dossiers",
        lambda w: {"title": "Projet B", "structure": "Asso B"},
        # guests (no e-mail account) cannot create dossiers
        (201, 201, 403, 403, 201, 401),
    ),
    "session": ("GET", lambda w: "/api/auth/session", None, (200,) * 6),
    "log out": ("POST", lambda w: "/api/auth/logout", None, (204, 204, 204, 204, 204, 401)),
    "form template": ("GET", lambda w: "/api/forms/annexe_b/1", None, (200,) * 6),
    "health": ("GET", lambda w: "/api/health", None, (200,) * 6),
}

CASES = [
    pytest.param(route, who, ROUTES[route][3][i], id=f"{route}-{who}")
    for route in ROUTES
    for i, who in enumerate(PEOPLE)
]


@pytest.mark.parametrize(("route", "who", "expected"), CASES)
def test_policy_answer(world: DossierWorld, route: str, who: str, expected: int) -> None:
    method, path, body, _ = ROUTES[route]
    target = path(world)
    reply = world.client(who).request(method, target, body(world) if body else None)
    assert reply.status_code == expected, reply.get_data(as_text=True)
    if expected >= 400:
        error = reply.get_json()["error"]
        assert error["code"] in {"forbidden", "not_found", "not_authenticated", "account_required"}
        if expected == 404:
            assert error["message"] == "No such dossier."

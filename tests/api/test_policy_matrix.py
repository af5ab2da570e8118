"""Every role x every route: the answer of the one policy module, as seen over HTTP.

Columns: lead, partner, beneficiary, observer, outsider (logged in, not a
member: the dossier does not exist for them), anonymous.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import PEOPLE, DossierWorld

from .governance_support import (
    VOTERS,
    answer_everything,
    ballot,
    close_decision,
    freeze,
    ok,
    open_poll,
    propose,
    soon,
    vote,
)

LEAD_ONLY = (200, 403, 403, 403, 404, 401)
MEMBERS = (200, 200, 200, 200, 404, 401)
VOTER = (200, 200, 200, 403, 404, 401)  # lead, partner, beneficiary; never an observer
PROPOSER = (200, 200, 403, 403, 404, 401)  # lead, partner; never a beneficiary nor an observer


def _thread(world: DossierWorld) -> int:
    reply = world.client("beneficiary").post(
        world.url(f"/documents/action-{world.action_ids[0]}/comments"), {"question": "objectifs", "body": "Une idée"}
    )
    return int(reply.get_json()["id"])


def _invitation(world: DossierWorld) -> int:
    reply = world.client("lead").post(world.url("/invitations"), {"role": "observer"})
    return int(reply.get_json()["id"])


def _actor(who: str) -> str:
    """Who holds the resource a route acts on: the caller when they may propose, otherwise the lead,
    so that lead and partner each act on their own poll or decision (the opener's or proposer's right)."""
    return who if who in ("lead", "partner") else "lead"


def _poll(world: DossierWorld, who: str = "lead") -> int:
    return int(open_poll(world, _actor(who))["id"])


def _decision(world: DossierWorld, who: str = "lead", **fields: Any) -> int:
    return int(propose(world, _actor(who), **fields)["id"])


def _objections(world: DossierWorld) -> int:
    """A decision by consent to which every voter objected."""
    decision = _decision(world, rule="consentement")
    for voter in VOTERS:
        vote(world, voter, decision, "objection", f"Objection de {voter}.")
    return decision


def _objected(world: DossierWorld, who: str) -> int:
    """A decision by consent, proposed by the caller (or the lead), with the beneficiary's objection."""
    decision = _decision(world, who, rule="consentement")
    vote(world, "beneficiary", decision, "objection", "Pas le samedi.")
    return decision


def _voted(world: DossierWorld, who: str) -> int:
    """A decision by the caller (or the lead) on which every voter has voted: it may close early."""
    decision = _decision(world, who)
    for voter in VOTERS:
        vote(world, voter, decision, "pour")
    return decision


def _closed(world: DossierWorld, who: str) -> int:
    decision = _decision(world, who)
    close_decision(world, _actor(who), decision)
    return decision


def _reopenable(world: DossierWorld) -> None:
    """Frozen, with an adopted decision to reopen."""
    freeze(world)
    decision = propose(world, "lead", kind="reopen", title="Rouvrir", text="Nous rouvrons.")["id"]
    for voter in VOTERS:
        vote(world, voter, decision, "pour")
    close_decision(world, "lead", decision)


def _submittable(world: DossierWorld) -> None:
    """Every answer written, the order adopted, frozen, the final approval adopted."""
    answer_everything(world.app, world.dossier_id, world.user_ids["partner"])
    poll = open_poll(world)["id"]
    for voter in VOTERS:
        ballot(world, voter, poll, [world.action_ids])
    ok(world.client("lead").post(world.url(f"/polls/{poll}/close")))
    approval = freeze(world)["final_approval"]["decision_id"]
    for voter in VOTERS:
        vote(world, voter, approval, "pour")
    close_decision(world, "lead", approval)
    assert ok(world.client("lead").get(world.url("/lifecycle")))["unmet"] == []


def _submitted(world: DossierWorld) -> str:
    _submittable(world)
    ok(world.client("lead").post(world.url("/submit")), 201)
    return world.url("/receipt")


def _then(setup: Any, path: str) -> Any:
    """A path builder that first builds the world the route needs."""

    def build(world: DossierWorld) -> str:
        setup(world)
        return world.url(path)

    return build


# (method, path builder, body builder, expected statuses per person)
# Builders take the world, or the world and the caller (to act on the caller's own poll or decision).
ROUTES: dict[str, tuple[str, Any, Any, tuple[int, ...]]] = {
    "read dossier": ("GET", lambda w: w.url(), None, MEMBERS),
    "update dossier": ("PATCH", lambda w: w.url(), lambda w: {"title": "Projet renommé"}, LEAD_ONLY),
    "add action": (
        "POST",
        lambda w: w.url("/actions"),
        lambda w: {"title": "Nouvelle"},
        (201, 403, 403, 403, 404, 401),
    ),
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
    "resolve a thread": (
        "POST",
        lambda w: w.url(f"/comments/{_thread(w)}/resolve"),
        None,
        (200, 403, 200, 403, 404, 401),
    ),
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
    # --- priority votes
    "list polls": ("GET", lambda w: w.url("/polls"), None, MEMBERS),
    "open a poll": (
        "POST",
        lambda w: w.url("/polls"),
        lambda w: {"closes_at": soon(), "secret": True},
        (201, 201, 403, 403, 404, 401),
    ),
    "read a poll": ("GET", lambda w: w.url(f"/polls/{_poll(w)}"), None, MEMBERS),
    "cast a ballot": (
        "PUT",
        lambda w: w.url(f"/polls/{_poll(w)}/ballot"),
        lambda w: {"ranking": [[w.action_ids[1]], [w.action_ids[0]]]},
        VOTER,
    ),
    # whoever opened it, or a lead: lead and partner each close the poll they opened
    "close a poll": ("POST", lambda w, who: w.url(f"/polls/{_poll(w, who)}/close"), None, PROPOSER),
    # --- decisions
    "list decisions": ("GET", lambda w: w.url("/decisions"), None, MEMBERS),
    "propose a decision": (
        "POST",
        lambda w: w.url("/decisions"),
        lambda w: {
            "title": "Budget",
            "text": "500 euros.",
            "rule": "consentement",
            "quorum_percent": 50,
            "closes_at": soon(),
        },
        (201, 201, 403, 403, 404, 401),
    ),
    "read a decision": ("GET", lambda w: w.url(f"/decisions/{_decision(w)}"), None, MEMBERS),
    "vote on a decision": (
        "PUT",
        lambda w: w.url(f"/decisions/{_decision(w)}/vote"),
        lambda w: {"choice": "abstention"},
        VOTER,
    ),
    "maintain or withdraw an objection": (
        "PUT",
        lambda w: w.url(f"/decisions/{_objections(w)}/objection"),
        lambda w: {"maintained": False},
        VOTER,
    ),
    "amend a proposal": (
        "POST",
        lambda w, who: w.url(f"/decisions/{_objected(w, who)}/amend"),
        lambda w: {"text": "Le samedi et le mercredi.", "note": "Pour celles qui travaillent."},
        PROPOSER,
    ),
    "close a decision": ("POST", lambda w, who: w.url(f"/decisions/{_voted(w, who)}/close"), None, PROPOSER),
    "state the outcome": (
        "POST",
        lambda w, who: w.url(f"/decisions/{_closed(w, who)}/statement"),
        lambda w: {"statement": "Adoptée, merci à toutes et tous."},
        PROPOSER,
    ),
    # --- lifecycle
    "lifecycle": ("GET", lambda w: w.url("/lifecycle"), None, MEMBERS),
    "freeze": ("POST", lambda w: w.url("/freeze"), lambda w: {"closes_at": soon()}, LEAD_ONLY),
    "reopen": ("POST", _then(_reopenable, "/reopen"), None, LEAD_ONLY),
    "submit": ("POST", _then(_submittable, "/submit"), None, (201, 403, 403, 403, 404, 401)),
    "receipt": ("GET", _submitted, None, MEMBERS),
    "submission package": ("GET", _then(_submitted, "/submission"), None, MEMBERS),
    "submission file": ("GET", _then(_submitted, "/submission/recu.json"), None, MEMBERS),
    # --- export (everyone who can read the dossier)
    "export docx": ("GET", lambda w: w.url("/export.docx"), None, MEMBERS),
    "export pdf": ("GET", lambda w: w.url("/export.pdf"), None, MEMBERS),
    "minutes docx": ("GET", lambda w: w.url(f"/decisions/{_closed(w, 'lead')}/minutes.docx"), None, MEMBERS),
    "minutes pdf": ("GET", lambda w: w.url(f"/decisions/{_closed(w, 'lead')}/minutes.pdf"), None, MEMBERS),
}

CASES = [
    pytest.param(route, who, ROUTES[route][3][i], id=f"{route}-{who}")
    for route in ROUTES
    for i, who in enumerate(PEOPLE)
]


@pytest.mark.parametrize(("route", "who", "expected"), CASES)
def test_policy_answer(world: DossierWorld, route: str, who: str, expected: int) -> None:
    method, path, body, _ = ROUTES[route]
    target = path(world, who) if path.__code__.co_argcount == 2 else path(world)
    reply = world.client(who).request(method, target, body(world) if body else None)
    assert reply.status_code == expected, reply.get_data(as_text=True)
    if expected >= 400:
        error = reply.get_json()["error"]
        # votes: the electorate fixed at opening, and the proposer or opener, decide (not the current role)
        assert error["code"] in {
            "forbidden",
            "not_found",
            "not_authenticated",
            "account_required",
            "not_in_electorate",
            "not_proposer",
            "not_opener",
        }
        if expected == 404:
            assert error["message"] == "No such dossier."

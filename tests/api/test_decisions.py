"""Collegial decisions over HTTP, on SQLite and PostgreSQL.

Proposing (kinds by the dossier's state, content binding, bad input), every
rule end to end with its quorum, the votes allowed by each rule, the
integration round under consent (amendments with their history, objections
maintained or withdrawn), closing early and at the deadline, the outcome
statement, secret ballots, double majority with collèges, the adoption of a
priority vote's result by a decision, and the register entries all this
writes (which must still verify).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from server.models import Role
from tests.support import DossierWorld, join, snapshot

from .conftest import assert_error
from .governance_support import (
    HEX64,
    VOTERS,
    ControlledClock,
    action_order,
    answer_everything,
    ballot,
    close_decision,
    content_hash,
    freeze,
    frozen_clock,  # noqa: F401 - a fixture
    ok,
    open_poll,
    propose,
    register_entries,
    register_verifies,
    soon,
    vote,
)

NBSP = "\u00a0"

# --- helpers -----------------------------------------------------------------------


def decision_of(world: DossierWorld, decision_id: int, who: str = "observer") -> dict[str, Any]:
    return ok(world.client(who).get(world.url(f"/decisions/{decision_id}")))


def voter(reply: dict[str, Any], name: str) -> dict[str, Any]:
    return next(v for v in reply["voters"] if v["name"] == name)


def decision_entry(world: DossierWorld, decision_id: int) -> dict[str, Any]:
    [entry] = [e for e in register_entries(world, "decision") if e["content"]["decision_id"] == decision_id]
    return dict(entry)


def make_college(world: DossierWorld, name: str, weight: int, *members: str) -> int:
    lead = world.client("lead")
    college = int(ok(lead.post(world.url("/colleges"), {"name": name, "weight": weight}), 201)["id"])
    for who in members:
        ok(lead.put(world.url(f"/members/{world.member_ids[who]}/college"), {"college_id": college}))
    return college


def closed_poll(world: DossierWorld, ranking: list[list[int]], adopt_on_close: bool = False) -> int:
    """A priority vote where every voter gave ``ranking``, closed (not adopted unless asked)."""
    poll = open_poll(world, adopt_on_close=adopt_on_close)["id"]
    for who in VOTERS:
        ballot(world, who, poll, ranking)
    ok(world.client("lead").post(world.url(f"/polls/{poll}/close")))
    return int(poll)


# --- proposing ---------------------------------------------------------------------


def test_a_partner_proposes_and_every_member_sees_the_proposal(world: DossierWorld) -> None:
    proposed = propose(world, "partner", rule="consentement", quorum_percent=60, secret=False)
    assert proposed["kind"] == "general" and proposed["state"] == "open" and proposed["adopted"] is None
    assert proposed["proposer"] == {"user_id": world.user_ids["partner"], "name": "Paul Partenaire"}
    assert proposed["rule"] == "consentement" and proposed["quorum_percent"] == 60
    assert proposed["content_hash"] is None and proposed["poll_id"] is None and proposed["outcome"] is None
    assert [(r["number"], r["text"], r["note"]) for r in proposed["revisions"]] == [
        (1, "Nous consacrons 500 euros aux semences.", None)
    ]
    assert [(v["name"], v["role"], v["voted"]) for v in proposed["voters"]] == [
        ("Léa Porteur", "lead", False),
        ("Paul Partenaire", "partner", False),
        ("Béa", "beneficiary", False),
    ]
    assert proposed["eligible_count"] == 3 and proposed["voted_count"] == 0
    # Closing early waits until every voter has voted (silence must have until the deadline).
    assert (
        proposed["may_vote"] and not proposed["may_close"] and not proposed["may_amend"] and not proposed["may_state"]
    )

    seen = decision_of(world, proposed["id"], "observer")
    assert seen["text"] == proposed["text"] and seen["may_vote"] is False and seen["may_close"] is False
    assert decision_of(world, proposed["id"], "beneficiary")["may_vote"] is True
    for who in VOTERS:
        vote(world, who, proposed["id"], "pour")
    assert decision_of(world, proposed["id"], "lead")["may_close"] is True  # a lead closes anyone's, once all voted
    [summary] = ok(world.client("beneficiary").get(world.url("/decisions")))["decisions"]
    assert summary["id"] == proposed["id"] and summary["title"] == "Budget du jardin" and "text" not in summary


@pytest.mark.parametrize(
    ("fields", "status", "code", "field"),
    [
        pytest.param({"closes_at": "PAST"}, 422, "deadline_in_past", None, id="past-deadline"),
        pytest.param({"closes_at": "FAR"}, 422, "deadline_too_far", None, id="deadline-too-far"),
        pytest.param({"closes_at": "2031-01-01T10:00:00"}, 422, "validation_error", "closes_at", id="no-time-zone"),
        pytest.param({"quorum_percent": 101}, 422, "validation_error", "quorum_percent", id="quorum-over-100"),
        pytest.param({"quorum_percent": -1}, 422, "validation_error", "quorum_percent", id="quorum-negative"),
        pytest.param({"quorum_percent": "50"}, 422, "validation_error", "quorum_percent", id="quorum-as-text"),
        pytest.param({"rule": "tirage_au_sort"}, 422, "validation_error", "rule", id="unknown-rule"),
        pytest.param({"title": "   "}, 422, "validation_error", "title", id="blank-title"),
        pytest.param({"text": ""}, 422, "validation_error", "text", id="empty-text"),
        pytest.param({"text": "x" * 20001}, 422, "validation_error", "text", id="text-too-long"),
        pytest.param({"kind": "final_approval"}, 422, "validation_error", "kind", id="final-approval"),
        pytest.param({"kind": "reopen"}, 409, "decision_kind_not_possible", None, id="reopen-in-draft"),
        pytest.param({"kind": "priority_order"}, 422, "poll_required", None, id="order-without-poll"),
        pytest.param({"kind": "priority_order", "poll_id": 999_999}, 404, "not_found", None, id="order-unknown-poll"),
        pytest.param({"poll_id": 1}, 422, "poll_not_expected", None, id="general-with-poll"),
        pytest.param({"surprise": True}, 422, "validation_error", "surprise", id="unknown-field"),
    ],
)
def test_a_bad_proposal_is_refused_and_changes_nothing(
    world: DossierWorld,
    app: Flask,
    frozen_clock: ControlledClock,
    fields: dict[str, Any],
    status: int,
    code: str,
    field: str | None,
) -> None:
    moments = {"PAST": frozen_clock.later(-timedelta(seconds=1)), "FAR": frozen_clock.later(timedelta(days=91))}
    body = {
        "title": "Budget",
        "text": "Un texte.",
        "rule": "majorite_simple",
        "quorum_percent": 50,
        "closes_at": frozen_clock.later(),
    } | {k: moments.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
    before = snapshot(app)
    assert_error(world.client("lead").post(world.url("/decisions"), body), status, code, field)
    assert snapshot(app) == before


def test_what_can_be_proposed_depends_on_the_state_of_the_dossier(world: DossierWorld, app: Flask) -> None:
    lead = world.client("lead")
    base = {"title": "Rouvrir", "text": "Nous rouvrons le dossier.", "rule": "majorite_simple", "quorum_percent": 50}
    frozen = freeze(world)
    assert frozen["state"] == "fige"
    approval = frozen["final_approval"]
    seen = decision_of(world, approval["decision_id"])
    assert seen["kind"] == "final_approval" and seen["content_hash"] == frozen["frozen_content_hash"]
    assert HEX64.match(seen["content_hash"]) and seen["content_hash"] == content_hash(world)

    before = snapshot(app)
    for kind in ("general", "priority_order"):
        reply = lead.post(world.url("/decisions"), base | {"kind": kind, "closes_at": soon(), "poll_id": None})
        assert_error(reply, 409, "decision_kind_not_possible")
    assert_error(
        lead.post(world.url("/decisions"), base | {"kind": "final_approval", "closes_at": soon()}),
        422,
        "validation_error",
        "kind",
    )
    assert_error(lead.post(world.url("/reopen")), 409, "reopen_needs_decision")
    assert snapshot(app) == before

    reopen = propose(world, "partner", kind="reopen", title=base["title"], text=base["text"])
    assert reopen["kind"] == "reopen"
    for who in VOTERS:
        vote(world, who, reopen["id"], "pour")
    assert close_decision(world, "partner", reopen["id"])["adopted"] is True
    assert ok(lead.get(world.url("/lifecycle")))["reopen_decision_adopted"] is True
    reopened = ok(lead.post(world.url("/reopen")))
    assert (
        reopened["state"] == "brouillon"
        and reopened["frozen_content_hash"] is None
        and reopened["final_approval"] is None
    )
    assert decision_of(world, approval["decision_id"])["state"] == "cancelled"
    assert [e["kind"] for e in register_entries(world)] == ["freeze", "decision", "reopen"]
    assert propose(world, "lead")["kind"] == "general"  # a draft again
    register_verifies(world)


def test_about_the_text_records_the_content_hash_when_the_vote_opens(world: DossierWorld, app: Flask) -> None:
    answer_everything(app, world.dossier_id, world.user_ids["partner"], "Première version")
    at_opening = content_hash(world)
    bound = propose(world, "lead", about_text=True, rule="unanimite")
    unbound = propose(world, "lead", about_text=False)
    assert bound["content_hash"] == at_opening and HEX64.match(bound["content_hash"])
    assert unbound["content_hash"] is None

    answer_everything(app, world.dossier_id, world.user_ids["beneficiary"], "Seconde version")
    assert content_hash(world) != at_opening  # the text moved on ...
    assert decision_of(world, bound["id"])["content_hash"] == at_opening  # ... the decision did not

    vote(world, "lead", bound["id"], "pour")
    vote(world, "partner", bound["id"], "pour")
    close_decision(world, "lead", bound["id"])
    assert decision_entry(world, bound["id"])["content"]["content_hash"] == at_opening
    close_decision(world, "lead", unbound["id"])
    assert decision_entry(world, unbound["id"])["content"]["content_hash"] is None


# --- every rule, end to end ----------------------------------------------------------

# votes: who -> choice, or (choice, reason) for an objection, or (choice, reason, "withdrawn")
RULE_CASES = [
    pytest.param(
        "majorite_simple",
        50,
        {"lead": "pour", "partner": "contre", "beneficiary": "abstention"},
        False,
        True,
        "Non adoptée : pas de majorité simple (1 pour, 1 contre, 1 abstention ; égalité, abstentions non comptées).",
        id="simple-tie-not-adopted",
    ),
    pytest.param(
        "majorite_simple",
        50,
        {"lead": "pour", "partner": "pour", "beneficiary": "contre"},
        True,
        True,
        "Adoptée à la majorité simple : 2 pour, 1 contre.",
        id="simple-adopted",
    ),
    pytest.param("majorite_simple", 0, {}, False, True, "aucun vote exprimé", id="simple-nobody-voted"),
    pytest.param(
        "majorite_qualifiee",
        50,
        {"lead": "pour", "partner": "pour", "beneficiary": "contre"},
        True,
        True,
        f"Adoptée à la majorité qualifiée : 66,6{NBSP}% de pour parmi les votes exprimés, "
        "il fallait 2/3 ; 2 pour, 1 contre.",
        id="qualified-exactly-two-thirds",
    ),
    pytest.param(
        "majorite_qualifiee",
        50,
        {"lead": "pour", "partner": "contre", "beneficiary": "abstention"},
        False,
        True,
        "majorité qualifiée non atteinte",
        id="qualified-half-not-adopted",
    ),
    pytest.param(
        "majorite_qualifiee",
        50,
        {"lead": "pour", "partner": "abstention", "beneficiary": "abstention"},
        True,
        True,
        "abstentions non comptées",
        id="qualified-abstentions-not-counted",
    ),
    pytest.param(
        "unanimite",
        100,
        {"lead": "pour", "partner": "pour", "beneficiary": "abstention"},
        True,
        True,
        "Adoptée à l'unanimité : 2 pour, 0 contre, 1 abstention ; abstentions admises.",
        id="unanimity-with-abstention",
    ),
    pytest.param(
        "unanimite",
        50,
        {"lead": "pour", "partner": "pour", "beneficiary": "contre"},
        False,
        True,
        "pas d'unanimité",
        id="unanimity-broken",
    ),
    pytest.param(
        "unanimite",
        50,
        {"lead": "abstention", "partner": "abstention"},
        False,
        True,
        "aucun pour",
        id="unanimity-nobody-for",
    ),
    pytest.param(
        "consentement",
        50,
        {"lead": "pour", "beneficiary": ("objection", "Le jardin est trop loin.")},
        False,
        True,
        "Non adoptée : objection maintenue (1 objection maintenue : « Le jardin est trop loin. »).",
        id="consent-objection-maintained",
    ),
    pytest.param(
        "consentement",
        50,
        {"lead": "pour", "beneficiary": ("objection", "Le jardin est trop loin.", "withdrawn")},
        True,
        True,
        "Adoptée par consentement : aucune objection maintenue, 1 retirée.",
        id="consent-objection-withdrawn",
    ),
    pytest.param("consentement", 0, {}, True, True, "aucune objection maintenue", id="consent-silence"),
    pytest.param(
        "consentement",
        50,
        {"partner": "abstention"},
        False,
        False,
        "Quorum non atteint : 1 participant sur 3, il en fallait au moins 2",
        id="consent-quorum-missed",
    ),
    pytest.param(
        "majorite_simple",
        100,
        {"lead": "pour", "partner": "pour"},
        False,
        False,
        "Non adoptée : le quorum n'est pas atteint.",
        id="quorum-100-missed",
    ),
    pytest.param(
        "unanimite",
        67,
        {"lead": "pour", "partner": "pour"},
        False,
        False,
        f"Quorum non atteint : 2 participants sur 3, il en fallait au moins 3 (quorum 67{NBSP}%).",
        id="quorum-67-two-of-three",
    ),
    pytest.param(
        "unanimite",
        66,
        {"lead": "pour", "partner": "pour"},
        True,
        True,
        f"Quorum atteint : 2 participants sur 3 (quorum 66{NBSP}%).",
        id="quorum-66-two-of-three",
    ),
]


def cast(world: DossierWorld, decision_id: int, votes: dict[str, Any]) -> None:
    for who, choice in votes.items():
        if isinstance(choice, str):
            vote(world, who, decision_id, choice)
        else:
            vote(world, who, decision_id, choice[0], choice[1])
            if len(choice) == 3:
                ok(world.client(who).put(world.url(f"/decisions/{decision_id}/objection"), {"maintained": False}))


@pytest.mark.parametrize(("rule", "quorum", "votes", "adopted", "quorum_reached", "reason"), RULE_CASES)
def test_each_rule_decides_as_stated(
    world: DossierWorld,
    rule: str,
    quorum: int,
    votes: dict[str, Any],
    adopted: bool,
    quorum_reached: bool,
    reason: str,
) -> None:
    decision = propose(world, "partner", rule=rule, quorum_percent=quorum)["id"]
    cast(world, decision, votes)
    closed = close_decision(world, "partner", decision)
    assert closed["state"] == "closed" and closed["adopted"] is adopted and closed["closed_at"] is not None
    outcome = closed["outcome"]
    assert outcome["adopted"] is adopted and outcome["quorum_reached"] is quorum_reached
    assert outcome["participants"] == len(votes) and outcome["eligible"] == 3
    choices = [c if isinstance(c, str) else c[0] for c in votes.values()]
    for choice in ("pour", "contre", "abstention"):
        assert outcome["overall"][choice] == choices.count(choice)
    assert any(reason in line for line in outcome["reasons"]["fr"]), outcome["reasons"]["fr"]
    assert len(outcome["reasons"]["en"]) == len(outcome["reasons"]["fr"])
    assert closed["may_vote"] is False and closed["may_close"] is False and closed["may_state"] is True

    # every closed decision, adopted or not, is a register entry
    entry = decision_entry(world, decision)
    assert entry["sequence"] == closed["register_sequence"]
    recorded = entry["content"]
    assert recorded["rule"] == rule and recorded["quorum_percent"] == quorum and recorded["adopted"] is adopted
    assert recorded["quorum_reached"] is quorum_reached and recorded["tally"] == outcome["overall"]
    assert recorded["reasons"] == outcome["reasons"]["fr"] and recorded["kind"] == "general"
    assert recorded["proposer"] == "Paul Partenaire" and recorded["version"] == 1
    assert recorded["objections"] == [
        {"reason": c[1], "maintained": len(c) == 2, "voter": "Béa"} for c in votes.values() if not isinstance(c, str)
    ]
    assert recorded["content_hash"] is None
    register_verifies(world)


@pytest.mark.parametrize(
    ("rule", "body", "code", "field"),
    [
        pytest.param("consentement", {"choice": "contre"}, "contre_not_allowed", None, id="contre-under-consent"),
        pytest.param(
            "majorite_simple",
            {"choice": "objection", "reason": "Non."},
            "objection_not_allowed",
            None,
            id="objection-under-majority",
        ),
        pytest.param(
            "majorite_qualifiee",
            {"choice": "objection", "reason": "Non."},
            "objection_not_allowed",
            None,
            id="objection-under-qualified",
        ),
        pytest.param(
            "unanimite",
            {"choice": "objection", "reason": "Non."},
            "objection_not_allowed",
            None,
            id="objection-under-unanimity",
        ),
        pytest.param("consentement", {"choice": "objection"}, "objection_needs_reason", None, id="objection-no-reason"),
        pytest.param(
            "consentement",
            {"choice": "objection", "reason": "   "},
            "validation_error",
            "reason",
            id="objection-blank-reason",
        ),
        pytest.param("majorite_simple", {"choice": "peut-être"}, "validation_error", "choice", id="unknown-choice"),
        pytest.param("majorite_simple", {}, "validation_error", "choice", id="no-choice"),
    ],
)
def test_a_vote_the_rule_does_not_allow_is_refused_and_changes_nothing(
    world: DossierWorld, app: Flask, rule: str, body: dict[str, Any], code: str, field: str | None
) -> None:
    decision = propose(world, rule=rule)["id"]
    vote(world, "beneficiary", decision, "abstention")
    before = snapshot(app)
    reply = world.client("beneficiary").put(world.url(f"/decisions/{decision}/vote"), body)
    assert_error(reply, 422, code, field)
    assert snapshot(app) == before
    assert decision_of(world, decision, "beneficiary")["my_vote"]["choice"] == "abstention"


def test_votes_change_until_the_close_and_not_after(world: DossierWorld, app: Flask) -> None:
    decision = propose(world, "lead", rule="majorite_simple")["id"]
    first = vote(world, "beneficiary", decision, "contre")
    assert first["my_vote"]["choice"] == "contre" and first["voted_count"] == 1
    vote(world, "partner", decision, "pour")
    changed = vote(world, "beneficiary", decision, "pour")
    assert changed["my_vote"]["choice"] == "pour" and changed["voted_count"] == 2  # replaced, not added
    closed = close_decision(world, "lead", decision)
    assert closed["adopted"] is True and closed["outcome"]["overall"]["contre"] == 0

    before = snapshot(app)
    beneficiary = world.client("beneficiary")
    assert_error(
        beneficiary.put(world.url(f"/decisions/{decision}/vote"), {"choice": "contre"}), 409, "decision_closed"
    )
    assert_error(world.client("lead").post(world.url(f"/decisions/{decision}/close")), 409, "decision_closed")
    assert_error(
        beneficiary.put(world.url(f"/decisions/{decision}/objection"), {"maintained": True}), 409, "decision_closed"
    )
    assert snapshot(app) == before


def test_the_proposer_or_a_lead_closes_early_nobody_else(world: DossierWorld, app: Flask) -> None:
    by_partner = propose(world, "partner")["id"]
    by_lead = propose(world, "lead")["id"]
    before = snapshot(app)
    assert_error(world.client("partner").post(world.url(f"/decisions/{by_lead}/close")), 403, "not_proposer")
    assert_error(world.client("beneficiary").post(world.url(f"/decisions/{by_partner}/close")), 403, "not_proposer")
    assert_error(world.client("observer").post(world.url(f"/decisions/{by_partner}/close")), 403, "not_proposer")
    assert snapshot(app) == before
    assert close_decision(world, "lead", by_partner)["state"] == "closed"
    assert close_decision(world, "lead", by_lead)["state"] == "closed"
    assert decision_of(world, by_lead, "partner")["may_close"] is False


def test_only_the_electorate_fixed_at_opening_votes(world: DossierWorld, app: Flask) -> None:
    decision = propose(world)["id"]
    world.user_ids["late"] = join(app, world.dossier_id, world.user_ids["lead"], Role.BENEFICIARY, "Tardif")
    assert decision_of(world, decision, "late")["may_vote"] is False
    before = snapshot(app)
    assert_error(
        world.client("late").put(world.url(f"/decisions/{decision}/vote"), {"choice": "pour"}), 403, "not_in_electorate"
    )
    assert_error(
        world.client("observer").put(world.url(f"/decisions/{decision}/vote"), {"choice": "pour"}),
        403,
        "not_in_electorate",
    )
    assert snapshot(app) == before
    assert propose(world)["eligible_count"] == 4  # the next decision counts them


def test_a_voter_who_left_after_voting_is_still_shown_and_counted(world: DossierWorld) -> None:
    decision = propose(world, "lead", rule="majorite_simple")["id"]
    vote(world, "beneficiary", decision, "contre")
    vote(world, "partner", decision, "pour")
    assert world.client("lead").delete(world.url(f"/members/{world.member_ids['beneficiary']}")).status_code == 204
    seen = decision_of(world, decision)
    assert (voter(seen, "Béa")["voted"], voter(seen, "Béa")["choice"]) == (True, "contre")
    closed = close_decision(world, "lead", decision)
    assert closed["adopted"] is False and closed["outcome"]["overall"]["contre"] == 1
    assert decision_entry(world, decision)["content"]["participants"] == 2


# --- consent: the integration round ---------------------------------------------------


def test_the_integration_round_amends_the_text_and_keeps_its_history(world: DossierWorld, app: Flask) -> None:
    decision = propose(world, "partner", rule="consentement", text="Le jardin ouvre le samedi.")["id"]
    vote(world, "lead", decision, "pour")
    objected = vote(world, "beneficiary", decision, "objection", "  Je travaille le samedi.  ")
    assert objected["my_vote"] == voter(objected, "Béa")
    assert (
        objected["my_vote"]["choice"],
        objected["my_vote"]["reason"],
        objected["my_vote"]["maintained"],
        objected["my_vote"]["revision"],
    ) == ("objection", "Je travaille le samedi.", True, 1)
    assert objected["integration_round"] is True
    assert objected["objections"] == [
        {"voter": "Béa", "reason": "Je travaille le samedi.", "maintained": True, "revision": 1}
    ]
    assert decision_of(world, decision, "partner")["may_amend"] is True
    assert decision_of(world, decision, "lead")["may_amend"] is False

    before = snapshot(app)
    amend = {"text": "Le jardin ouvre le samedi et le mercredi.", "note": "Pour celles qui travaillent le samedi."}
    assert_error(world.client("lead").post(world.url(f"/decisions/{decision}/amend"), amend), 403, "not_proposer")
    assert_error(
        world.client("beneficiary").post(world.url(f"/decisions/{decision}/amend"), amend), 403, "not_proposer"
    )
    same = {"text": "  Le jardin ouvre le samedi.  "}
    assert_error(world.client("partner").post(world.url(f"/decisions/{decision}/amend"), same), 422, "text_unchanged")
    assert_error(
        world.client("partner").post(world.url(f"/decisions/{decision}/amend"), {"text": ""}),
        422,
        "validation_error",
        "text",
    )
    assert snapshot(app) == before

    amended = ok(world.client("partner").post(world.url(f"/decisions/{decision}/amend"), amend))
    assert amended["text"] == amend["text"]
    assert voter(amended, "Béa")["revision"] == 1  # her objection was on version 1
    maintained = ok(
        world.client("beneficiary").put(world.url(f"/decisions/{decision}/objection"), {"maintained": True})
    )
    assert maintained["my_vote"]["revision"] == 2 and maintained["my_vote"]["maintained"] is True

    second = {"text": "Le jardin ouvre le mercredi et le dimanche.", "note": "Ni samedi, ni travail."}
    ok(world.client("partner").post(world.url(f"/decisions/{decision}/amend"), second))
    withdrawn = ok(
        world.client("beneficiary").put(world.url(f"/decisions/{decision}/objection"), {"maintained": False})
    )
    assert withdrawn["integration_round"] is False and withdrawn["my_vote"]["revision"] == 3
    assert withdrawn["objections"] == [
        {"voter": "Béa", "reason": "Je travaille le samedi.", "maintained": False, "revision": 3}
    ]
    assert decision_of(world, decision, "partner")["may_amend"] is False
    assert voter(decision_of(world, decision), "Léa Porteur")["revision"] == 1  # voted pour on version 1

    # no objection left to integrate: no more amendments
    before = snapshot(app)
    third = {"text": "Le jardin ouvre tous les jours."}
    assert_error(world.client("partner").post(world.url(f"/decisions/{decision}/amend"), third), 409, "no_objection")
    assert snapshot(app) == before

    closed = close_decision(world, "partner", decision)
    assert closed["adopted"] is True
    assert [(r["number"], r["text"], r["note"]) for r in closed["revisions"]] == [
        (1, "Le jardin ouvre le samedi.", None),
        (2, amend["text"], amend["note"]),
        (3, second["text"], second["note"]),
    ]
    recorded = decision_entry(world, decision)["content"]
    assert recorded["text"] == second["text"] and recorded["version"] == 3
    assert recorded["objections"] == [{"reason": "Je travaille le samedi.", "maintained": False, "voter": "Béa"}]
    assert_error(world.client("partner").post(world.url(f"/decisions/{decision}/amend"), third), 409, "decision_closed")
    register_verifies(world)


def test_an_objection_can_be_maintained_or_withdrawn_only_by_its_objector(world: DossierWorld, app: Flask) -> None:
    decision = propose(world, "lead", rule="consentement")["id"]
    vote(world, "partner", decision, "pour")
    vote(world, "beneficiary", decision, "objection", "Trop cher.")
    before = snapshot(app)
    for who in ("lead", "partner"):  # no objection of their own (the lead has not voted, the partner is pour)
        reply = world.client(who).put(world.url(f"/decisions/{decision}/objection"), {"maintained": False})
        assert_error(reply, 409, "no_objection")
    assert_error(
        world.client("observer").put(world.url(f"/decisions/{decision}/objection"), {"maintained": False}),
        403,
        "not_in_electorate",
    )
    assert_error(
        world.client("beneficiary").put(world.url(f"/decisions/{decision}/objection"), {"maintained": "non"}),
        422,
        "validation_error",
        "maintained",
    )
    assert snapshot(app) == before
    assert close_decision(world, "lead", decision)["adopted"] is False  # still maintained


def test_amending_is_only_for_consent_with_an_objection_maintained(world: DossierWorld, app: Flask) -> None:
    majority = propose(world, "lead", rule="majorite_simple")["id"]
    vote(world, "partner", majority, "contre")
    silent = propose(world, "lead", rule="consentement")["id"]
    withdrawn = propose(world, "lead", rule="consentement")["id"]
    vote(world, "partner", withdrawn, "objection", "Pas maintenant.")
    ok(world.client("partner").put(world.url(f"/decisions/{withdrawn}/objection"), {"maintained": False}))
    before = snapshot(app)
    body = {"text": "Un autre texte."}
    lead = world.client("lead")
    assert_error(lead.post(world.url(f"/decisions/{majority}/amend"), body), 409, "amend_not_allowed")
    assert_error(lead.post(world.url(f"/decisions/{silent}/amend"), body), 409, "no_objection")
    assert_error(lead.post(world.url(f"/decisions/{withdrawn}/amend"), body), 409, "no_objection")
    assert snapshot(app) == before


# --- the outcome statement ------------------------------------------------------------


def test_the_proposer_states_the_outcome_once_after_the_close(world: DossierWorld, app: Flask) -> None:
    decision = propose(world, "partner", rule="majorite_simple")["id"]
    vote(world, "lead", decision, "contre")
    statement = {"statement": "  La proposition n'est pas adoptée ; nous en reparlerons en juin.  "}
    partner = world.client("partner")
    before = snapshot(app)
    assert_error(partner.post(world.url(f"/decisions/{decision}/statement"), statement), 409, "decision_open")
    assert snapshot(app) == before

    closed = close_decision(world, "partner", decision)
    assert closed["adopted"] is False and closed["may_state"] is True
    assert decision_of(world, decision, "lead")["may_state"] is False
    before = snapshot(app)
    assert_error(
        world.client("lead").post(world.url(f"/decisions/{decision}/statement"), statement), 403, "not_proposer"
    )
    assert_error(
        world.client("beneficiary").post(world.url(f"/decisions/{decision}/statement"), statement), 403, "not_proposer"
    )
    assert_error(
        partner.post(world.url(f"/decisions/{decision}/statement"), {"statement": "   "}),
        422,
        "validation_error",
        "statement",
    )
    assert snapshot(app) == before

    stated = ok(partner.post(world.url(f"/decisions/{decision}/statement"), statement))
    assert stated["statement"] == statement["statement"].strip() and stated["statement_at"] is not None
    assert stated["may_state"] is False
    [entry] = register_entries(world, "decision_statement")
    assert entry["sequence"] == decision_entry(world, decision)["sequence"] + 1
    assert entry["content"]["decision_id"] == decision and entry["content"]["by"] == "Paul Partenaire"
    assert entry["content"]["statement"] == statement["statement"].strip()
    assert entry["content"]["title"] == "Budget du jardin"

    before = snapshot(app)
    assert_error(
        partner.post(world.url(f"/decisions/{decision}/statement"), {"statement": "Autre chose."}),
        409,
        "statement_exists",
    )
    assert snapshot(app) == before
    assert decision_of(world, decision)["statement"] == statement["statement"].strip()
    register_verifies(world)


# --- secret ballots -------------------------------------------------------------------


def test_secret_ballots_hide_everyone_elses_choice(world: DossierWorld) -> None:
    decision = propose(world, "lead", rule="consentement", secret=True)["id"]
    vote(world, "lead", decision, "pour")
    vote(world, "beneficiary", decision, "objection", "Pas assez de place pour les enfants.")
    mine = {"lead": "pour", "beneficiary": "objection", "partner": None, "observer": None}
    names = {"lead": "Léa Porteur", "beneficiary": "Béa", "partner": "Paul Partenaire"}
    for viewer, own in mine.items():
        seen = decision_of(world, decision, viewer)
        assert seen["secret"] is True
        assert {v["name"]: v["voted"] for v in seen["voters"]} == {
            "Léa Porteur": True,
            "Paul Partenaire": False,
            "Béa": True,
        }
        for v in seen["voters"]:
            if v["name"] != names.get(viewer):
                assert (v["choice"], v["reason"], v["maintained"], v["revision"]) == (None, None, None, None), v
        assert (seen["my_vote"] or {}).get("choice") == own
        # the objection's reason is shown (it is to be integrated), never its author
        assert seen["objections"] == [
            {"voter": None, "reason": "Pas assez de place pour les enfants.", "maintained": True, "revision": 1}
        ]
    assert decision_of(world, decision, "beneficiary")["my_vote"]["reason"] == "Pas assez de place pour les enfants."

    closed = close_decision(world, "lead", decision)
    assert closed["adopted"] is False
    assert closed["outcome"]["objections"] == [
        {"reason": "Pas assez de place pour les enfants.", "maintained": True, "voter": None}
    ]
    recorded = decision_entry(world, decision)["content"]
    assert recorded["secret"] is True and "Béa" not in json.dumps(recorded, ensure_ascii=False)
    assert voter(decision_of(world, decision, "partner"), "Léa Porteur")["choice"] is None  # still secret after


def test_named_ballots_show_everyones_choice(world: DossierWorld) -> None:
    decision = propose(world, "lead", rule="majorite_simple", secret=False)["id"]
    vote(world, "lead", decision, "pour")
    vote(world, "beneficiary", decision, "contre")
    seen = decision_of(world, decision, "observer")
    assert [(v["name"], v["choice"]) for v in seen["voters"]] == [
        ("Léa Porteur", "pour"),
        ("Paul Partenaire", None),
        ("Béa", "contre"),
    ]
    assert seen["my_vote"] is None


# --- collèges and double majority ------------------------------------------------------


def test_double_majority_needs_the_rule_in_every_college(world: DossierWorld) -> None:
    porteur = make_college(world, "Porteur et partenaires", 2, "lead", "partner")
    beneficiaires = make_college(world, "Bénéficiaires", 1, "beneficiary")
    votes = {"lead": "pour", "partner": "pour", "beneficiary": "contre"}

    double = propose(world, "lead", rule="majorite_simple", require_every_college=True)
    assert double["colleges"] == {
        str(porteur): {"name": "Porteur et partenaires", "weight": 2},
        str(beneficiaires): {"name": "Bénéficiaires", "weight": 1},
    }
    assert voter(double, "Béa")["college"] == "Bénéficiaires"
    simple = propose(world, "lead", rule="majorite_simple", require_every_college=False)
    for decision in (double["id"], simple["id"]):
        cast(world, decision, votes)

    blocked = close_decision(world, "lead", double["id"])
    assert blocked["adopted"] is False
    reasons = blocked["outcome"]["reasons"]["fr"]
    assert "Dans l'ensemble : majorité simple atteinte (2 pour, 1 contre ; en poids : 2 pour, 1 contre)." in reasons
    assert "Le collège Porteur et partenaires a une majorité (2 pour, 0 contre)." in reasons
    assert "Non adoptée : le collège Bénéficiaires n'a pas de majorité (0 pour, 1 contre)." in reasons
    tallies = blocked["outcome"]["colleges"]
    assert (tallies[str(beneficiaires)]["contre"], tallies[str(porteur)]["pour"]) == (1, 2)
    assert tallies[str(porteur)]["weight_pour"] == "2" and blocked["outcome"]["overall"]["weight_contre"] == "1"
    recorded = decision_entry(world, double["id"])["content"]
    assert recorded["require_every_college"] is True and recorded["adopted"] is False
    assert recorded["colleges"] == tallies

    overall_only = close_decision(world, "lead", simple["id"])
    assert overall_only["adopted"] is True  # the same votes, without the double majority
    assert any(line.startswith("Adoptée à la majorité simple") for line in overall_only["outcome"]["reasons"]["fr"])

    everywhere = propose(world, "lead", rule="majorite_simple", require_every_college=True)["id"]
    cast(world, everywhere, {"lead": "pour", "beneficiary": "pour"})
    passed = close_decision(world, "lead", everywhere)
    assert passed["adopted"] is True
    assert "Adoptée à la majorité simple, dans l'ensemble et dans chaque collège." in passed["outcome"]["reasons"]["fr"]


def test_college_weights_decide_a_weighted_majority(world: DossierWorld) -> None:
    make_college(world, "Porteur et partenaires", 1, "lead", "partner")
    make_college(world, "Bénéficiaires", 3, "beneficiary")
    decision = propose(world, "lead", rule="majorite_simple")["id"]
    cast(world, decision, {"lead": "pour", "partner": "pour", "beneficiary": "contre"})
    closed = close_decision(world, "lead", decision)
    assert closed["adopted"] is False  # two heads for, but ½ + ½ against 3
    assert closed["outcome"]["overall"]["weight_pour"] == "1" and closed["outcome"]["overall"]["weight_contre"] == "3"


def test_with_colleges_every_voter_must_be_in_one(world: DossierWorld, app: Flask) -> None:
    make_college(world, "Porteur", 1, "lead", "partner")
    before = snapshot(app)
    body = {"title": "Budget", "text": "Un texte.", "rule": "unanimite", "quorum_percent": 50, "closes_at": soon()}
    error = assert_error(world.client("lead").post(world.url("/decisions"), body), 409, "voters_without_college")
    assert [d["message"] for d in error["details"]] == ["Béa"]
    assert snapshot(app) == before


# --- deadlines ----------------------------------------------------------------------


def test_the_deadline_closes_the_decision_and_computes_the_outcome_on_read(
    world: DossierWorld, frozen_clock: ControlledClock
) -> None:
    proposed = propose(world, "partner", rule="majorite_qualifiee", closes_at=frozen_clock.later(timedelta(days=1)))
    decision = proposed["id"]
    cast(world, decision, {"lead": "pour", "partner": "pour", "beneficiary": "contre"})
    frozen_clock.advance(timedelta(days=1) - timedelta(seconds=1))
    assert decision_of(world, decision)["state"] == "open"
    assert register_entries(world, "decision") == []

    frozen_clock.advance(timedelta(days=4))  # nobody read it at the deadline
    [summary] = ok(world.client("beneficiary").get(world.url("/decisions")))["decisions"]
    assert summary["state"] == "closed" and summary["adopted"] is True
    seen = decision_of(world, decision)
    assert seen["closed_at"] == seen["closes_at"] == proposed["closes_at"]
    assert seen["outcome"]["overall"]["pour"] == 2 and seen["register_sequence"] is not None
    recorded = decision_entry(world, decision)["content"]
    assert recorded["closed_at"].rstrip("Z") == proposed["closes_at"].rstrip("Z")
    assert recorded["adopted"] is True
    late = world.client("beneficiary").put(world.url(f"/decisions/{decision}/vote"), {"choice": "pour"})
    assert_error(late, 409, "decision_closed")
    assert_error(world.client("partner").post(world.url(f"/decisions/{decision}/close")), 409, "decision_closed")
    register_verifies(world)


def test_a_vote_sent_after_the_deadline_is_not_counted(world: DossierWorld, frozen_clock: ControlledClock) -> None:
    decision = propose(
        world, "lead", rule="majorite_simple", quorum_percent=0, closes_at=frozen_clock.later(timedelta(hours=2))
    )["id"]
    vote(world, "lead", decision, "pour")
    frozen_clock.advance(timedelta(hours=2))  # exactly the deadline
    late = world.client("partner").put(world.url(f"/decisions/{decision}/vote"), {"choice": "contre"})
    assert_error(late, 409, "decision_closed")
    seen = decision_of(world, decision)
    assert seen["adopted"] is True and seen["outcome"]["participants"] == 1


# --- adopting a priority vote's result by a decision -------------------------------------


def test_a_decision_adopts_a_priority_vote_and_reorders_the_actions(world: DossierWorld, app: Flask) -> None:
    jardin, cuisine = world.action_ids
    poll = open_poll(world, adopt_on_close=False)["id"]
    for who in VOTERS:
        ballot(world, who, poll, [[cuisine], [jardin]])
    order = {"kind": "priority_order", "poll_id": poll, "title": "Ordre de priorité", "text": "Nous adoptons l'ordre."}
    before = snapshot(app)
    early = world.client("lead").post(
        world.url("/decisions"), order | {"rule": "majorite_simple", "quorum_percent": 50, "closes_at": soon()}
    )
    assert_error(early, 409, "poll_not_counted")  # the poll is still open
    assert snapshot(app) == before
    ok(world.client("lead").post(world.url(f"/polls/{poll}/close")))
    assert action_order(world) == [jardin, cuisine]

    decision = propose(world, "partner", rule="majorite_simple", about_text=True, **order)
    assert decision["kind"] == "priority_order" and decision["poll_id"] == poll
    before = snapshot(app)
    again = world.client("lead").post(
        world.url("/decisions"), order | {"rule": "majorite_simple", "quorum_percent": 50, "closes_at": soon()}
    )
    assert_error(again, 409, "decision_already_open")
    assert snapshot(app) == before

    cast(world, decision["id"], {"lead": "pour", "beneficiary": "pour"})
    closed = close_decision(world, "partner", decision["id"])
    assert closed["adopted"] is True
    assert action_order(world) == [cuisine, jardin]

    kinds = [e["kind"] for e in register_entries(world)]
    assert kinds == ["priority_order", "decision"]
    [entry] = register_entries(world, "priority_order")
    recorded = entry["content"]
    assert recorded["adopted_by"] == "decision" and recorded["decision_id"] == decision["id"]
    assert recorded["poll_id"] == poll and [o["action_id"] for o in recorded["order"]] == [cuisine, jardin]
    assert HEX64.match(recorded["content_hash"]) and recorded["content_hash"] == content_hash(world)
    assert decision_entry(world, decision["id"])["content"]["poll_id"] == poll

    seen = ok(world.client("lead").get(world.url(f"/polls/{poll}")))
    assert seen["adopted_register_sequence"] == entry["sequence"] and seen["adopted_at"] is not None
    assert seen["may_propose_adoption"] is False
    assert ok(world.client("lead").get(world.url("/lifecycle")))["order_adopted"] is True

    before = snapshot(app)
    twice = world.client("lead").post(
        world.url("/decisions"), order | {"rule": "majorite_simple", "quorum_percent": 50, "closes_at": soon()}
    )
    assert_error(twice, 409, "poll_already_adopted")
    assert snapshot(app) == before
    register_verifies(world)


def test_a_rejected_priority_order_changes_nothing_and_can_be_proposed_again(world: DossierWorld) -> None:
    jardin, cuisine = world.action_ids
    poll = closed_poll(world, [[cuisine], [jardin]])
    order = {"kind": "priority_order", "poll_id": poll}
    rejected = propose(world, "lead", rule="unanimite", **order)["id"]
    cast(world, rejected, {"lead": "pour", "partner": "contre"})
    assert close_decision(world, "lead", rejected)["adopted"] is False
    assert action_order(world) == [jardin, cuisine]
    assert register_entries(world, "priority_order") == []
    assert decision_entry(world, rejected)["content"]["adopted"] is False

    accepted = propose(world, "lead", rule="unanimite", **order)["id"]
    cast(world, accepted, {"lead": "pour", "partner": "pour"})
    assert close_decision(world, "lead", accepted)["adopted"] is True
    assert action_order(world) == [cuisine, jardin]


def test_a_poll_adopted_on_close_cannot_be_adopted_again(world: DossierWorld, app: Flask) -> None:
    jardin, cuisine = world.action_ids
    poll = closed_poll(world, [[cuisine], [jardin]], adopt_on_close=True)
    before = snapshot(app)
    body = {
        "kind": "priority_order",
        "poll_id": poll,
        "title": "Ordre",
        "text": "Adopter.",
        "rule": "unanimite",
        "quorum_percent": 50,
        "closes_at": soon(),
    }
    assert_error(world.client("lead").post(world.url("/decisions"), body), 409, "poll_already_adopted")
    assert snapshot(app) == before


def test_a_priority_order_decision_whose_deadline_passed_adopts_the_order_on_read(
    world: DossierWorld, frozen_clock: ControlledClock
) -> None:
    jardin, cuisine = world.action_ids
    poll = closed_poll(world, [[cuisine], [jardin]])
    decision = propose(
        world,
        "lead",
        rule="consentement",
        quorum_percent=0,
        kind="priority_order",
        poll_id=poll,
        closes_at=frozen_clock.later(timedelta(days=1)),
    )["id"]
    vote(world, "partner", decision, "pour")
    frozen_clock.advance(timedelta(days=2))
    assert decision_of(world, decision)["adopted"] is True
    assert action_order(world) == [cuisine, jardin]
    assert register_entries(world, "priority_order")[0]["content"]["adopted_by"] == "decision"


# --- the whole story verifies ------------------------------------------------------------


def test_the_register_verifies_after_a_full_governance_story(world: DossierWorld, app: Flask) -> None:
    jardin, cuisine = world.action_ids
    answer_everything(app, world.dossier_id, world.user_ids["beneficiary"])
    poll = closed_poll(world, [[cuisine], [jardin]], adopt_on_close=True)
    assert ok(world.client("lead").get(world.url(f"/polls/{poll}")))["adopted_at"] is not None
    budget = propose(world, "partner", rule="consentement", about_text=True)["id"]
    vote(world, "beneficiary", budget, "objection", "Trop cher.")
    ok(world.client("partner").post(world.url(f"/decisions/{budget}/amend"), {"text": "250 euros.", "note": "Moitié."}))
    ok(world.client("beneficiary").put(world.url(f"/decisions/{budget}/objection"), {"maintained": False}))
    close_decision(world, "partner", budget)
    ok(world.client("partner").post(world.url(f"/decisions/{budget}/statement"), {"statement": "Adopté."}))
    refused = propose(world, "lead", rule="unanimite")["id"]
    cast(world, refused, {"lead": "pour", "beneficiary": "contre"})
    close_decision(world, "lead", refused)

    frozen = freeze(world)
    approval = frozen["final_approval"]["decision_id"]
    cast(world, approval, {"lead": "pour", "partner": "pour", "beneficiary": "pour"})
    close_decision(world, "lead", approval)
    assert ok(world.client("lead").get(world.url("/lifecycle")))["unmet"] == []
    receipt = ok(world.client("lead").post(world.url("/submit")), 201)
    kinds = [e["kind"] for e in register_entries(world)]
    assert kinds == ["priority_order", "decision", "decision_statement", "decision", "freeze", "decision", "submit"]
    verified = register_verifies(world)
    assert verified["head"] == receipt["register_head"] and verified["length"] == 7
    head = ok(world.client("observer").get(world.url(f"/register/verify?head={receipt['register_head']}")))
    assert head["ok"] is True
    assert ok(world.client("beneficiary").get(world.url("/receipt"))) == receipt


# --- races with deadlines and state ---------------------------------------------------------


def test_proposing_to_adopt_a_poll_past_its_deadline_counts_it_first(
    world: DossierWorld, frozen_clock: ControlledClock
) -> None:
    """Nobody read the poll since its deadline: proposing its adoption must not see it as still open."""
    jardin, cuisine = world.action_ids
    poll = open_poll(world, adopt_on_close=False, closes_at=frozen_clock.later(timedelta(days=1)))["id"]
    ballot(world, "lead", poll, [[cuisine], [jardin]])
    frozen_clock.advance(timedelta(days=2))
    body = {
        "kind": "priority_order",
        "poll_id": poll,
        "title": "Ordre",
        "text": "Adopter.",
        "rule": "unanimite",
        "quorum_percent": 50,
        "closes_at": frozen_clock.later(),
    }
    reply = world.client("lead").post(world.url("/decisions"), body)
    assert reply.status_code == 201, reply.get_json()


def test_a_priority_order_decision_survives_a_change_of_the_actions(
    world: DossierWorld, frozen_clock: ControlledClock
) -> None:
    """While a decision to adopt a poll's order is open, the actions change (the poll is closed, so
    nothing stops it). Either the change is refused, or the decision still closes (it cannot apply an
    outdated order) and the dossier's votes stay readable."""
    jardin, cuisine = world.action_ids
    poll = closed_poll(world, [[cuisine], [jardin]])
    decision = propose(
        world,
        "lead",
        rule="majorite_simple",
        quorum_percent=0,
        kind="priority_order",
        poll_id=poll,
        closes_at=frozen_clock.later(timedelta(days=1)),
    )["id"]
    vote(world, "lead", decision, "pour")
    added = world.client("lead").post(world.url("/actions"), {"title": "Atelier"})
    if added.status_code == 409:
        return  # refused while the adoption is pending: consistent
    assert added.status_code == 201, added.get_json()
    frozen_clock.advance(timedelta(days=2))
    for path in ("/decisions", f"/decisions/{decision}", "/polls", "/lifecycle"):
        reply = world.client("observer").get(world.url(path))
        assert reply.status_code == 200, (path, reply.get_json())
    seen = decision_of(world, decision)
    assert seen["state"] == "closed"
    assert len(action_order(world)) == 3
    register_verifies(world)


def test_closing_a_priority_order_decision_after_the_actions_changed(world: DossierWorld) -> None:
    jardin, cuisine = world.action_ids
    poll = closed_poll(world, [[cuisine], [jardin]])
    decision = propose(world, "lead", rule="majorite_simple", quorum_percent=0, kind="priority_order", poll_id=poll)[
        "id"
    ]
    vote(world, "lead", decision, "pour")
    added = world.client("lead").post(world.url("/actions"), {"title": "Atelier"})
    if added.status_code == 409:
        return
    reply = world.client("lead").post(world.url(f"/decisions/{decision}/close"))
    assert reply.status_code == 200, reply.get_json()
    assert reply.get_json()["state"] == "closed"


def test_freezing_waits_for_a_pending_priority_order_decision(world: DossierWorld, app: Flask) -> None:
    """Freezing fixes the content hash, which covers the order of the actions: a decision that may
    still reorder them must be closed first."""
    jardin, cuisine = world.action_ids
    poll = closed_poll(world, [[cuisine], [jardin]])
    decision = propose(world, "lead", rule="majorite_simple", quorum_percent=0, kind="priority_order", poll_id=poll)[
        "id"
    ]
    vote(world, "lead", decision, "pour")
    before = snapshot(app)
    assert_error(world.client("lead").post(world.url("/freeze"), {"closes_at": soon()}), 409, "order_decision_open")
    assert snapshot(app) == before
    close_decision(world, "lead", decision)
    assert action_order(world) == [cuisine, jardin]
    assert freeze(world)["content_hash"] == content_hash(world)

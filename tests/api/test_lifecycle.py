"""The dossier's lifecycle over HTTP: brouillon → figé → déposé, and back to brouillon by a decision.

Freeze (lead; at least one action; no open priority vote) writes a ``freeze``
register entry with the content hash and opens the final approval bound to
it; a frozen dossier's text, actions and title cannot change, and the only
decision it takes is whether to reopen. Reopening needs an adopted decision,
used once. Submission names each unmet condition, changes nothing when
refused, and once it succeeds the dossier is sealed by its receipt.

The helpers here (``deadline``, ``adopt_order``, ``freeze``, ``approve``,
``ready_to_submit`` …) are shared with the live lifecycle tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from server.services import clock
from tests.support import PEOPLE, DossierWorld, snapshot
from tests.unit.test_content import REQUIRED, fill_required, hash_of, write_answers

from .conftest import assert_error

HEX64 = re.compile(r"[0-9a-f]{64}")
VOTERS = ("lead", "partner", "beneficiary")
ALL_UNMET = ["frozen", "answers", "priority_order", "final_approval"]
ALL_POUR = {who: "pour" for who in VOTERS}  # an early close needs every voter's vote


# --- helpers (shared with tests/events/test_lifecycle_concurrency.py) -----------------


def deadline(days: float = 3) -> str:
    """A closing date ``days`` after the server's "now" (which a test may have moved)."""
    return (clock.now() + timedelta(days=days)).isoformat()


def ok(reply: TestResponse, status: int = 200) -> Any:
    assert reply.status_code == status, reply.get_data(as_text=True)
    return reply.get_json()


def lifecycle(world: DossierWorld, who: str = "lead") -> dict[str, Any]:
    return dict(ok(world.client(who).get(world.url("/lifecycle"))))


def register_entries(world: DossierWorld) -> dict[str, Any]:
    return dict(ok(world.client("observer" if "observer" in world.user_ids else "lead").get(world.url("/register"))))


def kinds(world: DossierWorld) -> list[str]:
    return [e["kind"] for e in register_entries(world)["entries"]]


def adopt_order(world: DossierWorld, order: Sequence[int] | None = None, voters: Sequence[str] = VOTERS) -> int:
    """A priority vote over the actions whose result (``order``) is adopted at its close; the poll id."""
    order = list(order or world.action_ids)
    lead = world.client("lead")
    poll = ok(lead.post(world.url("/polls"), {"closes_at": deadline(), "adopt_on_close": True}), 201)
    for who in voters:
        ok(world.client(who).put(world.url(f"/polls/{poll['id']}/ballot"), {"ranking": [[a] for a in order]}))
    closed = ok(lead.post(world.url(f"/polls/{poll['id']}/close")))
    assert closed["result"]["order"] == order and closed["adopted_at"] is not None, closed
    return int(poll["id"])


def freeze(world: DossierWorld, **options: Any) -> dict[str, Any]:
    return dict(ok(world.client("lead").post(world.url("/freeze"), {"closes_at": deadline(), **options})))


def decide(world: DossierWorld, decision_id: int, choices: dict[str, str], *, close: bool = True) -> dict[str, Any]:
    """Each ``who`` votes ``choice``; then the lead closes the decision early (unless ``close`` is false),
    which the server allows once every voter has voted."""
    for who, choice in choices.items():
        body: dict[str, Any] = {"choice": choice}
        if choice == "objection":
            body["reason"] = f"Objection de {who}"
        ok(world.client(who).put(world.url(f"/decisions/{decision_id}/vote"), body))
    if not close:
        return dict(ok(world.client("lead").get(world.url(f"/decisions/{decision_id}"))))
    return dict(ok(world.client("lead").post(world.url(f"/decisions/{decision_id}/close"))))


def final_approval_id(world: DossierWorld) -> int:
    approval = lifecycle(world)["final_approval"]
    assert approval is not None
    return int(approval["decision_id"])


def approve(world: DossierWorld, voters: Sequence[str] = VOTERS) -> dict[str, Any]:
    """Everyone votes pour the final approval, and the lead closes it: adopted."""
    decided = decide(world, final_approval_id(world), {who: "pour" for who in voters})
    assert decided["adopted"] is True, decided
    return decided


def propose_reopen(world: DossierWorld, who: str = "partner", **options: Any) -> int:
    body = {
        "kind": "reopen",
        "title": "Rouvrir le dossier",
        "text": "Il faut corriger le calendrier de l'action Jardin.",
        "rule": "majorite_simple",
        "quorum_percent": 50,
        "closes_at": deadline(),
        **options,
    }
    return int(ok(world.client(who).post(world.url("/decisions"), body), 201)["id"])


def ready_to_submit(world: DossierWorld, voters: Sequence[str] = VOTERS) -> None:
    """Every required answer, an adopted priority order, frozen, final approval adopted."""
    fill_required(world.app, world.dossier_id, world.action_ids, world.user_ids["lead"])
    if len(world.action_ids) >= 2:
        adopt_order(world, voters=voters)
    freeze(world)
    approve(world, voters)


@pytest.fixture
def timeline(app: Flask) -> Iterator[Any]:
    """A server clock that runs with real time plus an offset the test can advance."""

    class Timeline:
        offset = timedelta()

        def advance(self, delta: timedelta) -> None:
            self.offset += delta

        def past(self, moment: str) -> None:
            """Move "now" just past ``moment`` (an ISO date from a reply)."""
            target = datetime.fromisoformat(moment.replace("Z", "+00:00"))
            if target.tzinfo is None:
                target = target.replace(tzinfo=UTC)
            self.offset += max(timedelta(), target - clock.now()) + timedelta(seconds=1)

    line = Timeline()
    clock.set_source(lambda: datetime.now(UTC) + line.offset)
    yield line
    clock.set_source(None)


# --- reading the lifecycle -------------------------------------------------------------


@pytest.mark.parametrize("who", PEOPLE)
def test_every_member_reads_the_lifecycle(world: DossierWorld, who: str) -> None:
    reply = world.client(who).get(world.url("/lifecycle"))
    if who == "outsider":
        assert_error(reply, 404, "not_found")
        return
    if who == "anonymous":
        assert_error(reply, 401, "not_authenticated")
        return
    body = ok(reply)
    jardin, cuisine = world.action_ids
    assert body["state"] == "brouillon"
    assert HEX64.fullmatch(body["content_hash"])
    assert body["content_hash"] == hash_of(world.app, world.dossier_id)
    assert body["frozen_at"] is None and body["frozen_content_hash"] is None
    assert [(m["action_id"], m["question_key"]) for m in body["missing_answers"]] == [(jardin, k) for k in REQUIRED] + [
        (cuisine, k) for k in REQUIRED
    ]
    assert body["missing_answers"][0]["action_title"] == "Jardin"
    assert body["missing_answers"][0]["label_fr"] and body["missing_answers"][0]["label_en"]
    assert body["order_required"] is True and body["order_adopted"] is False
    assert body["final_approval"] is None and body["final_approval_adopted"] is False
    assert body["unmet"] == ALL_UNMET
    assert body["reopen_decision_adopted"] is False
    assert body["receipt"] is None


def test_the_lifecycle_follows_answers_and_the_adopted_order(world: DossierWorld) -> None:
    fill_required(world.app, world.dossier_id, world.action_ids, world.user_ids["lead"])
    body = lifecycle(world, "beneficiary")
    assert body["missing_answers"] == [] and body["unmet"] == ["frozen", "priority_order", "final_approval"]

    adopt_order(world, list(reversed(world.action_ids)))
    body = lifecycle(world, "observer")
    assert body["order_adopted"] is True and body["unmet"] == ["frozen", "final_approval"]

    # Reordering by hand afterwards: the adopted order is no longer the dossier's order.
    ok(world.client("lead").put(world.url("/actions/order"), {"action_ids": world.action_ids}))
    assert lifecycle(world)["order_adopted"] is False


def test_the_receipt_does_not_exist_before_submission(world: DossierWorld) -> None:
    assert_error(world.client("lead").get(world.url("/receipt")), 404, "not_found")
    assert_error(world.client("outsider").get(world.url("/receipt")), 404, "not_found")


# --- freeze ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("partner", 403, "forbidden"),
        ("beneficiary", 403, "forbidden"),
        ("observer", 403, "forbidden"),
        ("outsider", 404, "not_found"),
        ("anonymous", 401, "not_authenticated"),
    ],
)
def test_only_a_lead_freezes(world: DossierWorld, who: str, status: int, code: str) -> None:
    before = snapshot(world.app)
    assert_error(world.client(who).post(world.url("/freeze"), {"closes_at": deadline()}), status, code)
    assert snapshot(world.app) == before


def test_freezing_needs_an_action(world: DossierWorld) -> None:
    lead = world.client("lead")
    for action_id in world.action_ids:
        ok(lead.delete(world.url(f"/actions/{action_id}")), 204)
    before = snapshot(world.app)
    assert_error(lead.post(world.url("/freeze"), {"closes_at": deadline()}), 409, "no_actions")
    assert snapshot(world.app) == before
    assert lifecycle(world)["state"] == "brouillon"


def test_freezing_is_refused_while_a_priority_vote_is_open(world: DossierWorld) -> None:
    lead = world.client("lead")
    poll = ok(world.client("partner").post(world.url("/polls"), {"closes_at": deadline()}), 201)
    before = snapshot(world.app)
    assert_error(lead.post(world.url("/freeze"), {"closes_at": deadline()}), 409, "poll_open")
    assert snapshot(world.app) == before
    ok(lead.post(world.url(f"/polls/{poll['id']}/close")))
    assert freeze(world)["state"] == "fige"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "validation_error"),
        ({"closes_at": "2020-01-01T00:00:00+00:00"}, "deadline_in_past"),
        ({"closes_at": "2030-01-01T00:00:00"}, "validation_error"),
        ({"closes_at": "__soon__", "rule": "dictature"}, "validation_error"),
        ({"closes_at": "__soon__", "quorum_percent": 101}, "validation_error"),
        ({"closes_at": "__far__"}, "deadline_too_far"),
    ],
    ids=["no-deadline", "deadline-in-past", "deadline-without-zone", "unknown-rule", "quorum-over-100", "too-far"],
)
def test_a_bad_freeze_request_changes_nothing(world: DossierWorld, body: dict[str, Any], code: str) -> None:
    if body.get("closes_at") == "__soon__":
        body = {**body, "closes_at": deadline()}
    if body.get("closes_at") == "__far__":
        body = {**body, "closes_at": deadline(200)}
    before = snapshot(world.app)
    assert_error(world.client("lead").post(world.url("/freeze"), body), 422, code)
    assert snapshot(world.app) == before


def test_freeze_records_the_content_hash_and_opens_the_bound_final_approval(world: DossierWorld) -> None:
    write_answers(world.app, world.dossier_id, world.action_ids[0], {"objectifs": "Un jardin."}, world.user_ids["lead"])
    draft_hash = lifecycle(world)["content_hash"]
    register_before = register_entries(world)["entries"]

    body = freeze(world, rule="majorite_qualifiee", quorum_percent=60)

    assert body["state"] == "fige"
    assert body["frozen_content_hash"] == draft_hash == body["content_hash"]
    assert body["frozen_at"] is not None
    assert body["final_approval"]["state"] == "open" and body["final_approval"]["adopted"] is None
    assert body["unmet"] == ["answers", "priority_order", "final_approval"]
    assert body["content_unchanged"] is True

    entries = register_entries(world)["entries"]
    assert len(entries) == len(register_before) + 1
    entry = entries[-1]
    assert entry["kind"] == "freeze"
    assert entry["content"]["content_hash"] == draft_hash
    assert entry["content"]["final_approval_decision_id"] == body["final_approval"]["decision_id"]
    assert entry["content"]["by"] == "Léa Porteur"

    decision = ok(world.client("beneficiary").get(world.url(f"/decisions/{body['final_approval']['decision_id']}")))
    assert decision["kind"] == "final_approval"
    assert decision["content_hash"] == draft_hash
    assert decision["rule"] == "majorite_qualifiee" and decision["quorum_percent"] == 60
    assert decision["state"] == "open" and decision["may_vote"] is True
    assert draft_hash in decision["text"]
    assert {v["name"] for v in decision["voters"]} == {"Léa Porteur", "Paul Partenaire", "Béa"}

    for who in ("partner", "beneficiary", "observer"):
        assert lifecycle(world, who)["state"] == "fige"
    assert ok(world.client("lead").get(world.url()))["state"] == "fige"


def test_a_frozen_dossier_cannot_be_frozen_again(world: DossierWorld) -> None:
    freeze(world)
    before = snapshot(world.app)
    assert_error(world.client("lead").post(world.url("/freeze"), {"closes_at": deadline()}), 409, "dossier_not_draft")
    assert snapshot(world.app) == before
    assert kinds(world).count("freeze") == 1


def test_after_freeze_the_actions_and_the_title_are_read_only(world: DossierWorld) -> None:
    freeze(world)
    lead = world.client("lead")
    jardin, cuisine = world.action_ids
    before = snapshot(world.app)
    refused = [
        lead.post(world.url("/actions"), {"title": "Atelier vélo"}),
        lead.patch(world.url(f"/actions/{jardin}"), {"title": "Jardin potager"}),
        lead.delete(world.url(f"/actions/{cuisine}")),
        lead.put(world.url("/actions/order"), {"action_ids": [cuisine, jardin]}),
        lead.patch(world.url(), {"title": "Autre titre"}),
        lead.patch(world.url(), {"structure": "Autre structure"}),
    ]
    for reply in refused:
        assert_error(reply, 409, "dossier_not_draft")
    assert snapshot(world.app) == before


def test_after_freeze_no_poll_and_only_a_decision_to_reopen(world: DossierWorld) -> None:
    freeze(world)
    partner = world.client("partner")
    before = snapshot(world.app)
    assert_error(partner.post(world.url("/polls"), {"closes_at": deadline()}), 409, "dossier_not_draft")
    general = {
        "title": "Acheter des outils",
        "text": "On achète une grelinette.",
        "rule": "majorite_simple",
        "quorum_percent": 50,
        "closes_at": deadline(),
    }
    assert_error(partner.post(world.url("/decisions"), general), 409, "decision_kind_not_possible")
    assert_error(
        partner.post(world.url("/decisions"), {**general, "kind": "general", "about_text": True}),
        409,
        "decision_kind_not_possible",
    )
    assert snapshot(world.app) == before

    reopen_id = propose_reopen(world)
    decision = ok(partner.get(world.url(f"/decisions/{reopen_id}")))
    assert decision["kind"] == "reopen" and decision["state"] == "open"
    assert lifecycle(world)["reopen_decision_adopted"] is False


def test_a_reopen_decision_cannot_be_proposed_in_a_draft(world: DossierWorld) -> None:
    before = snapshot(world.app)
    body = {
        "kind": "reopen",
        "title": "Rouvrir",
        "text": "Rouvrir le dossier.",
        "rule": "majorite_simple",
        "quorum_percent": 50,
        "closes_at": deadline(),
    }
    assert_error(world.client("lead").post(world.url("/decisions"), body), 409, "decision_kind_not_possible")
    assert snapshot(world.app) == before


# --- reopen ------------------------------------------------------------------------------------


def test_reopen_needs_a_frozen_dossier(world: DossierWorld) -> None:
    before = snapshot(world.app)
    assert_error(world.client("lead").post(world.url("/reopen")), 409, "dossier_not_frozen")
    assert snapshot(world.app) == before


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("partner", 403, "forbidden"),
        ("beneficiary", 403, "forbidden"),
        ("observer", 403, "forbidden"),
        ("outsider", 404, "not_found"),
        ("anonymous", 401, "not_authenticated"),
    ],
)
def test_only_a_lead_reopens(world: DossierWorld, who: str, status: int, code: str) -> None:
    freeze(world)
    decide(world, propose_reopen(world), ALL_POUR)
    before = snapshot(world.app)
    assert_error(world.client(who).post(world.url("/reopen")), status, code)
    assert snapshot(world.app) == before


def test_reopen_is_refused_without_an_adopted_decision(world: DossierWorld, timeline: Any) -> None:
    freeze(world)
    lead = world.client("lead")
    before = snapshot(world.app)
    assert_error(lead.post(world.url("/reopen")), 409, "reopen_needs_decision")
    assert snapshot(world.app) == before

    # An open decision to reopen is not enough …
    open_id = propose_reopen(world)
    decide(world, open_id, {"partner": "pour"}, close=False)
    assert_error(lead.post(world.url("/reopen")), 409, "reopen_needs_decision")

    # … nor one rejected at its deadline.
    decision = decide(world, open_id, {"lead": "contre", "beneficiary": "contre"}, close=False)
    timeline.past(decision["closes_at"])
    rejected = ok(lead.get(world.url(f"/decisions/{open_id}")))
    assert rejected["state"] == "closed" and rejected["adopted"] is False
    assert lifecycle(world)["reopen_decision_adopted"] is False
    assert_error(lead.post(world.url("/reopen")), 409, "reopen_needs_decision")
    assert lifecycle(world)["state"] == "fige"


def test_reopen_with_an_adopted_decision(world: DossierWorld, timeline: Any) -> None:
    frozen = freeze(world, closes_at=deadline(10))  # still open when the reopening closes, 3 days from now
    approval_id = frozen["final_approval"]["decision_id"]
    frozen_hash = frozen["frozen_content_hash"]
    reopen_id = propose_reopen(world)
    decided = decide(world, reopen_id, {"lead": "pour", "partner": "pour", "beneficiary": "contre"}, close=False)
    timeline.past(decided["closes_at"])
    assert lifecycle(world)["reopen_decision_adopted"] is True  # closed at its deadline by this read

    body = ok(world.client("lead").post(world.url("/reopen")))

    assert body["state"] == "brouillon"
    assert body["frozen_at"] is None and body["frozen_content_hash"] is None and body["final_approval"] is None
    assert body["reopen_decision_adopted"] is False
    approval = ok(world.client("lead").get(world.url(f"/decisions/{approval_id}")))
    assert approval["state"] == "cancelled" and approval["may_vote"] is False
    assert_error(
        world.client("partner").put(world.url(f"/decisions/{approval_id}/vote"), {"choice": "pour"}),
        409,
        "decision_closed",
    )
    entries = register_entries(world)["entries"]
    assert [e["kind"] for e in entries] == ["freeze", "decision", "reopen"]
    assert entries[1]["content"]["decision_id"] == reopen_id and entries[1]["content"]["adopted"] is True
    reopened = entries[2]["content"]
    assert reopened["decision_id"] == reopen_id
    assert reopened["frozen_content_hash"] == frozen_hash
    assert reopened["cancelled_decisions"] == [approval_id]

    # A draft again: the text, the actions and the title can change.
    lead = world.client("lead")
    ok(lead.patch(world.url(f"/actions/{world.action_ids[0]}"), {"title": "Jardin potager"}))
    ok(lead.patch(world.url(), {"title": "Projet Jardin partagé (corrigé)"}))
    assert lifecycle(world)["content_hash"] != frozen_hash


def test_a_decision_to_reopen_is_used_once(world: DossierWorld) -> None:
    freeze(world)
    decide(world, propose_reopen(world), ALL_POUR)
    ok(world.client("lead").post(world.url("/reopen")))

    refrozen = freeze(world)
    assert refrozen["reopen_decision_adopted"] is False
    before = snapshot(world.app)
    assert_error(world.client("lead").post(world.url("/reopen")), 409, "reopen_needs_decision")
    assert snapshot(world.app) == before
    assert lifecycle(world)["state"] == "fige"


def test_reopening_cancels_other_open_reopen_decisions(world: DossierWorld) -> None:
    freeze(world)
    adopted = propose_reopen(world, "partner")
    pending = propose_reopen(world, "lead", title="Rouvrir pour une autre raison")
    decide(world, adopted, ALL_POUR)
    body = ok(world.client("lead").post(world.url("/reopen")))
    assert body["state"] == "brouillon"
    assert ok(world.client("lead").get(world.url(f"/decisions/{pending}")))["state"] == "cancelled"
    reopened = register_entries(world)["entries"][-1]
    assert reopened["kind"] == "reopen" and pending in reopened["content"]["cancelled_decisions"]


def test_refreezing_opens_a_new_final_approval(world: DossierWorld) -> None:
    first = freeze(world)
    decide(world, propose_reopen(world), ALL_POUR)
    ok(world.client("lead").post(world.url("/reopen")))
    write_answers(world.app, world.dossier_id, world.action_ids[0], {"objectifs": "Corrigé."}, world.user_ids["lead"])

    second = freeze(world)

    assert second["final_approval"]["decision_id"] != first["final_approval"]["decision_id"]
    assert second["final_approval"]["state"] == "open"
    assert second["frozen_content_hash"] != first["frozen_content_hash"]
    decision = ok(world.client("lead").get(world.url(f"/decisions/{second['final_approval']['decision_id']}")))
    assert decision["kind"] == "final_approval" and decision["content_hash"] == second["frozen_content_hash"]
    freezes = [e for e in register_entries(world)["entries"] if e["kind"] == "freeze"]
    assert [e["content"]["content_hash"] for e in freezes] == [
        first["frozen_content_hash"],
        second["frozen_content_hash"],
    ]
    assert [e["content"]["final_approval_decision_id"] for e in freezes] == [
        first["final_approval"]["decision_id"],
        second["final_approval"]["decision_id"],
    ]


# --- submit: refusals --------------------------------------------------------------------------


def submit_refused(world: DossierWorld, expected: list[str]) -> None:
    """Submitting is refused naming exactly ``expected``, and changes nothing.

    (A read first closes what is past its deadline, as any request does.)"""
    lifecycle(world)
    before = snapshot(world.app)
    error = assert_error(world.client("lead").post(world.url("/submit")), 409, "submit_conditions_unmet")
    assert [d["field"] for d in error["details"]] == expected, error
    assert all(d["message"] for d in error["details"])
    assert snapshot(world.app) == before
    assert lifecycle(world)["unmet"] == expected


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("partner", 403, "forbidden"),
        ("beneficiary", 403, "forbidden"),
        ("observer", 403, "forbidden"),
        ("outsider", 404, "not_found"),
        ("anonymous", 401, "not_authenticated"),
    ],
)
def test_only_a_lead_submits(world: DossierWorld, who: str, status: int, code: str) -> None:
    ready_to_submit(world)
    before = snapshot(world.app)
    assert_error(world.client(who).post(world.url("/submit")), status, code)
    assert snapshot(world.app) == before


def test_submitting_a_new_draft_names_every_condition(world: DossierWorld) -> None:
    submit_refused(world, ALL_UNMET)


def test_submitting_an_answered_and_ordered_draft_needs_the_freeze_and_the_approval(world: DossierWorld) -> None:
    fill_required(world.app, world.dossier_id, world.action_ids, world.user_ids["lead"])
    adopt_order(world)
    submit_refused(world, ["frozen", "final_approval"])


def test_submitting_with_empty_required_answers(world: DossierWorld) -> None:
    fill_required(world.app, world.dossier_id, world.action_ids, world.user_ids["lead"])
    write_answers(world.app, world.dossier_id, world.action_ids[1], {"chemin_faisant": ""}, world.user_ids["lead"])
    adopt_order(world)
    freeze(world)
    approve(world)
    submit_refused(world, ["answers"])
    missing = lifecycle(world)["missing_answers"]
    assert [(m["action_id"], m["question_key"]) for m in missing] == [(world.action_ids[1], "chemin_faisant")]


def test_submitting_two_actions_without_an_adopted_order(world: DossierWorld) -> None:
    fill_required(world.app, world.dossier_id, world.action_ids, world.user_ids["lead"])
    freeze(world)
    approve(world)
    submit_refused(world, ["priority_order"])


def test_submitting_while_the_final_approval_is_open(world: DossierWorld) -> None:
    fill_required(world.app, world.dossier_id, world.action_ids, world.user_ids["lead"])
    adopt_order(world)
    freeze(world)
    decide(world, final_approval_id(world), {"lead": "pour", "partner": "pour"}, close=False)
    submit_refused(world, ["final_approval"])


def test_submitting_after_the_final_approval_was_rejected(world: DossierWorld, timeline: Any) -> None:
    fill_required(world.app, world.dossier_id, world.action_ids, world.user_ids["lead"])
    adopt_order(world)
    freeze(world, rule="majorite_simple", quorum_percent=50)
    approval_id = final_approval_id(world)
    decision = decide(world, approval_id, {"lead": "pour", "partner": "contre", "beneficiary": "contre"}, close=False)
    timeline.past(decision["closes_at"])
    body = lifecycle(world)
    approval = body["final_approval"]
    assert (approval["decision_id"], approval["state"], approval["adopted"]) == (approval_id, "closed", False)
    submit_refused(world, ["final_approval"])
    rejected = register_entries(world)["entries"][-1]
    assert rejected["kind"] == "decision" and rejected["content"]["adopted"] is False
    assert rejected["content"]["kind"] == "final_approval"


def test_submitting_after_an_approval_without_quorum(world: DossierWorld, timeline: Any) -> None:
    fill_required(world.app, world.dossier_id, world.action_ids, world.user_ids["lead"])
    adopt_order(world)
    frozen = freeze(world, rule="consentement", quorum_percent=100)
    decide(world, final_approval_id(world), {"lead": "pour"}, close=False)
    timeline.past(frozen["final_approval"]["closes_at"])
    submit_refused(world, ["final_approval"])


def test_an_approval_adopted_before_a_reopening_does_not_count_for_the_next_freeze(world: DossierWorld) -> None:
    ready_to_submit(world)
    first = lifecycle(world)
    decide(world, propose_reopen(world), ALL_POUR)
    ok(world.client("lead").post(world.url("/reopen")))
    write_answers(world.app, world.dossier_id, world.action_ids[0], {"objectifs": "Corrigé."}, world.user_ids["lead"])
    second = freeze(world)
    assert second["final_approval"]["decision_id"] != first["final_approval"]["decision_id"]
    assert second["final_approval_adopted"] is False
    submit_refused(world, ["final_approval"])
    approve(world)
    receipt = ok(world.client("lead").post(world.url("/submit")), 201)
    assert receipt["content_hash"] == second["frozen_content_hash"] != first["frozen_content_hash"]


def test_submitting_a_frozen_dossier_with_nothing_done(world: DossierWorld) -> None:
    freeze(world)
    submit_refused(world, ["answers", "priority_order", "final_approval"])


def test_a_single_action_needs_no_priority_order(world: DossierWorld) -> None:
    ok(world.client("lead").delete(world.url(f"/actions/{world.action_ids[1]}")), 204)
    world.action_ids = world.action_ids[:1]
    assert lifecycle(world)["order_required"] is False
    assert lifecycle(world)["unmet"] == ["frozen", "answers", "final_approval"]
    ready_to_submit(world)
    assert (
        ok(world.client("lead").post(world.url("/submit")), 201)["content_hash"]
        == lifecycle(world)["frozen_content_hash"]
    )


def test_text_changed_behind_the_freeze_is_not_submitted(world: DossierWorld) -> None:
    """The relay refuses live edits once frozen; should anything still change the stored text, the
    frozen hash no longer matches and submission says so."""
    ready_to_submit(world)
    write_answers(
        world.app, world.dossier_id, world.action_ids[0], {"objectifs": "Modifié après."}, world.user_ids["lead"]
    )
    submit_refused(world, ["content_unchanged"])


# --- submit: success ---------------------------------------------------------------------------


def test_submit_seals_the_dossier_with_a_receipt(world: DossierWorld) -> None:
    ready_to_submit(world)
    before = lifecycle(world)
    assert before["unmet"] == [] and before["final_approval_adopted"] is True
    frozen_hash = before["frozen_content_hash"]

    receipt = ok(world.client("lead").post(world.url("/submit")), 201)

    assert receipt["content_hash"] == frozen_hash
    assert receipt["dossier_id"] == world.dossier_id and receipt["title"] == "Projet Jardin partagé"
    assert receipt["structure"] == "Association Les Racines"
    assert receipt["submitted_by"] == "Léa Porteur" and receipt["submitted_at"]
    assert receipt["format"] == "codossier-receipt-v1"
    listed = register_entries(world)
    submit_entry = listed["entries"][-1]
    assert submit_entry["kind"] == "submit"
    assert receipt["register_head"] == submit_entry["hash"] == listed["head"]
    assert receipt["register_sequence"] == submit_entry["sequence"]
    assert submit_entry["content"]["content_hash"] == frozen_hash
    assert submit_entry["content"]["final_approval_decision_id"] == before["final_approval"]["decision_id"]
    assert [e["kind"] for e in listed["entries"]] == ["priority_order", "freeze", "decision", "submit"]

    for who in ("lead", "partner", "beneficiary", "observer"):
        assert ok(world.client(who).get(world.url("/receipt"))) == receipt
        body = lifecycle(world, who)
        assert body["state"] == "depose" and body["receipt"] == receipt
    assert_error(world.client("outsider").get(world.url("/receipt")), 404, "not_found")
    verified = ok(world.client("observer").get(world.url(f"/register/verify?head={receipt['register_head']}")))
    assert verified["ok"] is True and verified["head"] == receipt["register_head"]


def test_submission_cancels_the_open_decisions(world: DossierWorld) -> None:
    ready_to_submit(world)
    pending = propose_reopen(world)
    ok(world.client("lead").post(world.url("/submit")), 201)
    decision = ok(world.client("partner").get(world.url(f"/decisions/{pending}")))
    assert decision["state"] == "cancelled"
    assert register_entries(world)["entries"][-1]["content"]["cancelled_decisions"] == [pending]


def test_a_submitted_dossier_refuses_every_change(world: DossierWorld) -> None:
    ready_to_submit(world)
    poll_id = adopted_poll(world)
    approval_id = final_approval_id(world)
    ok(world.client("lead").post(world.url("/submit")), 201)
    lead, partner = world.client("lead"), world.client("partner")
    jardin, cuisine = world.action_ids
    before = snapshot(world.app)

    assert_error(lead.post(world.url("/submit")), 409, "dossier_submitted")
    assert_error(lead.post(world.url("/freeze"), {"closes_at": deadline()}), 409, "dossier_not_draft")
    assert_error(lead.post(world.url("/reopen")), 409, "dossier_not_frozen")
    for kind in ("general", "reopen"):
        body = {
            "kind": kind,
            "title": "Encore",
            "text": "Une décision de plus.",
            "rule": "majorite_simple",
            "quorum_percent": 50,
            "closes_at": deadline(),
        }
        assert_error(partner.post(world.url("/decisions"), body), 409, "decision_kind_not_possible")
    assert_error(partner.put(world.url(f"/decisions/{approval_id}/vote"), {"choice": "pour"}), 409, "decision_closed")
    assert_error(partner.post(world.url("/polls"), {"closes_at": deadline()}), 409, "dossier_not_draft")
    assert_error(partner.put(world.url(f"/polls/{poll_id}/ballot"), {"ranking": [[cuisine]]}), 409, "poll_closed")
    assert_error(lead.post(world.url("/actions"), {"title": "Atelier vélo"}), 409, "dossier_not_draft")
    assert_error(lead.patch(world.url(f"/actions/{jardin}"), {"title": "Autre"}), 409, "dossier_not_draft")
    assert_error(lead.delete(world.url(f"/actions/{cuisine}")), 409, "dossier_not_draft")
    assert_error(lead.put(world.url("/actions/order"), {"action_ids": [cuisine, jardin]}), 409, "dossier_not_draft")
    assert_error(lead.patch(world.url(), {"title": "Autre titre"}), 409, "dossier_not_draft")

    assert snapshot(world.app) == before
    assert lifecycle(world)["state"] == "depose"


def adopted_poll(world: DossierWorld) -> int:
    polls = ok(world.client("lead").get(world.url("/polls")))["polls"]
    return int(next(p["id"] for p in polls if p["adopted_at"] is not None))


def test_the_whole_path_with_a_reopening(world: DossierWorld, timeline: Any) -> None:
    """Draft → frozen → reopened by a decision → corrected → frozen again → approved at the deadline → submitted."""
    lead = world.client("lead")
    fill_required(world.app, world.dossier_id, world.action_ids, world.user_ids["lead"])
    adopt_order(world)
    first = freeze(world)
    decide(world, propose_reopen(world), {"lead": "pour", "partner": "pour", "beneficiary": "pour"})
    ok(lead.post(world.url("/reopen")))
    write_answers(
        world.app, world.dossier_id, world.action_ids[0], {"calendrier": "Automne 2026"}, world.user_ids["lead"]
    )
    second = freeze(world)
    assert second["frozen_content_hash"] != first["frozen_content_hash"]
    submit_refused(world, ["final_approval"])

    # The first approval (cancelled) cannot be voted on; the second one is adopted at its deadline.
    assert_error(
        world.client("partner").put(
            world.url(f"/decisions/{first['final_approval']['decision_id']}/vote"), {"choice": "pour"}
        ),
        409,
        "decision_closed",
    )
    decision = decide(world, second["final_approval"]["decision_id"], {w: "pour" for w in VOTERS}, close=False)
    timeline.past(decision["closes_at"])

    receipt = ok(lead.post(world.url("/submit")), 201)
    assert receipt["content_hash"] == second["frozen_content_hash"]
    assert kinds(world) == ["priority_order", "freeze", "decision", "reopen", "freeze", "decision", "submit"]
    assert ok(lead.get(world.url("/register/verify")))["ok"] is True


def test_freezing_waits_for_an_open_decision_on_the_priority_order(world: DossierWorld) -> None:
    """Adopting an order reorders the actions, which is a change of the text: it must not happen to a
    frozen dossier, so the freeze is refused while such a decision is open."""
    jardin, cuisine = world.action_ids
    lead, partner = world.client("lead"), world.client("partner")
    poll = ok(partner.post(world.url("/polls"), {"closes_at": deadline(), "adopt_on_close": False}), 201)
    for who in VOTERS:
        ok(world.client(who).put(world.url(f"/polls/{poll['id']}/ballot"), {"ranking": [[cuisine], [jardin]]}))
    ok(lead.post(world.url(f"/polls/{poll['id']}/close")))
    proposal = ok(
        partner.post(
            world.url("/decisions"),
            {
                "kind": "priority_order",
                "poll_id": poll["id"],
                "title": "Adopter l'ordre",
                "text": "Cuisine d'abord.",
                "rule": "majorite_simple",
                "quorum_percent": 50,
                "closes_at": deadline(),
            },
        ),
        201,
    )
    before = snapshot(world.app)
    assert_error(lead.post(world.url("/freeze"), {"closes_at": deadline()}), 409, "order_decision_open")
    assert snapshot(world.app) == before

    decide(world, proposal["id"], ALL_POUR)
    assert [a["id"] for a in ok(lead.get(world.url()))["actions"]] == [cuisine, jardin]
    frozen = freeze(world)
    assert frozen["order_adopted"] is True
    assert frozen["unmet"] == ["answers", "final_approval"]

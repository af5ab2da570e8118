"""The priority vote (ordre de priorité) over HTTP, on SQLite and PostgreSQL.

Opening (closing dates, two actions, one open vote, collèges), ballots (full,
partial, ties, changed, invalid), secret and named ballots, collège weights,
closing early and at the deadline with a controlled clock, adoption (the
actions' order and the ``priority_order`` register entry), and the result's
matrices, paths, explanation and tie rule.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from server.extensions import db
from server.models import Role
from server.services import deadlines
from server.services.schulze import TIE_RULE_EN, TIE_RULE_FR
from tests.support import DossierWorld, join, snapshot

from .conftest import assert_error
from .governance_support import (
    HEX64,
    ControlledClock,
    action_order,
    ballot,
    content_hash,
    frozen_clock,  # noqa: F401 - a fixture
    ok,
    open_poll,
    propose,
    register_entries,
    register_verifies,
    soon,
)

# --- helpers -----------------------------------------------------------------------


def poll_of(world: DossierWorld, poll_id: int, who: str = "observer") -> dict[str, Any]:
    return ok(world.client(who).get(world.url(f"/polls/{poll_id}")))


def close_poll(world: DossierWorld, who: str, poll_id: int) -> dict[str, Any]:
    return ok(world.client(who).post(world.url(f"/polls/{poll_id}/close")))


def add_action(world: DossierWorld, title: str) -> int:
    return int(ok(world.client("lead").post(world.url("/actions"), {"title": title}), 201)["id"])


def make_college(world: DossierWorld, name: str, weight: int, *members: str) -> int:
    lead = world.client("lead")
    college = int(ok(lead.post(world.url("/colleges"), {"name": name, "weight": weight}), 201)["id"])
    for who in members:
        ok(lead.put(world.url(f"/members/{world.member_ids[who]}/college"), {"college_id": college}))
    return college


def voted(poll: dict[str, Any]) -> dict[str, bool]:
    return {v["name"]: v["voted"] for v in poll["voters"]}


@pytest.fixture
def three(world: DossierWorld) -> DossierWorld:
    """The world with a third action, "Atelier": action_ids are Jardin, Cuisine, Atelier."""
    world.action_ids = [*world.action_ids, add_action(world, "Atelier")]
    return world


# --- opening -----------------------------------------------------------------------


def test_a_partner_opens_a_poll_over_every_action_and_members_see_it(world: DossierWorld) -> None:
    jardin, cuisine = world.action_ids
    opened = open_poll(world, "partner", secret=True, adopt_on_close=False)
    assert opened["state"] == "open" and opened["secret"] is True and opened["adopt_on_close"] is False
    assert opened["opened_by"] == {"user_id": world.user_ids["partner"], "name": "Paul Partenaire"}
    assert opened["candidates"] == [
        {"action_id": jardin, "title": "Jardin"},
        {"action_id": cuisine, "title": "Cuisine"},
    ]
    # the electorate: every member whose role may vote, nobody has voted yet; the observer is not in it
    assert [(v["name"], v["role"], v["college"], v["voted"]) for v in opened["voters"]] == [
        ("Léa Porteur", "lead", None, False),
        ("Paul Partenaire", "partner", None, False),
        ("Béa", "beneficiary", None, False),
    ]
    assert opened["closed_at"] is None and opened["result"] is None and opened["my_ballot"] is None
    assert opened["may_vote"] is True and opened["may_close"] is True

    seen = poll_of(world, opened["id"], "observer")
    assert seen["may_vote"] is False and seen["may_close"] is False
    assert poll_of(world, opened["id"], "beneficiary")["may_vote"] is True
    assert poll_of(world, opened["id"], "beneficiary")["may_close"] is False
    assert poll_of(world, opened["id"], "lead")["may_close"] is True  # a lead may close anyone's poll
    listed = ok(world.client("beneficiary").get(world.url("/polls")))["polls"]
    assert [p["id"] for p in listed] == [opened["id"]]


@pytest.mark.parametrize(
    ("closes_at", "code", "field"),
    [
        pytest.param(lambda c: c.later(-timedelta(minutes=1)), "deadline_in_past", None, id="past"),
        pytest.param(lambda c: c.later(timedelta(0)), "deadline_in_past", None, id="now"),
        pytest.param(lambda c: c.later(timedelta(days=90, seconds=1)), "deadline_too_far", None, id="over-90-days"),
        pytest.param(
            lambda c: (c.now + timedelta(days=3)).replace(tzinfo=None).isoformat(),
            "validation_error",
            "closes_at",
            id="no-time-zone",
        ),
        pytest.param(lambda c: "dans trois jours", "validation_error", "closes_at", id="not-a-date"),
        pytest.param(lambda c: None, "validation_error", "closes_at", id="missing"),
    ],
)
def test_a_bad_closing_date_is_a_clear_422_and_opens_nothing(
    world: DossierWorld, app: Flask, frozen_clock: ControlledClock, closes_at: Any, code: str, field: str | None
) -> None:
    body: dict[str, Any] = {"secret": False}
    if (value := closes_at(frozen_clock)) is not None:
        body["closes_at"] = value
    before = snapshot(app)
    error = assert_error(world.client("lead").post(world.url("/polls"), body), 422, code, field)
    if field is None:
        assert "closing date" in error["message"]
    assert snapshot(app) == before


def test_ninety_days_ahead_is_still_accepted(world: DossierWorld, frozen_clock: ControlledClock) -> None:
    opened = open_poll(world, closes_at=frozen_clock.later(timedelta(days=90)))
    assert opened["closes_at"].startswith((frozen_clock.now + timedelta(days=90)).strftime("%Y-%m-%dT%H:%M:%S"))


def test_a_poll_needs_two_actions(world: DossierWorld, app: Flask) -> None:
    assert world.client("lead").delete(world.url(f"/actions/{world.action_ids[1]}")).status_code == 204
    before = snapshot(app)
    assert_error(world.client("lead").post(world.url("/polls"), {"closes_at": soon()}), 409, "poll_needs_two_actions")
    assert snapshot(app) == before


def test_one_open_poll_at_a_time(world: DossierWorld, app: Flask) -> None:
    first = open_poll(world, "partner")
    before = snapshot(app)
    assert_error(world.client("lead").post(world.url("/polls"), {"closes_at": soon()}), 409, "poll_already_open")
    assert snapshot(app) == before
    close_poll(world, "partner", first["id"])
    second = open_poll(world, "lead")
    listed = ok(world.client("lead").get(world.url("/polls")))["polls"]
    assert [(p["id"], p["state"]) for p in listed] == [(second["id"], "open"), (first["id"], "closed")]


def test_with_colleges_every_voter_must_be_in_one(world: DossierWorld, app: Flask) -> None:
    make_college(world, "Porteur", 2, "lead")
    before = snapshot(app)
    error = assert_error(
        world.client("lead").post(world.url("/polls"), {"closes_at": soon()}), 409, "voters_without_college"
    )
    named = sorted(detail["message"] for detail in error["details"])
    assert named == ["Béa", "Paul Partenaire"]  # the observer does not vote, the lead is in a collège
    assert "Béa" in error["message"] and "Paul Partenaire" in error["message"] and "Odile" not in error["message"]
    assert snapshot(app) == before

    make_college(world, "Partenaires", 1, "partner")
    make_college(world, "Bénéficiaires", 3, "beneficiary")
    opened = open_poll(world)
    assert {v["name"]: v["college"] for v in opened["voters"]} == {
        "Léa Porteur": "Porteur",
        "Paul Partenaire": "Partenaires",
        "Béa": "Bénéficiaires",
    }


# --- ballots -----------------------------------------------------------------------


def test_full_partial_and_tied_ballots_are_counted_as_ranked(three: DossierWorld) -> None:
    world = three
    jardin, cuisine, atelier = world.action_ids
    poll = open_poll(world, adopt_on_close=False)["id"]
    mine = ballot(world, "lead", poll, [[atelier], [jardin], [cuisine]])  # full
    assert mine["my_ballot"] == [[atelier], [jardin], [cuisine]]
    assert voted(mine) == {"Léa Porteur": True, "Paul Partenaire": False, "Béa": False}
    ballot(world, "partner", poll, [[cuisine]])  # partial: Jardin and Atelier tie last
    ballot(world, "beneficiary", poll, [[jardin, atelier], [cuisine]])  # a tie inside a group

    result = close_poll(world, "lead", poll)["result"]
    # rows and columns in the dossier's order: Jardin, Cuisine, Atelier
    assert result["pairwise"] == [
        [None, "2", "0"],  # Jardin over Cuisine: lead + beneficiary; over Atelier: nobody
        ["1", None, "1"],  # Cuisine over both: the partner only
        ["1", "2", None],  # Atelier over Jardin: the lead; over Cuisine: lead + beneficiary
    ]
    assert result["strongest"] == [[None, "2", "0"], ["0", None, "0"], ["1", "2", None]]
    assert result["order"] == [atelier, jardin, cuisine]
    assert result["ballot_count"] == 3 and result["total_weight"] == "3" and result["ties_broken"] == []
    assert result["paths"] == [
        {"source": atelier, "target": jardin, "path": [atelier, jardin], "strength": "1"},
        {"source": atelier, "target": cuisine, "path": [atelier, cuisine], "strength": "2"},
        {"source": jardin, "target": cuisine, "path": [jardin, cuisine], "strength": "2"},
    ]
    assert result["names"] == {str(jardin): "Jardin", str(cuisine): "Cuisine", str(atelier): "Atelier"}
    assert result["explanation"]["fr"][0] == "Ordre obtenu : 1. Atelier, 2. Jardin, 3. Cuisine."
    assert (
        result["explanation"]["fr"][1].startswith("3 bulletin") and "3 voix au total" in result["explanation"]["fr"][1]
    )
    assert any(line.startswith('"Atelier" passe avant "Jardin"') for line in result["explanation"]["fr"])
    assert result["explanation"]["en"][0] == "Resulting order: 1. Atelier, 2. Jardin, 3. Cuisine."
    assert result["tie_rule"] == {"fr": TIE_RULE_FR, "en": TIE_RULE_EN}
    assert TIE_RULE_FR not in result["explanation"]["fr"]  # no tie to break here


def test_a_changed_ballot_replaces_the_old_one(world: DossierWorld, app: Flask) -> None:
    jardin, cuisine = world.action_ids
    poll = open_poll(world)["id"]
    ballot(world, "beneficiary", poll, [[jardin], [cuisine]])
    ballot(world, "lead", poll, [[jardin], [cuisine]])
    changed = ballot(world, "beneficiary", poll, [[cuisine], [jardin]])
    assert changed["my_ballot"] == [[cuisine], [jardin]]
    with app.app_context():
        rows = db.session.execute(db.text("SELECT user_id, ranking FROM poll_ballots ORDER BY id")).all()
    assert len(rows) == 2  # replaced, not added
    named = {b["voter"]["name"]: b["ranking"] for b in poll_of(world, poll)["ballots"]}
    assert named == {"Béa": [[cuisine], [jardin]], "Léa Porteur": [[jardin], [cuisine]]}
    result = close_poll(world, "lead", poll)["result"]
    assert result["ballot_count"] == 2 and result["pairwise"] == [[None, "1"], ["1", None]]


@pytest.mark.parametrize(
    ("ranking", "code", "field"),
    [
        pytest.param(lambda a, b: [[a], [999_999]], "invalid_ranking", None, id="unknown-action"),
        pytest.param(lambda a, b: [[a], [a]], "invalid_ranking", None, id="twice-in-two-groups"),
        pytest.param(lambda a, b: [[a, a]], "invalid_ranking", None, id="twice-in-one-group"),
        pytest.param(lambda a, b: [[a], []], "invalid_ranking", None, id="empty-group"),
        pytest.param(lambda a, b: [[]], "invalid_ranking", None, id="only-an-empty-group"),
        pytest.param(lambda a, b: [], "validation_error", "ranking", id="empty-ranking"),
        pytest.param(lambda a, b: [a, b], "validation_error", "ranking.0", id="not-groups"),
        pytest.param(lambda a, b: [[0]], "validation_error", "ranking.0.0", id="zero-id"),
        pytest.param(lambda a, b: [[str(a)], [b]], "validation_error", "ranking.0.0", id="id-as-text"),
        pytest.param(lambda a, b: None, "validation_error", "ranking", id="missing"),
    ],
)
def test_an_invalid_ranking_is_refused_and_the_previous_ballot_stays(
    world: DossierWorld, app: Flask, ranking: Any, code: str, field: str | None
) -> None:
    jardin, cuisine = world.action_ids
    poll = open_poll(world)["id"]
    ballot(world, "partner", poll, [[cuisine], [jardin]])
    body = {"ranking": ranking(jardin, cuisine)} if ranking(jardin, cuisine) is not None else {}
    before = snapshot(app)
    assert_error(world.client("partner").put(world.url(f"/polls/{poll}/ballot"), body), 422, code, field)
    assert snapshot(app) == before
    assert poll_of(world, poll, "partner")["my_ballot"] == [[cuisine], [jardin]]


def test_an_action_of_another_dossier_is_not_a_candidate(world: DossierWorld, app: Flask) -> None:
    lead = world.client("lead")
    other = ok(lead.post("/api/dossiers", {"title": "Projet B", "structure": "Asso B"}), 201)["id"]
    foreign = ok(lead.post(f"/api/dossiers/{other}/actions", {"title": "Ailleurs"}), 201)["id"]
    poll = open_poll(world)["id"]
    before = snapshot(app)
    assert_error(lead.put(world.url(f"/polls/{poll}/ballot"), {"ranking": [[foreign]]}), 422, "invalid_ranking")
    assert snapshot(app) == before


def test_only_the_electorate_fixed_at_opening_votes(world: DossierWorld, app: Flask) -> None:
    poll = open_poll(world)["id"]
    late = join(app, world.dossier_id, world.user_ids["lead"], Role.PARTNER, "Nina Tardive", "nina@tard.example")
    world.user_ids["late"] = late
    assert "Nina Tardive" not in voted(poll_of(world, poll))
    assert poll_of(world, poll, "late")["may_vote"] is False
    before = snapshot(app)
    reply = world.client("late").put(world.url(f"/polls/{poll}/ballot"), {"ranking": [world.action_ids]})
    assert_error(reply, 403, "not_in_electorate")
    observer = world.client("observer").put(world.url(f"/polls/{poll}/ballot"), {"ranking": [world.action_ids]})
    assert_error(observer, 403, "not_in_electorate")
    assert snapshot(app) == before


def test_a_voter_who_left_after_voting_is_still_shown_and_counted(world: DossierWorld) -> None:
    jardin, cuisine = world.action_ids
    poll = open_poll(world)["id"]
    ballot(world, "partner", poll, [[cuisine], [jardin]])
    ballot(world, "beneficiary", poll, [[cuisine], [jardin]])
    assert world.client("lead").delete(world.url(f"/members/{world.member_ids['partner']}")).status_code == 204
    assert voted(poll_of(world, poll)) == {"Léa Porteur": False, "Paul Partenaire": True, "Béa": True}
    closed = close_poll(world, "lead", poll)
    assert closed["result"]["ballot_count"] == 2 and closed["result"]["order"] == [cuisine, jardin]
    assert [b["voter"]["name"] for b in closed["ballots"]] == ["Paul Partenaire", "Béa"]


def test_a_poll_of_another_dossier_does_not_exist_here(world: DossierWorld, app: Flask) -> None:
    lead = world.client("lead")
    other = ok(lead.post("/api/dossiers", {"title": "Projet B", "structure": "Asso B"}), 201)["id"]
    for title in ("Un", "Deux"):
        ok(lead.post(f"/api/dossiers/{other}/actions", {"title": title}), 201)
    foreign = ok(lead.post(f"/api/dossiers/{other}/polls", {"closes_at": soon()}), 201)["id"]
    before = snapshot(app)
    assert_error(lead.get(world.url(f"/polls/{foreign}")), 404, "not_found")
    assert_error(lead.put(world.url(f"/polls/{foreign}/ballot"), {"ranking": [world.action_ids]}), 404, "not_found")
    assert_error(lead.post(world.url(f"/polls/{foreign}/close")), 404, "not_found")
    assert_error(lead.get(world.url("/polls/999999")), 404, "not_found")
    assert snapshot(app) == before


# --- secret and named ballots --------------------------------------------------------


def test_named_ballots_list_each_voters_ranking(world: DossierWorld) -> None:
    jardin, cuisine = world.action_ids
    poll = open_poll(world, secret=False)["id"]
    ballot(world, "lead", poll, [[jardin], [cuisine]])
    ballot(world, "beneficiary", poll, [[cuisine], [jardin]])
    for viewer in ("lead", "partner", "beneficiary", "observer"):
        seen = poll_of(world, poll, viewer)
        assert [(b["voter"], b["ranking"]) for b in seen["ballots"]] == [
            ({"user_id": world.user_ids["lead"], "name": "Léa Porteur"}, [[jardin], [cuisine]]),
            ({"user_id": world.user_ids["beneficiary"], "name": "Béa"}, [[cuisine], [jardin]]),
        ]
        assert voted(seen) == {"Léa Porteur": True, "Paul Partenaire": False, "Béa": True}


def test_secret_ballots_show_who_voted_but_never_anyone_elses_ranking(world: DossierWorld) -> None:
    jardin, cuisine = world.action_ids
    poll = open_poll(world, secret=True)["id"]
    own = {"lead": [[jardin], [cuisine]], "beneficiary": [[cuisine], [jardin]]}
    replies = [ballot(world, who, poll, ranking) for who, ranking in own.items()]

    def check(seen: dict[str, Any], viewer: str, everyone: bool = True) -> None:
        assert seen["secret"] is True and seen["ballots"] is None
        assert seen["my_ballot"] == own.get(viewer)
        assert voted(seen) == {"Léa Porteur": True, "Paul Partenaire": False, "Béa": everyone}
        assert all(set(v) == {"user_id", "name", "role", "college", "voted", "left"} for v in seen["voters"])

    check(replies[0], "lead", everyone=False)
    check(replies[1], "beneficiary")
    for viewer in ("lead", "partner", "beneficiary", "observer"):
        check(poll_of(world, poll, viewer), viewer)
        for listed in ok(world.client(viewer).get(world.url("/polls")))["polls"]:
            check(listed, viewer)
    closed = close_poll(world, "lead", poll)
    check(closed, "lead")
    # the counted result shows the matrix, not the ballots
    assert set(closed["result"]) == {
        "order",
        "names",
        "pairwise",
        "strongest",
        "paths",
        "ties_broken",
        "ballot_count",
        "total_weight",
        "explanation",
        "tie_rule",
    }
    assert register_entries(world, "priority_order")[0]["content"]["secret"] is True


# --- weights -------------------------------------------------------------------------


def test_college_weights_change_the_winner(world: DossierWorld) -> None:
    jardin, cuisine = world.action_ids
    rankings = {"lead": [[jardin], [cuisine]], "partner": [[jardin], [cuisine]], "beneficiary": [[cuisine], [jardin]]}

    unweighted = open_poll(world, adopt_on_close=False)["id"]
    for who, ranking in rankings.items():
        ballot(world, who, unweighted, ranking)
    plain = close_poll(world, "lead", unweighted)["result"]
    assert plain["order"] == [jardin, cuisine]  # two voices against one
    assert plain["pairwise"] == [[None, "2"], ["1", None]] and plain["total_weight"] == "3"

    # the porteur and its partner share a collège of weight 1 (½ each), the beneficiaries weigh 2
    make_college(world, "Porteur et partenaires", 1, "lead", "partner")
    make_college(world, "Bénéficiaires", 2, "beneficiary")
    weighted = open_poll(world, adopt_on_close=False)["id"]
    for who, ranking in rankings.items():
        ballot(world, who, weighted, ranking)
    counted = close_poll(world, "lead", weighted)["result"]
    assert counted["order"] == [cuisine, jardin]
    assert counted["pairwise"] == [[None, "1"], ["2", None]] and counted["total_weight"] == "3"
    assert (
        counted["explanation"]["fr"][2]
        == '"Cuisine" passe avant "Jardin" : 2 voix préfèrent Cuisine à Jardin, 1 préfère l\'inverse.'
    )

    # one member of a two-member collège weighs half of it
    halves = open_poll(world, adopt_on_close=False)["id"]
    ballot(world, "partner", halves, [[jardin], [cuisine]])
    alone = close_poll(world, "lead", halves)["result"]
    assert alone["pairwise"] == [[None, "1/2"], ["0", None]] and alone["total_weight"] == "1/2"


# --- closing -------------------------------------------------------------------------


def test_the_opener_or_a_lead_closes_early_nobody_else(world: DossierWorld, app: Flask) -> None:
    jardin, cuisine = world.action_ids
    by_lead = open_poll(world, "lead", adopt_on_close=False)["id"]
    ballot(world, "beneficiary", by_lead, [[cuisine], [jardin]])
    before = snapshot(app)
    assert_error(world.client("partner").post(world.url(f"/polls/{by_lead}/close")), 403, "not_opener")
    assert_error(world.client("beneficiary").post(world.url(f"/polls/{by_lead}/close")), 403, "not_opener")
    assert_error(world.client("observer").post(world.url(f"/polls/{by_lead}/close")), 403, "not_opener")
    assert snapshot(app) == before
    closed = close_poll(world, "lead", by_lead)
    assert closed["state"] == "closed" and closed["closed_at"] is not None and closed["may_close"] is False
    assert closed["result"]["order"] == [cuisine, jardin]

    before = snapshot(app)
    assert_error(world.client("lead").post(world.url(f"/polls/{by_lead}/close")), 409, "poll_closed")
    late = world.client("lead").put(world.url(f"/polls/{by_lead}/ballot"), {"ranking": [[jardin]]})
    assert_error(late, 409, "poll_closed")
    assert snapshot(app) == before

    by_partner = open_poll(world, "partner")["id"]
    assert close_poll(world, "partner", by_partner)["state"] == "closed"  # the opener
    by_partner = open_poll(world, "partner")["id"]
    assert close_poll(world, "lead", by_partner)["state"] == "closed"  # a lead closes anyone's


def test_the_poll_closes_at_its_deadline_and_the_order_is_adopted(
    world: DossierWorld, frozen_clock: ControlledClock
) -> None:
    jardin, cuisine = world.action_ids
    opened = open_poll(world, "partner", closes_at=frozen_clock.later(timedelta(days=2)))
    poll = opened["id"]
    for who in ("lead", "partner"):
        ballot(world, who, poll, [[cuisine], [jardin]])
    ballot(world, "beneficiary", poll, [[jardin], [cuisine]])

    frozen_clock.at(frozen_clock.now + timedelta(days=2) - timedelta(seconds=1))
    assert poll_of(world, poll)["state"] == "open"
    assert action_order(world) == [jardin, cuisine]

    frozen_clock.advance(timedelta(hours=5))  # nobody was connected at the deadline
    seen = poll_of(world, poll, "observer")
    assert seen["state"] == "closed"
    assert seen["closed_at"] == seen["closes_at"] == opened["closes_at"]
    assert seen["result"]["order"] == [cuisine, jardin] and seen["result"]["ballot_count"] == 3
    assert seen["adopted_at"] is not None
    assert action_order(world) == [cuisine, jardin]

    [entry] = register_entries(world, "priority_order")
    assert seen["adopted_register_sequence"] == entry["sequence"]
    recorded = entry["content"]
    assert recorded["poll_id"] == poll and recorded["adopted_by"] == "poll" and recorded["decision_id"] is None
    assert recorded["order"] == [
        {"rank": 1, "action_id": cuisine, "title": "Cuisine"},
        {"rank": 2, "action_id": jardin, "title": "Jardin"},
    ]
    assert recorded["ballots"] == 3 and recorded["total_weight"] == "3" and recorded["secret"] is False
    assert recorded["pairwise"] == [[None, "1"], ["2", None]]
    assert HEX64.match(recorded["content_hash"]) and recorded["content_hash"] == content_hash(world)
    assert recorded["closed_at"].rstrip("Z") == opened["closes_at"].rstrip("Z")
    lifecycle = ok(world.client("lead").get(world.url("/lifecycle")))
    assert lifecycle["order_adopted"] is True and "priority_order" not in lifecycle["unmet"]

    late = world.client("beneficiary").put(world.url(f"/polls/{poll}/ballot"), {"ranking": [[jardin]]})
    assert_error(late, 409, "poll_closed")
    register_verifies(world)


def test_a_ballot_sent_after_the_deadline_is_refused_and_not_counted(
    world: DossierWorld, frozen_clock: ControlledClock
) -> None:
    jardin, cuisine = world.action_ids
    poll = open_poll(world, closes_at=frozen_clock.later(timedelta(hours=1)))["id"]
    ballot(world, "lead", poll, [[jardin], [cuisine]])
    frozen_clock.advance(timedelta(hours=1))  # exactly the deadline: closed
    reply = world.client("partner").put(world.url(f"/polls/{poll}/ballot"), {"ranking": [[cuisine], [jardin]]})
    assert_error(reply, 409, "poll_closed")
    seen = poll_of(world, poll)
    assert seen["result"]["ballot_count"] == 1 and seen["result"]["order"] == [jardin, cuisine]
    assert voted(seen) == {"Léa Porteur": True, "Paul Partenaire": False, "Béa": False}


def test_without_adopt_on_close_the_order_stays_and_nothing_is_registered(world: DossierWorld) -> None:
    jardin, cuisine = world.action_ids
    poll = open_poll(world, adopt_on_close=False)["id"]
    for who in ("lead", "partner", "beneficiary"):
        ballot(world, who, poll, [[cuisine], [jardin]])
    closed = close_poll(world, "lead", poll)
    assert closed["result"]["order"] == [cuisine, jardin]
    assert closed["adopted_at"] is None and closed["adopted_register_sequence"] is None
    assert action_order(world) == [jardin, cuisine]
    assert register_entries(world, "priority_order") == []
    # the result can still be adopted by a decision: lead and partner may propose it
    assert poll_of(world, poll, "partner")["may_propose_adoption"] is True
    assert poll_of(world, poll, "lead")["may_propose_adoption"] is True
    assert poll_of(world, poll, "beneficiary")["may_propose_adoption"] is False
    assert poll_of(world, poll, "observer")["may_propose_adoption"] is False


def test_a_poll_nobody_voted_in_is_counted_but_not_adopted(world: DossierWorld) -> None:
    poll = open_poll(world, adopt_on_close=True)["id"]
    closed = close_poll(world, "lead", poll)
    assert closed["result"]["ballot_count"] == 0 and closed["result"]["total_weight"] == "0"
    assert closed["result"]["order"] == world.action_ids  # nothing to change the current order
    assert closed["adopted_at"] is None
    assert action_order(world) == world.action_ids
    assert register_entries(world, "priority_order") == []


def test_actions_cannot_be_added_or_deleted_while_a_poll_is_open(world: DossierWorld, app: Flask) -> None:
    poll = open_poll(world)["id"]
    lead = world.client("lead")
    before = snapshot(app)
    assert_error(lead.post(world.url("/actions"), {"title": "Atelier"}), 409, "poll_open")
    assert_error(lead.delete(world.url(f"/actions/{world.action_ids[0]}")), 409, "poll_open")
    reorder = lead.put(world.url("/actions/order"), {"action_ids": list(reversed(world.action_ids))})
    assert_error(reorder, 409, "poll_open")
    assert snapshot(app) == before
    assert ok(lead.patch(world.url(f"/actions/{world.action_ids[0]}"), {"title": "Potager"}))["title"] == "Potager"
    assert [c["title"] for c in poll_of(world, poll)["candidates"]] == ["Potager", "Cuisine"]
    close_poll(world, "lead", poll)
    assert lead.post(world.url("/actions"), {"title": "Atelier"}).status_code == 201
    assert lead.delete(world.url(f"/actions/{world.action_ids[0]}")).status_code == 204


def test_a_perfect_cycle_is_broken_by_the_current_order_as_written(three: DossierWorld) -> None:
    world = three
    jardin, cuisine, atelier = world.action_ids
    current = [cuisine, atelier, jardin]  # not the order of creation
    ok(world.client("lead").put(world.url("/actions/order"), {"action_ids": current}))
    poll = open_poll(world)["id"]
    assert [c["action_id"] for c in poll_of(world, poll)["candidates"]] == current
    ballot(world, "lead", poll, [[jardin], [cuisine], [atelier]])
    ballot(world, "partner", poll, [[cuisine], [atelier], [jardin]])
    ballot(world, "beneficiary", poll, [[atelier], [jardin], [cuisine]])
    result = close_poll(world, "lead", poll)["result"]
    # every pair 2 against 1 in a cycle: every strongest path is worth 2 both ways
    assert result["pairwise"] == [[None, "2", "1"], ["1", None, "2"], ["2", "1", None]]
    assert result["strongest"] == [[None, "2", "2"], ["2", None, "2"], ["2", "2", None]]
    assert result["order"] == current
    assert result["ties_broken"] == [current]
    assert result["explanation"]["fr"][-1] == TIE_RULE_FR and result["explanation"]["en"][-1] == TIE_RULE_EN
    assert result["tie_rule"]["fr"] == TIE_RULE_FR
    assert action_order(world) == current  # adopted: the same order, and an entry saying so
    assert [e["content"]["ties_broken"] for e in register_entries(world, "priority_order")] == [[current]]


def test_a_stronger_chain_overturns_a_direct_majority(three: DossierWorld, app: Flask) -> None:
    """Seven voters, three actions: Jardin comes before Atelier only through Cuisine."""
    world = three
    jardin, cuisine, atelier = world.action_ids
    for n, role in enumerate((Role.PARTNER, Role.BENEFICIARY, Role.BENEFICIARY, Role.PARTNER)):
        world.user_ids[f"voix{n}"] = join(
            app, world.dossier_id, world.user_ids["lead"], role, f"Voix {n}", f"voix{n}@jardin.example"
        )
    poll = open_poll(world)["id"]
    jca, caj, ajc = [[jardin], [cuisine], [atelier]], [[cuisine], [atelier], [jardin]], [[atelier], [jardin], [cuisine]]
    rankings = {"lead": jca, "partner": jca, "beneficiary": jca, "voix0": caj, "voix1": caj, "voix2": ajc, "voix3": ajc}
    for who, ranking in rankings.items():
        ballot(world, who, poll, ranking)
    result = close_poll(world, "lead", poll)["result"]
    # J>C 5:2, C>A 5:2, but A>J 4:3: a cycle whose weakest link is A>J
    assert result["pairwise"] == [[None, "5", "3"], ["2", None, "5"], ["4", "2", None]]
    assert result["strongest"] == [[None, "5", "5"], ["4", None, "5"], ["4", "4", None]]
    assert result["order"] == [jardin, cuisine, atelier] and result["ties_broken"] == []
    assert result["paths"] == [
        {"source": jardin, "target": cuisine, "path": [jardin, cuisine], "strength": "5"},
        {"source": jardin, "target": atelier, "path": [jardin, cuisine, atelier], "strength": "5"},
        {"source": cuisine, "target": atelier, "path": [cuisine, atelier], "strength": "5"},
    ]
    assert (
        '"Jardin" passe avant "Atelier", bien que 4 voix préfèrent Atelier à Jardin contre 3 : une chaîne de '
        "préférences plus forte relie Jardin à Atelier (Jardin → Cuisine : 5 contre 2 ; Cuisine → Atelier : "
        "5 contre 2). Son maillon le plus faible vaut 5 voix, alors que dans l'autre sens la chaîne la plus "
        "forte ne vaut que 4 voix."
    ) in result["explanation"]["fr"]
    assert TIE_RULE_FR not in result["explanation"]["fr"]


# --- the sweeper ----------------------------------------------------------------------


def test_close_due_closes_due_votes_of_every_dossier(
    world: DossierWorld, app: Flask, frozen_clock: ControlledClock
) -> None:
    jardin, cuisine = world.action_ids
    lead = world.client("lead")
    other = ok(lead.post("/api/dossiers", {"title": "Projet B", "structure": "Asso B"}), 201)["id"]
    poll = open_poll(world, closes_at=frozen_clock.later(timedelta(days=1)))["id"]
    ballot(world, "lead", poll, [[cuisine], [jardin]])
    later_decision = propose(world, closes_at=frozen_clock.later(timedelta(days=5)))["id"]
    due = ok(
        lead.post(
            f"/api/dossiers/{other}/decisions",
            {
                "title": "Statuts",
                "text": "Adopter les statuts.",
                "rule": "unanimite",
                "quorum_percent": 100,
                "closes_at": frozen_clock.later(timedelta(days=2)),
            },
        ),
        201,
    )["id"]
    ok(lead.put(f"/api/dossiers/{other}/decisions/{due}/vote", {"choice": "pour"}))

    frozen_clock.advance(timedelta(days=3))
    with app.app_context():
        assert deadlines.close_due() == {world.dossier_id, other}
        assert deadlines.close_due() == set()  # idempotent
        db.session.remove()
    with app.app_context():
        rows = dict(db.session.execute(db.text("SELECT id, state FROM decisions")).all())
        polls = db.session.execute(db.text("SELECT closed_at IS NOT NULL FROM priority_polls")).scalars().all()
        db.session.remove()
    assert rows == {later_decision: "open", due: "closed"}
    assert polls == [True]
    assert action_order(world) == [cuisine, jardin]
    statut = ok(lead.get(f"/api/dossiers/{other}/decisions/{due}"))
    assert statut["adopted"] is True and statut["closed_at"] == statut["closes_at"]
    assert [e["kind"] for e in ok(lead.get(f"/api/dossiers/{other}/register"))["entries"]] == ["decision"]
    assert [e["kind"] for e in register_entries(world)] == ["priority_order"]


# --- reads catch up with deadlines before any change ------------------------------------


def test_a_new_poll_can_open_once_the_previous_one_is_past_its_deadline(
    world: DossierWorld, frozen_clock: ControlledClock
) -> None:
    """Nobody read the dossier since the deadline passed: the old poll must not block a new one."""
    first = open_poll(world, closes_at=frozen_clock.later(timedelta(days=1)))["id"]
    frozen_clock.advance(timedelta(days=2))
    reply = world.client("lead").post(world.url("/polls"), {"closes_at": frozen_clock.later()})
    assert reply.status_code == 201, reply.get_json()
    assert poll_of(world, first)["closed_at"] == poll_of(world, first)["closes_at"]


def test_an_action_can_be_added_once_the_poll_is_past_its_deadline(
    world: DossierWorld, frozen_clock: ControlledClock
) -> None:
    poll = open_poll(world, closes_at=frozen_clock.later(timedelta(days=1)))["id"]
    frozen_clock.advance(timedelta(days=2))
    reply = world.client("lead").post(world.url("/actions"), {"title": "Atelier"})
    assert reply.status_code == 201, reply.get_json()
    assert poll_of(world, poll)["state"] == "closed"


def test_closing_early_after_the_deadline_keeps_the_deadline_as_closing_time(
    world: DossierWorld, frozen_clock: ControlledClock
) -> None:
    poll = open_poll(world, closes_at=frozen_clock.later(timedelta(days=1)))["id"]
    frozen_clock.advance(timedelta(days=2))
    reply = world.client("lead").post(world.url(f"/polls/{poll}/close"))
    # already closed at the deadline: either refused as closed, or the deadline is the closing time
    if reply.status_code == 200:
        assert reply.get_json()["closed_at"] == reply.get_json()["closes_at"]
    else:
        assert_error(reply, 409, "poll_closed")

"""The electorate is fixed when a vote opens: demoted voters keep their vote, leavers lose theirs visibly.

The rule (docs/api.md, "Governance"): whoever could vote when a decision or a
priority vote opened keeps their vote, their objection and (as proposer) the
amendments and the statement, whatever their role becomes, as long as they are
in the dossier. Someone removed from the dossier while it is open is listed as
having left: a vote already cast still counts; one not cast is no longer
awaited (not eligible, not in the quorum, not waited for by an early close),
and coming back does not give it back. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from server.extensions import db
from server.models import Role, User
from server.services import invitations
from tests.support import DossierWorld

from .conftest import assert_error
from .governance_support import (
    ballot,
    close_decision,
    ok,
    open_poll,
    propose,
    register_entries,
    vote,
)


def decision_of(world: DossierWorld, decision_id: int, who: str = "observer") -> dict[str, Any]:
    return ok(world.client(who).get(world.url(f"/decisions/{decision_id}")))


def voter(reply: dict[str, Any], who: str, world: DossierWorld) -> dict[str, Any]:
    return next(v for v in reply["voters"] if v["user_id"] == world.user_ids[who])


def demote(world: DossierWorld, who: str) -> None:
    ok(world.client("lead").patch(world.url(f"/members/{world.member_ids[who]}"), {"role": Role.OBSERVER.value}))


def remove(world: DossierWorld, who: str) -> None:
    assert world.client("lead").delete(world.url(f"/members/{world.member_ids[who]}")).status_code == 204


def decision_entry(world: DossierWorld, decision_id: int) -> dict[str, Any]:
    [entry] = [e for e in register_entries(world, "decision") if e["content"]["decision_id"] == decision_id]
    return dict(entry["content"])


def test_a_voter_demoted_after_opening_still_objects_and_blocks(world: DossierWorld) -> None:
    decision = propose(world, "lead", rule="consentement")["id"]
    demote(world, "partner")
    seen = decision_of(world, decision, "partner")
    assert seen["may_vote"] is True
    assert voter(seen, "partner", world) | {"voted": False} == {
        "user_id": world.user_ids["partner"],
        "name": "Paul Partenaire",
        "role": "partner",
        "college": None,
        "voted": False,
        "left": False,
        "choice": None,
        "reason": None,
        "maintained": None,
        "revision": None,
    }
    vote(world, "partner", decision, "objection", "Le budget des semences n'est pas chiffré.")
    objection = world.url(f"/decisions/{decision}/objection")
    ok(world.client("partner").put(objection, {"maintained": False}))
    ok(world.client("partner").put(objection, {"maintained": True}))
    closed = close_decision(world, "lead", decision)
    assert closed["adopted"] is False and closed["outcome"]["overall"]["objections_maintained"] == 1
    assert decision_entry(world, decision)["objections"][0]["voter"] == "Paul Partenaire"
    # An observer who was never in the electorate still cannot vote in the next one.
    later = propose(world, "lead")["id"]
    assert decision_of(world, later, "partner")["may_vote"] is False
    assert_error(
        world.client("partner").put(world.url(f"/decisions/{later}/vote"), {"choice": "pour"}), 403, "not_in_electorate"
    )


def test_a_proposer_demoted_after_opening_still_amends_closes_and_states(world: DossierWorld) -> None:
    decision = propose(world, "partner", rule="consentement", quorum_percent=0)["id"]
    vote(world, "beneficiary", decision, "objection", "Et l'arrosage ?")
    demote(world, "partner")
    amended = ok(
        world.client("partner").post(
            world.url(f"/decisions/{decision}/amend"), {"text": "500 euros aux semences et à l'arrosage.", "note": None}
        )
    )
    assert amended["revisions"][-1]["number"] == 2
    ok(world.client("beneficiary").put(world.url(f"/decisions/{decision}/objection"), {"maintained": False}))
    for who in ("lead", "partner"):
        vote(world, who, decision, "abstention")
    assert decision_of(world, decision, "partner")["may_close"] is True
    closed = ok(world.client("partner").post(world.url(f"/decisions/{decision}/close")))
    assert closed["adopted"] is True
    stated = ok(
        world.client("partner").post(
            world.url(f"/decisions/{decision}/statement"), {"statement": "Adoptée après intégration de l'objection."}
        )
    )
    assert stated["statement"] == "Adoptée après intégration de l'objection."


def test_a_removed_voter_who_had_not_voted_is_listed_as_left_and_not_awaited(world: DossierWorld) -> None:
    decision = propose(world, "lead", rule="majorite_simple", quorum_percent=100)["id"]
    vote(world, "lead", decision, "pour")
    vote(world, "partner", decision, "contre")
    remove(world, "beneficiary")
    seen = decision_of(world, decision, "lead")
    assert (voter(seen, "beneficiary", world)["left"], voter(seen, "beneficiary", world)["voted"]) == (True, False)
    assert (seen["voted_count"], seen["eligible_count"]) == (2, 2)
    assert seen["may_close"] is True
    ok(world.client("partner").put(world.url(f"/decisions/{decision}/vote"), {"choice": "pour"}))
    closed = ok(world.client("lead").post(world.url(f"/decisions/{decision}/close")))
    assert closed["adopted"] is True and closed["outcome"]["quorum_reached"] is True
    assert (closed["outcome"]["participants"], closed["outcome"]["eligible"]) == (2, 2)
    assert decision_entry(world, decision)["eligible"] == 2


def test_a_removed_objector_still_blocks_and_coming_back_does_not_give_the_vote_back(
    world: DossierWorld, app: Flask
) -> None:
    decision = propose(world, "lead", rule="consentement", quorum_percent=0)["id"]
    vote(world, "partner", decision, "objection", "Le terrain n'est pas encore loué.")
    remove(world, "partner")
    seen = decision_of(world, decision, "lead")
    assert (voter(seen, "partner", world)["left"], voter(seen, "partner", world)["choice"]) == (True, "objection")
    assert (seen["voted_count"], seen["eligible_count"]) == (1, 3)
    with app.app_context():  # invited back, as partner again
        lead = db.session.get(User, world.user_ids["lead"])
        partner = db.session.get(User, world.user_ids["partner"])
        link = invitations.create_invitation(world.dossier_id, lead, Role.PARTNER, 14, label="Paul")
        invitations.accept(invitations.token_for(link), partner)
    assert decision_of(world, decision, "partner")["may_vote"] is False
    for path, body in (("vote", {"choice": "abstention"}), ("objection", {"maintained": False})):
        assert_error(
            world.client("partner").put(world.url(f"/decisions/{decision}/{path}"), body), 403, "left_electorate"
        )
    closed = close_decision(world, "lead", decision)
    assert closed["adopted"] is False and closed["outcome"]["overall"]["objections_maintained"] == 1
    assert closed["outcome"]["eligible"] == 3


def test_a_priority_vote_keeps_its_demoted_voters_and_reweighs_without_silent_leavers(world: DossierWorld) -> None:
    lead = world.client("lead")
    _college(world, "Porteurs", "lead")
    _college(world, "Habitants", "partner", "beneficiary")
    poll = open_poll(world, adopt_on_close=False)["id"]
    demote(world, "partner")
    remove(world, "beneficiary")
    jardin, cuisine = world.action_ids
    seen = ok(world.client("partner").get(world.url(f"/polls/{poll}")))
    assert seen["may_vote"] is True
    assert voter(seen, "beneficiary", world)["left"] is True
    ballot(world, "partner", poll, [[cuisine], [jardin]])
    ballot(world, "lead", poll, [[jardin], [cuisine]])
    result = ok(lead.post(world.url(f"/polls/{poll}/close")))["result"]
    # The leaver cast nothing: the partner carries the whole Habitants collège (1, not 1/2), a tie broken by rule.
    assert result["ballot_count"] == 2 and result["total_weight"] == "2"


def _college(world: DossierWorld, name: str, *members: str) -> None:
    lead = world.client("lead")
    created = ok(lead.post(world.url("/colleges"), {"name": name, "weight": 1}), 201)["id"]
    for who in members:
        ok(lead.put(world.url(f"/members/{world.member_ids[who]}/college"), {"college_id": created}))

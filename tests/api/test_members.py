"""Members of a dossier over HTTP: who sees whom, roles, removal, re-entry links."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import ApiClient, DossierWorld, snapshot

from .conftest import assert_error, token_of

READERS = ("lead", "partner", "beneficiary", "observer")
EMAILS = {"lead": "lea@porteur.example", "partner": "paul@partenaire.example", "beneficiary": None, "observer": None}


def members_seen_by(world: DossierWorld, who: str) -> list[dict[str, Any]]:
    reply = world.client(who).get(world.url("/members"))
    assert reply.status_code == 200, reply.get_json()
    return list(reply.get_json()["members"])


# --- list ----------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", READERS)
def test_every_member_sees_all_members_and_only_the_lead_sees_emails(world: DossierWorld, viewer: str) -> None:
    members = members_seen_by(world, viewer)

    assert [(m["id"], m["user_id"], m["role"]) for m in members] == [
        (world.member_ids[who], world.user_ids[who], who) for who in READERS
    ]
    names = [m["display_name"] for m in members]
    assert names == ["Léa Porteur", "Paul Partenaire", "Béa", "Odile"]
    assert [m["has_account"] for m in members] == [True, True, False, False]
    assert [m["is_me"] for m in members] == [who == viewer for who in READERS]
    assert all(m["joined_at"] for m in members)
    expected_emails = [EMAILS[who] if viewer == "lead" else None for who in READERS]
    assert [m["email"] for m in members] == expected_emails


@pytest.mark.parametrize(
    ("who", "status", "code"), [("outsider", 404, "not_found"), ("anonymous", 401, "not_authenticated")]
)
def test_people_outside_the_dossier_do_not_see_its_members(
    world: DossierWorld, who: str, status: int, code: str
) -> None:
    assert_error(world.client(who).get(world.url("/members")), status, code)


# --- roles ------------------------------------------------------------------------------------


def test_the_lead_changes_a_members_role(world: DossierWorld) -> None:
    reply = world.client("lead").patch(world.url(f"/members/{world.member_ids['observer']}"), {"role": "beneficiary"})

    assert reply.status_code == 200, reply.get_json()
    member = reply.get_json()
    assert (member["id"], member["role"]) == (world.member_ids["observer"], "beneficiary")
    assert member["display_name"] == "Odile"
    odile = world.client("observer").get(world.url()).get_json()
    assert odile["my_role"] == "beneficiary"
    assert "edit" in odile["my_capabilities"]


def test_demoting_the_only_lead_is_refused(world: DossierWorld) -> None:
    before = snapshot(world.app)

    reply = world.client("lead").patch(world.url(f"/members/{world.member_ids['lead']}"), {"role": "partner"})

    assert_error(reply, 409, "last_lead")
    assert snapshot(world.app) == before


@pytest.mark.parametrize("role", ["lead", "partner"])
def test_a_member_without_an_account_cannot_become_lead_or_partner(world: DossierWorld, role: str) -> None:
    before = snapshot(world.app)

    reply = world.client("lead").patch(world.url(f"/members/{world.member_ids['beneficiary']}"), {"role": role})

    assert_error(reply, 409, "account_required")
    assert snapshot(world.app) == before


def test_the_lead_can_hand_over_to_a_partner_and_step_down(world: DossierWorld) -> None:
    lea = world.client("lead")
    promoted = lea.patch(world.url(f"/members/{world.member_ids['partner']}"), {"role": "lead"})
    assert promoted.status_code == 200, promoted.get_json()
    assert promoted.get_json()["role"] == "lead"

    paul = world.client("partner")
    demoted = paul.patch(world.url(f"/members/{world.member_ids['lead']}"), {"role": "partner"})

    assert demoted.status_code == 200, demoted.get_json()
    assert demoted.get_json()["role"] == "partner"
    roles = {m["id"]: m["role"] for m in members_seen_by(world, "partner")}
    assert roles[world.member_ids["partner"]] == "lead"
    assert roles[world.member_ids["lead"]] == "partner"
    odile_url = world.url(f"/members/{world.member_ids['observer']}")
    assert_error(lea.patch(odile_url, {"role": "partner"}), 403, "forbidden")
    paul_url = world.url(f"/members/{world.member_ids['partner']}")
    assert_error(paul.patch(paul_url, {"role": "partner"}), 409, "last_lead")


# --- removal ----------------------------------------------------------------------------------


def test_a_removed_member_loses_the_dossier(world: DossierWorld) -> None:
    reply = world.client("lead").delete(world.url(f"/members/{world.member_ids['observer']}"))

    assert reply.status_code == 204
    odile = world.client("observer")
    assert_error(odile.get(world.url()), 404, "not_found")
    assert odile.get("/api/dossiers").get_json()["dossiers"] == []
    remaining = [m["id"] for m in members_seen_by(world, "lead")]
    assert world.member_ids["observer"] not in remaining
    assert len(remaining) == 3


def test_removing_the_only_lead_is_refused(world: DossierWorld) -> None:
    before = snapshot(world.app)

    reply = world.client("lead").delete(world.url(f"/members/{world.member_ids['lead']}"))

    assert_error(reply, 409, "last_lead")
    assert snapshot(world.app) == before


# --- re-entry links ----------------------------------------------------------------------------


def reentry_link(world: DossierWorld, who: str, body: dict[str, Any] | None = None) -> Any:
    return world.client("lead").post(world.url(f"/members/{world.member_ids[who]}/reentry-link"), body or {})


def test_a_reentry_link_logs_an_account_less_member_back_in(world: DossierWorld) -> None:
    reply = reentry_link(world, "beneficiary")

    assert reply.status_code == 201, reply.get_json()
    link = reply.get_json()
    assert (link["kind"], link["status"], link["member_id"]) == ("reentry", "pending", world.member_ids["beneficiary"])
    assert link["label"] == "Béa"

    phone = ApiClient(world.app)
    preview = phone.get(f"/api/invitations/{token_of(link)}").get_json()
    assert (preview["kind"], preview["display_name"]) == ("reentry", "Béa")
    accepted = phone.post(f"/api/invitations/{token_of(link)}/accept", {})

    assert accepted.status_code == 200, accepted.get_json()
    body = accepted.get_json()
    assert body["dossier_id"] == world.dossier_id
    assert body["session"]["user"]["id"] == world.user_ids["beneficiary"]
    assert phone.get("/api/auth/session").get_json()["user"]["id"] == world.user_ids["beneficiary"]
    dossier = phone.get(world.url())
    assert dossier.status_code == 200
    assert dossier.get_json()["my_role"] == "beneficiary"
    assert len(members_seen_by(world, "lead")) == 4


@pytest.mark.parametrize("who", ["lead", "partner"])
def test_a_member_with_an_account_gets_no_reentry_link(world: DossierWorld, who: str) -> None:
    before = snapshot(world.app)

    assert_error(reentry_link(world, who), 409, "has_account")
    assert snapshot(world.app) == before


def test_removing_a_member_revokes_their_pending_reentry_links(world: DossierWorld) -> None:
    link = reentry_link(world, "beneficiary").get_json()
    token = token_of(link)

    assert world.client("lead").delete(world.url(f"/members/{world.member_ids['beneficiary']}")).status_code == 204

    phone = ApiClient(world.app)
    assert_error(phone.get(f"/api/invitations/{token}"), 410, "invitation_revoked")
    before = snapshot(world.app)
    assert_error(phone.post(f"/api/invitations/{token}/accept", {}), 410, "invitation_revoked")
    assert snapshot(world.app) == before
    assert phone.get("/api/auth/session").get_json()["user"] is None

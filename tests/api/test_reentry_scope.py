"""A re-entry link made by one dossier's lead opens that dossier only, never the person's other dossiers."""

from __future__ import annotations

from typing import Any

import pytest

from server.extensions import db
from server.models import Role, User
from server.services import dossiers, invitations
from tests.support import PASSWORD, ApiClient, DossierWorld, dossier_shared_with, snapshot

from .conftest import assert_error, token_of


def reenter(world: DossierWorld, who: str = "beneficiary", phone: ApiClient | None = None) -> ApiClient:
    """The lead of the world's dossier makes a re-entry link for ``who``; a phone opens it."""
    link = world.client("lead").post(world.url(f"/members/{world.member_ids[who]}/reentry-link"), {}).get_json()
    phone = phone or ApiClient(world.app)
    accepted = phone.post(f"/api/invitations/{token_of(link)}/accept", {})
    assert accepted.status_code == 200, accepted.get_json()
    return phone


def comment(client: ApiClient, dossier_id: int, action_id: int) -> Any:
    return client.post(
        f"/api/dossiers/{dossier_id}/documents/action-{action_id}/comments",
        {"question": "objectifs", "body": "Bonjour"},
    )


def invitation_to(world: DossierWorld, dossier_id: int, role: Role) -> str:
    with world.app.app_context():
        outsider = db.session.get(User, world.user_ids["outsider"])
        return invitations.token_for(invitations.create_invitation(dossier_id, outsider, role, 14))


def test_a_reentry_session_reaches_the_links_dossier_and_none_of_the_persons_others(world: DossierWorld) -> None:
    other = dossier_shared_with(world, "beneficiary")
    assert world.client("beneficiary").get(f"/api/dossiers/{other}").status_code == 200  # Béa belongs to both

    phone = reenter(world)

    assert_error(phone.get(f"/api/dossiers/{other}"), 404, "not_found")
    assert_error(phone.get(f"/api/dossiers/{other}/members"), 404, "not_found")
    before = snapshot(world.app)
    other_action = world.client("beneficiary").get(f"/api/dossiers/{other}").get_json()["actions"][0]["id"]
    assert_error(comment(phone, other, other_action), 404, "not_found")
    assert snapshot(world.app) == before
    assert [d["id"] for d in phone.get("/api/dossiers").get_json()["dossiers"]] == [world.dossier_id]
    assert phone.get(world.url()).status_code == 200
    assert comment(phone, world.dossier_id, world.action_ids[0]).status_code == 201


def test_a_new_dossier_joined_in_a_reentry_session_is_added_to_its_reach(world: DossierWorld) -> None:
    other = dossier_shared_with(world, "beneficiary")
    phone = reenter(world)
    with world.app.app_context():
        outsider = db.session.get(User, world.user_ids["outsider"])
        third = dossiers.create_dossier(outsider, "Troisième projet", "Ailleurs").id

    joined = phone.post(f"/api/invitations/{invitation_to(world, third, Role.OBSERVER)}/accept", {})

    assert joined.status_code == 200, joined.get_json()
    listed = {d["id"] for d in phone.get("/api/dossiers").get_json()["dossiers"]}
    assert listed == {world.dossier_id, third}
    assert_error(phone.get(f"/api/dossiers/{other}"), 404, "not_found")


def test_a_reentry_session_cannot_set_a_password_that_would_open_the_persons_other_dossiers(
    world: DossierWorld,
) -> None:
    other = dossier_shared_with(world, "beneficiary")
    phone = reenter(world)
    with world.app.app_context():
        third = dossiers.create_dossier(
            db.session.get(User, world.user_ids["outsider"]), "Troisième projet", "Ailleurs"
        ).id
    token = invitation_to(world, third, Role.PARTNER)
    before = snapshot(world.app)

    reply = phone.post(f"/api/invitations/{token}/accept", {"email": "bea@racines.example", "password": PASSWORD})

    assert_error(reply, 403, "scoped_session")
    assert snapshot(world.app) == before
    assert_error(phone.get(f"/api/dossiers/{other}"), 404, "not_found")


def test_logging_in_with_a_password_ends_the_limit(world: DossierWorld) -> None:
    other = dossier_shared_with(world, "partner")
    phone = reenter(world, "beneficiary")

    reply = phone.post("/api/auth/login", {"email": "paul@partenaire.example", "password": PASSWORD})

    assert reply.status_code == 200, reply.get_json()
    assert phone.get(f"/api/dossiers/{other}").status_code == 200
    assert {d["id"] for d in phone.get("/api/dossiers").get_json()["dossiers"]} == {world.dossier_id, other}


@pytest.mark.parametrize("second", ["same person", "another person"])
def test_two_reentry_links_in_one_browser(world: DossierWorld, second: str) -> None:
    other = dossier_shared_with(world, "beneficiary")
    phone = reenter(world, "beneficiary")

    phone = reenter(world, "observer" if second == "another person" else "beneficiary", phone)

    listed = [d["id"] for d in phone.get("/api/dossiers").get_json()["dossiers"]]
    assert listed == [world.dossier_id]
    assert_error(phone.get(f"/api/dossiers/{other}"), 404, "not_found")

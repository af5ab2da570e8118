"""Invitation links over HTTP: the lead creates and revokes them, anyone previews and accepts.

Every refused use of a link is checked to leave the whole database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from itsdangerous import URLSafeSerializer

from server.services import clock
from tests.conftest import TEST_SECRET
from tests.support import PASSWORD, ApiClient, DossierWorld, snapshot

from .conftest import assert_error, token_of

SALT = "codossier.invitation.v1"
NINA = {"display_name": "Nina Nouvelle", "email": "Nina@Partenaire.Example", "password": PASSWORD}


def invite(world: DossierWorld, role: str = "beneficiary", **fields: Any) -> dict[str, Any]:
    reply = world.client("lead").post(world.url("/invitations"), {"role": role, **fields})
    assert reply.status_code == 201, reply.get_json()
    return dict(reply.get_json())


def accept(browser: ApiClient, token: str, body: dict[str, Any] | None = None) -> Any:
    return browser.post(f"/api/invitations/{token}/accept", body if body is not None else {})


def pending_ids(world: DossierWorld) -> list[int]:
    reply = world.client("lead").get(world.url("/invitations"))
    assert reply.status_code == 200, reply.get_json()
    return [i["id"] for i in reply.get_json()["invitations"]]


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --- create -------------------------------------------------------------------------------


def test_an_invitation_is_pending_and_valid_for_14_days_by_default(world: DossierWorld) -> None:
    now = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    clock.set_source(lambda: now)

    link = invite(world, "partner", label=" Paul bis ", email=" Nouveau@Partenaire.Example ")

    assert link["kind"] == "invitation"
    assert link["role"] == "partner"
    assert link["status"] == "pending"
    assert link["label"] == "Paul bis"
    assert link["email"] == "nouveau@partenaire.example"
    assert link["member_id"] is None
    assert link["url"].startswith("/join/") and len(token_of(link)) > 20
    assert instant(link["created_at"]) == now
    assert instant(link["expires_at"]) == now + timedelta(days=14)


@pytest.mark.parametrize("days", [1, 30, 90])
def test_an_invitation_can_be_valid_from_1_to_90_days(world: DossierWorld, days: int) -> None:
    link = invite(world, "observer", expires_in_days=days)

    assert instant(link["expires_at"]) - instant(link["created_at"]) == timedelta(days=days)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"role": "observer", "expires_in_days": 0}, "expires_in_days", id="0-days"),
        pytest.param({"role": "observer", "expires_in_days": 91}, "expires_in_days", id="91-days"),
        pytest.param({"role": "observer", "expires_in_days": -3}, "expires_in_days", id="negative-days"),
        pytest.param({"role": "lead"}, "role", id="role-lead"),
        pytest.param({"role": "admin"}, "role", id="unknown-role"),
    ],
)
def test_an_invitation_outside_the_rules_is_refused(world: DossierWorld, body: dict[str, Any], field: str) -> None:
    before = snapshot(world.app)

    reply = world.client("lead").post(world.url("/invitations"), body)

    assert_error(reply, 422, "validation_error", field=field)
    assert snapshot(world.app) == before


def test_only_pending_invitations_are_listed(world: DossierWorld, move_clock: Callable[[timedelta], datetime]) -> None:
    pending = invite(world, "partner")
    used = invite(world, "observer")
    revoked = invite(world, "observer")
    short = invite(world, "beneficiary", expires_in_days=1)
    assert accept(ApiClient(world.app), token_of(used), {"display_name": "Ugo"}).status_code == 200
    assert world.client("lead").delete(world.url(f"/invitations/{revoked['id']}")).status_code == 204

    assert pending_ids(world) == [short["id"], pending["id"]]
    move_clock(timedelta(days=2))
    assert pending_ids(world) == [pending["id"]]


# --- preview --------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "requires_account"), [("partner", True), ("beneficiary", False), ("observer", False)])
def test_anyone_with_the_link_sees_what_it_leads_to(world: DossierWorld, role: str, requires_account: bool) -> None:
    link = invite(world, role)
    before = snapshot(world.app)

    reply = ApiClient(world.app).get(f"/api/invitations/{token_of(link)}")

    assert reply.status_code == 200, reply.get_json()
    assert reply.get_json() == {
        "kind": "invitation",
        "role": role,
        "dossier": {"title": "Projet Jardin partagé", "structure": "Association Les Racines"},
        "expires_at": link["expires_at"],
        "requires_account": requires_account,
        "display_name": None,
    }
    assert snapshot(world.app) == before


# --- accept ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["beneficiary", "observer"])
def test_a_guest_joins_with_a_display_name_in_one_request(world: DossierWorld, role: str) -> None:
    token = token_of(invite(world, role))
    phone = ApiClient(world.app)
    old_csrf = phone.csrf()

    reply = accept(phone, token, {"display_name": "  Samia  "})

    assert reply.status_code == 200, reply.get_json()
    body = reply.get_json()
    assert body["dossier_id"] == world.dossier_id
    user = body["session"]["user"]
    assert (user["display_name"], user["email"], user["has_account"]) == ("Samia", None, False)
    assert body["session"]["csrf_token"] != old_csrf
    assert phone.get("/api/auth/session").get_json()["user"] == user
    dossier = phone.get(world.url()).get_json()
    assert dossier["my_role"] == role
    members = world.client("lead").get(world.url("/members")).get_json()["members"]
    assert [(m["user_id"], m["role"]) for m in members][-1] == (user["id"], role)


def test_a_beneficiary_may_join_with_an_email_account(world: DossierWorld) -> None:
    token = token_of(invite(world, "beneficiary"))
    phone = ApiClient(world.app)

    reply = accept(phone, token, NINA)

    assert reply.status_code == 200, reply.get_json()
    user = reply.get_json()["session"]["user"]
    assert (user["email"], user["has_account"]) == ("nina@partenaire.example", True)
    assert phone.get(world.url()).get_json()["my_role"] == "beneficiary"


def test_a_partner_joins_by_creating_an_account_in_the_same_request(world: DossierWorld) -> None:
    token = token_of(invite(world, "partner"))

    reply = accept(ApiClient(world.app), token, NINA)

    assert reply.status_code == 200, reply.get_json()
    user = reply.get_json()["session"]["user"]
    assert (user["display_name"], user["email"], user["has_account"]) == (
        "Nina Nouvelle",
        "nina@partenaire.example",
        True,
    )
    laptop = ApiClient(world.app)
    login = laptop.post("/api/auth/login", {"email": "nina@partenaire.example", "password": PASSWORD})
    assert login.status_code == 200
    assert laptop.get(world.url()).get_json()["my_role"] == "partner"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"display_name": "Nina"}, id="name-only"),
        pytest.param({"display_name": "Nina", "email": "nina@partenaire.example"}, id="no-password"),
        pytest.param({"display_name": "Nina", "password": PASSWORD}, id="no-email"),
    ],
)
def test_a_partner_without_an_email_account_is_asked_for_one_and_the_link_still_works(
    world: DossierWorld, body: dict[str, Any]
) -> None:
    token = token_of(invite(world, "partner"))
    phone = ApiClient(world.app)
    before = snapshot(world.app)

    assert_error(accept(phone, token, body), 401, "account_required")

    assert snapshot(world.app) == before
    assert phone.get("/api/auth/session").get_json()["user"] is None
    assert accept(phone, token, NINA).status_code == 200
    assert phone.get(world.url()).get_json()["my_role"] == "partner"


def test_a_partner_whose_email_is_taken_is_told_to_log_in_first(world: DossierWorld) -> None:
    token = token_of(invite(world, "partner"))
    before = snapshot(world.app)

    reply = accept(ApiClient(world.app), token, {**NINA, "email": "OTTO@ailleurs.example"})

    assert_error(reply, 409, "email_taken")
    assert snapshot(world.app) == before
    otto = world.client("outsider")
    assert accept(otto, token).status_code == 200
    assert otto.get(world.url()).get_json()["my_role"] == "partner"


@pytest.mark.parametrize("role", ["partner", "observer"])
def test_a_logged_in_account_holder_gets_the_dossier_attached_to_their_account(world: DossierWorld, role: str) -> None:
    token = token_of(invite(world, role))
    otto = world.client("outsider")
    users_before = len(snapshot(world.app)["users"])

    reply = accept(otto, token)

    assert reply.status_code == 200, reply.get_json()
    assert reply.get_json()["session"]["user"]["id"] == world.user_ids["outsider"]
    assert len(snapshot(world.app)["users"]) == users_before
    listed = otto.get("/api/dossiers").get_json()["dossiers"]
    assert [(d["id"], d["role"]) for d in listed] == [(world.dossier_id, role)]


def test_an_existing_member_cannot_use_an_invitation_and_it_stays_usable(world: DossierWorld) -> None:
    link = invite(world, "partner")
    before = snapshot(world.app)

    assert_error(accept(world.client("beneficiary"), token_of(link)), 409, "already_member")
    assert_error(accept(world.client("partner"), token_of(link)), 409, "already_member")

    assert snapshot(world.app) == before
    assert link["id"] in pending_ids(world)
    assert accept(world.client("outsider"), token_of(link)).status_code == 200


def test_a_guest_must_give_a_name(world: DossierWorld) -> None:
    token = token_of(invite(world, "beneficiary"))
    before = snapshot(world.app)

    assert_error(accept(ApiClient(world.app), token, {}), 422, "display_name_required", field="display_name")
    assert snapshot(world.app) == before


# --- links that cannot be used ------------------------------------------------------------------


def assert_link_refused(world: DossierWorld, token: str, status: int, code: str) -> None:
    """Preview and acceptance both refuse the link, and nothing changes in the database."""
    phone = ApiClient(world.app)
    before = snapshot(world.app)

    assert_error(phone.get(f"/api/invitations/{token}"), status, code)
    intruder = {"display_name": "Intrus", "email": "i@x.example", "password": PASSWORD}
    assert_error(accept(phone, token, intruder), status, code)

    assert snapshot(world.app) == before
    assert phone.get("/api/auth/session").get_json()["user"] is None


@pytest.mark.parametrize(
    ("after", "usable"),
    [
        pytest.param(timedelta(days=14, minutes=-1), True, id="a-minute-before-expiry"),
        pytest.param(timedelta(days=14, minutes=1), False, id="a-minute-after-expiry"),
        pytest.param(timedelta(days=400), False, id="long-after-expiry"),
    ],
)
def test_an_invitation_expires_after_its_validity(
    world: DossierWorld, move_clock: Callable[[timedelta], datetime], after: timedelta, usable: bool
) -> None:
    link = invite(world, "observer")
    move_clock(after)

    if usable:
        assert accept(ApiClient(world.app), token_of(link), {"display_name": "Juste"}).status_code == 200
    else:
        assert_link_refused(world, token_of(link), 410, "invitation_expired")
        assert link["id"] not in pending_ids(world)


def test_an_invitation_works_only_once(world: DossierWorld) -> None:
    token = token_of(invite(world, "observer"))
    assert accept(ApiClient(world.app), token, {"display_name": "Premier"}).status_code == 200

    assert_link_refused(world, token, 410, "invitation_used")


def test_a_revoked_invitation_cannot_be_used(world: DossierWorld) -> None:
    link = invite(world, "beneficiary")

    assert world.client("lead").delete(world.url(f"/invitations/{link['id']}")).status_code == 204

    assert_link_refused(world, token_of(link), 410, "invitation_revoked")


def _changed(token: str, index: int) -> str:
    replacement = "A" if token[index] != "A" else "B"
    return token[:index] + replacement + token[index + 1 :]


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda token: "bm90LWEtbGluaw", id="random-string"),
        pytest.param(lambda token: "x", id="one-character"),
        pytest.param(lambda token: _changed(token, 0), id="payload-character-changed"),
        pytest.param(lambda token: _changed(token, token.rindex(".") + 3), id="signature-character-changed"),
        pytest.param(lambda token: token.split(".")[0], id="signature-removed"),
        pytest.param(
            lambda token: URLSafeSerializer("other", salt=SALT).dumps(
                URLSafeSerializer(TEST_SECRET, salt=SALT).loads(token)
            ),
            id="signed-with-another-key",
        ),
        pytest.param(
            lambda token: URLSafeSerializer(TEST_SECRET, salt="another.salt").dumps(
                URLSafeSerializer(TEST_SECRET, salt=SALT).loads(token)
            ),
            id="signed-with-another-salt",
        ),
    ],
)
def test_a_forged_token_is_refused_as_invalid(world: DossierWorld, forge: Callable[[str], str]) -> None:
    token = token_of(invite(world, "partner"))
    forged = forge(token)
    assert forged != token

    assert_link_refused(world, forged, 400, "invitation_invalid")


@pytest.mark.parametrize("which", ["unknown-id", "wrong-nonce"])
def test_a_well_signed_token_that_matches_no_link_is_404(world: DossierWorld, which: str) -> None:
    link = invite(world, "partner")
    real_id, nonce = URLSafeSerializer(TEST_SECRET, salt=SALT).loads(token_of(link))
    payload = [999_999, nonce] if which == "unknown-id" else [real_id, nonce[::-1]]
    token = URLSafeSerializer(TEST_SECRET, salt=SALT).dumps(payload)

    assert_link_refused(world, token, 404, "invitation_not_found")


# --- revoke -------------------------------------------------------------------------------------


def test_revoking_twice_is_harmless(world: DossierWorld) -> None:
    link = invite(world, "observer")
    lead = world.client("lead")
    assert lead.delete(world.url(f"/invitations/{link['id']}")).status_code == 204
    before = snapshot(world.app)

    assert lead.delete(world.url(f"/invitations/{link['id']}")).status_code == 204

    assert snapshot(world.app) == before


def test_revoking_a_used_invitation_is_a_conflict(world: DossierWorld) -> None:
    link = invite(world, "observer")
    assert accept(ApiClient(world.app), token_of(link), {"display_name": "Rapide"}).status_code == 200
    before = snapshot(world.app)

    reply = world.client("lead").delete(world.url(f"/invitations/{link['id']}"))

    assert_error(reply, 409, "invitation_used")
    assert snapshot(world.app) == before


def test_an_invitation_of_another_dossier_cannot_be_revoked_from_this_one(world: DossierWorld) -> None:
    otto = world.client("outsider")
    other = otto.post("/api/dossiers", {"title": "Projet d'Otto", "structure": "Ailleurs"}).get_json()
    foreign = otto.post(f"/api/dossiers/{other['id']}/invitations", {"role": "observer"}).get_json()
    before = snapshot(world.app)

    assert_error(world.client("lead").delete(world.url(f"/invitations/{foreign['id']}")), 404, "not_found")

    assert snapshot(world.app) == before

"""Dossiers and their actions over HTTP: create, list, read, settings, actions and their order."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from server.services.forms import get_template
from tests.support import PASSWORD, ApiClient, DossierWorld, sign_up, snapshot

from .conftest import assert_error, set_dossier_state

ALL_CAPABILITIES = [
    "comment",
    "edit",
    "freeze",
    "manage_actions",
    "manage_dossier",
    "manage_members",
    "propose",
    "read",
    "submit",
    "vote",
]
CAPABILITIES = {
    "lead": ALL_CAPABILITIES,
    "partner": ["comment", "edit", "propose", "read", "vote"],
    "beneficiary": ["comment", "edit", "read", "vote"],
    "observer": ["comment", "read"],
}


def new_account(app: Flask, email: str = "claire@racines.example") -> ApiClient:
    browser = ApiClient(app)
    reply = sign_up(browser, email, PASSWORD, "Claire")
    assert reply.status_code == 201, reply.get_json()
    return browser


def actions_of(world: DossierWorld) -> list[tuple[int, str, int]]:
    dossier = world.client("lead").get(world.url()).get_json()
    return [(a["id"], a["title"], a["position"]) for a in dossier["actions"]]


def foreign_action(world: DossierWorld) -> int:
    """An action of another dossier (the outsider's)."""
    otto = world.client("outsider")
    other = otto.post("/api/dossiers", {"title": "Projet d'Otto", "structure": "Ailleurs"}).get_json()
    return int(otto.post(f"/api/dossiers/{other['id']}/actions", {"title": "Ailleurs"}).get_json()["id"])


# --- create -------------------------------------------------------------------------


def test_creating_a_dossier_makes_the_creator_its_lead_on_the_current_templates(app: Flask) -> None:
    claire = new_account(app)

    reply = claire.post("/api/dossiers", {"title": "  Projet Jardin  ", "structure": "Les Racines"})

    assert reply.status_code == 201, reply.get_json()
    dossier = reply.get_json()
    assert dossier["title"] == "Projet Jardin"
    assert dossier["structure"] == "Les Racines"
    assert dossier["state"] == "brouillon"
    assert dossier["beneficiaries_may_edit"] is True
    assert dossier["template"] == {"id": "annexe_b", "version": 1}
    assert dossier["storyboard_template"] == {"id": "storyboard", "version": 1}
    assert dossier["my_role"] == "lead"
    assert dossier["my_capabilities"] == ALL_CAPABILITIES
    assert dossier["actions"] == []
    assert claire.get(f"/api/dossiers/{dossier['id']}").get_json() == dossier
    members = claire.get(f"/api/dossiers/{dossier['id']}/members").get_json()["members"]
    assert [(m["role"], m["is_me"]) for m in members] == [("lead", True)]


def test_a_guest_without_an_account_cannot_create_a_dossier(world: DossierWorld) -> None:
    before = snapshot(world.app)

    reply = world.client("beneficiary").post("/api/dossiers", {"title": "Mon projet", "structure": "Moi"})

    assert_error(reply, 403, "account_required")
    assert snapshot(world.app) == before


def test_creating_a_dossier_needs_a_session(client: ApiClient) -> None:
    assert_error(client.post("/api/dossiers", {"title": "Projet", "structure": "Racines"}), 401, "not_authenticated")


# --- list and read ----------------------------------------------------------------------


def test_my_dossiers_lists_only_the_users_own_with_role_and_counts(world: DossierWorld) -> None:
    otto = world.client("outsider")
    otto_dossier = otto.post("/api/dossiers", {"title": "Projet d'Otto", "structure": "Ailleurs"}).get_json()
    lead = world.client("lead")
    second = lead.post("/api/dossiers", {"title": "Second projet", "structure": "Les Racines"}).get_json()

    def listing(who: str) -> list[tuple[int, str, str, int, int]]:
        reply = world.client(who).get("/api/dossiers")
        assert reply.status_code == 200
        return [
            (d["id"], d["title"], d["role"], d["action_count"], d["member_count"]) for d in reply.get_json()["dossiers"]
        ]

    jardin = (world.dossier_id, "Projet Jardin partagé")
    assert listing("lead") == [(second["id"], "Second projet", "lead", 0, 1), (*jardin, "lead", 2, 4)]
    assert listing("partner") == [(*jardin, "partner", 2, 4)]
    assert listing("beneficiary") == [(*jardin, "beneficiary", 2, 4)]
    assert listing("observer") == [(*jardin, "observer", 2, 4)]
    assert listing("outsider") == [(otto_dossier["id"], "Projet d'Otto", "lead", 0, 1)]
    summary = lead.get("/api/dossiers").get_json()["dossiers"][1]
    assert summary["structure"] == "Association Les Racines"
    assert summary["state"] == "brouillon"
    assert summary["created_at"]


def test_listing_dossiers_needs_a_session(client: ApiClient) -> None:
    assert_error(client.get("/api/dossiers"), 401, "not_authenticated")


def test_each_member_reads_the_dossier_with_their_role_and_capabilities(world: DossierWorld) -> None:
    for role, capabilities in CAPABILITIES.items():
        reply = world.client(role).get(world.url())
        assert reply.status_code == 200, (role, reply.get_json())
        dossier = reply.get_json()
        assert (dossier["my_role"], dossier["my_capabilities"]) == (role, capabilities)
        assert [a["title"] for a in dossier["actions"]] == ["Jardin", "Cuisine"]
    assert_error(world.client("outsider").get(world.url()), 404, "not_found")
    assert_error(world.client("anonymous").get(world.url()), 401, "not_authenticated")


# --- settings -----------------------------------------------------------------------------


def test_the_lead_renames_the_dossier_and_its_structure(world: DossierWorld) -> None:
    lead = world.client("lead")

    reply = lead.patch(world.url(), {"title": " Jardin des Racines ", "structure": "Collectif Racines"})

    assert reply.status_code == 200, reply.get_json()
    assert (reply.get_json()["title"], reply.get_json()["structure"]) == ("Jardin des Racines", "Collectif Racines")
    seen_by_partner = world.client("partner").get(world.url()).get_json()
    assert (seen_by_partner["title"], seen_by_partner["structure"]) == ("Jardin des Racines", "Collectif Racines")


def test_patching_one_setting_leaves_the_others_alone(world: DossierWorld) -> None:
    lead = world.client("lead")

    reply = lead.patch(world.url(), {"structure": "Collectif Racines"})

    assert reply.status_code == 200, reply.get_json()
    dossier = reply.get_json()
    assert dossier["title"] == "Projet Jardin partagé"
    assert dossier["structure"] == "Collectif Racines"
    assert dossier["beneficiaries_may_edit"] is True


def test_beneficiaries_lose_and_regain_the_edit_capability_with_the_setting(world: DossierWorld) -> None:
    lead = world.client("lead")
    beneficiary = world.client("beneficiary")

    off = lead.patch(world.url(), {"beneficiaries_may_edit": False})

    assert off.status_code == 200, off.get_json()
    assert off.get_json()["beneficiaries_may_edit"] is False
    restricted = beneficiary.get(world.url()).get_json()
    assert restricted["beneficiaries_may_edit"] is False
    assert restricted["my_capabilities"] == ["comment", "read", "vote"]
    assert "edit" in world.client("partner").get(world.url()).get_json()["my_capabilities"]

    lead.patch(world.url(), {"beneficiaries_may_edit": True})
    assert "edit" in beneficiary.get(world.url()).get_json()["my_capabilities"]


def test_only_the_lead_changes_the_settings(world: DossierWorld) -> None:
    before = snapshot(world.app)

    for who in ("partner", "beneficiary", "observer"):
        assert_error(world.client(who).patch(world.url(), {"title": "Pris en main"}), 403, "forbidden")

    assert snapshot(world.app) == before


# --- actions ----------------------------------------------------------------------------------


def test_added_actions_take_the_next_positions(world: DossierWorld) -> None:
    lead = world.client("lead")

    third = lead.post(world.url("/actions"), {"title": " Atelier vélo "})
    fourth = lead.post(world.url("/actions"), {"title": "Repair café"})

    assert third.status_code == 201 and fourth.status_code == 201
    assert third.get_json()["title"] == "Atelier vélo"
    assert [third.get_json()["position"], fourth.get_json()["position"]] == [3, 4]
    jardin, cuisine = world.action_ids
    assert actions_of(world) == [
        (jardin, "Jardin", 1),
        (cuisine, "Cuisine", 2),
        (third.get_json()["id"], "Atelier vélo", 3),
        (fourth.get_json()["id"], "Repair café", 4),
    ]


def test_renaming_an_action_keeps_its_position(world: DossierWorld) -> None:
    jardin, cuisine = world.action_ids

    reply = world.client("lead").patch(world.url(f"/actions/{cuisine}"), {"title": "Cuisine solidaire"})

    assert reply.status_code == 200, reply.get_json()
    assert reply.get_json() == {"id": cuisine, "title": "Cuisine solidaire", "position": 2}
    assert actions_of(world) == [(jardin, "Jardin", 1), (cuisine, "Cuisine solidaire", 2)]


def test_deleting_an_action_renumbers_the_others(world: DossierWorld) -> None:
    lead = world.client("lead")
    velo = lead.post(world.url("/actions"), {"title": "Atelier vélo"}).get_json()["id"]
    jardin, cuisine = world.action_ids

    reply = lead.delete(world.url(f"/actions/{jardin}"))

    assert reply.status_code == 204
    assert actions_of(world) == [(cuisine, "Cuisine", 1), (velo, "Atelier vélo", 2)]
    assert_error(lead.patch(world.url(f"/actions/{jardin}"), {"title": "Revenant"}), 404, "not_found")


def test_reordering_actions_applies_the_permutation(world: DossierWorld) -> None:
    lead = world.client("lead")
    velo = lead.post(world.url("/actions"), {"title": "Atelier vélo"}).get_json()["id"]
    jardin, cuisine = world.action_ids

    reply = lead.put(world.url("/actions/order"), {"action_ids": [velo, jardin, cuisine]})

    assert reply.status_code == 200, reply.get_json()
    expected = [(velo, "Atelier vélo", 1), (jardin, "Jardin", 2), (cuisine, "Cuisine", 3)]
    assert [(a["id"], a["title"], a["position"]) for a in reply.get_json()["actions"]] == expected
    assert actions_of(world) == expected


@pytest.mark.parametrize("case", ["missing", "duplicated", "duplicated-extra", "foreign", "unknown", "empty"])
def test_reordering_with_something_other_than_a_permutation_is_refused(world: DossierWorld, case: str) -> None:
    jardin, cuisine = world.action_ids
    action_ids = {
        "missing": lambda: [cuisine],
        "duplicated": lambda: [jardin, jardin],
        "duplicated-extra": lambda: [cuisine, jardin, cuisine],
        "foreign": lambda: [cuisine, foreign_action(world)],
        "unknown": lambda: [cuisine, jardin, 999_999],
        "empty": lambda: [],
    }[case]()
    before = snapshot(world.app)

    reply = world.client("lead").put(world.url("/actions/order"), {"action_ids": action_ids})

    assert_error(reply, 422, "not_a_permutation", field="action_ids")
    assert snapshot(world.app) == before


# --- a dossier that is no longer a draft -------------------------------------------------------


def _draft_only_changes(world: DossierWorld) -> dict[str, tuple[str, str, Any]]:
    jardin, cuisine = world.action_ids
    return {
        "rename dossier": ("PATCH", world.url(), {"title": "Autre titre"}),
        "change structure": ("PATCH", world.url(), {"structure": "Autre structure"}),
        "add action": ("POST", world.url("/actions"), {"title": "Nouvelle"}),
        "rename action": ("PATCH", world.url(f"/actions/{jardin}"), {"title": "Renommée"}),
        "delete action": ("DELETE", world.url(f"/actions/{jardin}"), None),
        "reorder actions": ("PUT", world.url("/actions/order"), {"action_ids": [cuisine, jardin]}),
    }


@pytest.mark.parametrize("state", ["fige", "depose"])
def test_a_dossier_that_is_not_a_draft_refuses_changes_to_its_title_and_actions(
    world: DossierWorld, state: str
) -> None:
    set_dossier_state(world.app, world.dossier_id, state)
    lead = world.client("lead")
    before = snapshot(world.app)

    for name, (method, path, body) in _draft_only_changes(world).items():
        reply = lead.request(method, path, body)
        assert reply.status_code == 409, name
        assert_error(reply, 409, "dossier_not_draft")

    assert snapshot(world.app) == before
    dossier = lead.get(world.url()).get_json()
    assert dossier["state"] == state
    assert [a["position"] for a in dossier["actions"]] == [1, 2]


# --- form templates ------------------------------------------------------------------------------


@pytest.mark.parametrize(("template_id", "kind"), [("annexe_b", "action"), ("storyboard", "storyboard")])
def test_a_form_template_is_served_as_data(sqlite_app: Flask, template_id: str, kind: str) -> None:
    reply = ApiClient(sqlite_app).get(f"/api/forms/{template_id}/1")

    assert reply.status_code == 200
    body = reply.get_json()
    assert (body["id"], body["version"], body["kind"]) == (template_id, 1, kind)
    template = get_template(template_id, 1)
    assert template is not None
    assert body == template.model_dump(mode="json")


@pytest.mark.parametrize("path", ["/api/forms/annexe_c/1", "/api/forms/annexe_b/2", "/api/forms/annexe_b/latest"])
def test_an_unknown_form_template_is_404(sqlite_app: Flask, path: str) -> None:
    assert_error(ApiClient(sqlite_app).get(path), 404, "not_found")

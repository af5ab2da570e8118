"""Stakeholder collèges: the lead creates them with weights and puts voting members in them."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.support import DossierWorld, snapshot


def _create(world: DossierWorld, name: str, weight: int = 1) -> int:
    reply = world.client("lead").post(world.url("/colleges"), {"name": name, "weight": weight})
    assert reply.status_code == 201, reply.get_json()
    return int(reply.get_json()["id"])


def test_the_lead_builds_colleges_and_everyone_sees_them(world: DossierWorld) -> None:
    porteur = _create(world, "Porteur", 2)
    beneficiaires = _create(world, "Bénéficiaires", 3)
    lead = world.client("lead")
    assigned = lead.put(world.url(f"/members/{world.member_ids['beneficiary']}/college"), {"college_id": beneficiaires})
    assert assigned.status_code == 200 and assigned.get_json()["college_id"] == beneficiaires
    lead.put(world.url(f"/members/{world.member_ids['lead']}/college"), {"college_id": porteur})

    seen = world.client("observer").get(world.url("/colleges")).get_json()["colleges"]
    assert [(c["name"], c["weight"], c["member_ids"]) for c in seen] == [
        ("Porteur", 2, [world.member_ids["lead"]]),
        ("Bénéficiaires", 3, [world.member_ids["beneficiary"]]),
    ]
    members = {m["id"]: m["college_id"] for m in lead.get(world.url("/members")).get_json()["members"]}
    assert members[world.member_ids["beneficiary"]] == beneficiaires

    renamed = lead.patch(world.url(f"/colleges/{porteur}"), {"name": "Structure porteuse", "weight": 1})
    assert renamed.get_json()["name"] == "Structure porteuse" and renamed.get_json()["weight"] == 1

    assert lead.delete(world.url(f"/colleges/{beneficiaires}")).status_code == 204
    members = {m["id"]: m["college_id"] for m in lead.get(world.url("/members")).get_json()["members"]}
    assert members[world.member_ids["beneficiary"]] is None


def test_observers_belong_to_no_college(world: DossierWorld, app: Flask) -> None:
    college = _create(world, "Partenaires")
    before = snapshot(app)
    reply = world.client("lead").put(
        world.url(f"/members/{world.member_ids['observer']}/college"), {"college_id": college}
    )
    assert reply.status_code == 409 and reply.get_json()["error"]["code"] == "observer_cannot_vote"
    assert snapshot(app) == before


def test_becoming_an_observer_leaves_the_college(world: DossierWorld) -> None:
    college = _create(world, "Partenaires")
    lead = world.client("lead")
    lead.put(world.url(f"/members/{world.member_ids['partner']}/college"), {"college_id": college})
    changed = lead.patch(world.url(f"/members/{world.member_ids['partner']}"), {"role": "observer"})
    assert changed.get_json()["college_id"] is None


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"name": "", "weight": 1}, 422, "validation_error"),
        ({"name": "Habitants", "weight": 0}, 422, "validation_error"),
        ({"name": "Habitants", "weight": 1001}, 422, "validation_error"),
        ({"name": "Habitants", "weight": "2"}, 422, "validation_error"),
        ({"name": "porteur", "weight": 1}, 409, "college_exists"),
    ],
)
def test_bad_colleges_are_refused_and_change_nothing(
    world: DossierWorld, app: Flask, body: dict[str, object], status: int, code: str
) -> None:
    _create(world, "Porteur")
    before = snapshot(app)
    reply = world.client("lead").post(world.url("/colleges"), body)
    assert reply.status_code == status and reply.get_json()["error"]["code"] == code
    assert snapshot(app) == before


def test_unknown_college_or_member_is_404(world: DossierWorld, app: Flask) -> None:
    before = snapshot(app)
    lead = world.client("lead")
    assert (
        lead.put(world.url(f"/members/{world.member_ids['partner']}/college"), {"college_id": 999}).status_code == 404
    )
    assert lead.put(world.url("/members/999/college"), {"college_id": None}).status_code == 404
    assert lead.patch(world.url("/colleges/999"), {"weight": 2}).status_code == 404
    assert snapshot(app) == before

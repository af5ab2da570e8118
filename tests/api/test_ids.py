"""Ids out of range, in paths, bodies and socket messages: a clear 404, 422 or refusal, never a 500.

SQLite's driver raises OverflowError beyond 64 bits; PostgreSQL's INTEGER id
columns hold 32 bits and refuse a larger parameter ("integer out of range"). Every route with an id in its path is found
from the app's own URL map, so a new route is covered without editing this file.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter

from server.models.base import MAX_ID
from tests.support import DossierWorld, snapshot

from .conftest import assert_error

OUT_OF_RANGE = [MAX_ID + 1, 2**63, 2**64, 187779887830530040791040]
IN_RANGE_MISSING = [MAX_ID]
OTHER_PARAMETERS = {"document": "storyboard", "name": "dossier.docx", "token": "abc", "template_id": "fia"}


def id_routes(app: Flask) -> list[tuple[str, str, list[str]]]:
    """(method, rule, names of its int parameters) for every API route with an int in its path."""
    routes = []
    for rule in app.url_map.iter_rules():
        ints = [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]
        if not rule.rule.startswith("/api/") or not ints:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((method, rule.rule, ints))
    assert len(routes) >= 40, routes
    return routes


def in_a_week() -> str:
    return (datetime.now(UTC) + timedelta(days=7)).isoformat()


def fill(rule: str, values: dict[str, Any]) -> str:
    """The rule's path with ``values`` for its int parameters and a fixed value for the others."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: str((OTHER_PARAMETERS | values)[m.group(1)]), rule)


@pytest.mark.parametrize("value", OUT_OF_RANGE + IN_RANGE_MISSING, ids=str)
def test_an_id_out_of_range_in_any_path_is_not_found(world: DossierWorld, value: int) -> None:
    lead = world.client("lead")
    before = snapshot(world.app)
    for method, rule, ints in id_routes(world.app):
        variants = [dict.fromkeys(ints, value)]
        if "dossier_id" in ints and len(ints) > 1:
            variants.append(dict.fromkeys(ints, value) | {"dossier_id": world.dossier_id})
        for values in variants:
            path = fill(rule, values)
            reply = lead.request(method, path)
            assert reply.status_code in (404, 422), (method, path, reply.status_code, reply.get_data(as_text=True))
            assert_error(reply, reply.status_code, "not_found" if reply.status_code == 404 else "validation_error")
    assert snapshot(world.app) == before


def _college_id(world: DossierWorld) -> int:
    reply = world.client("lead").post(world.url("/colleges"), {"name": "Habitants"})
    assert reply.status_code == 201, reply.get_json()
    return int(reply.get_json()["id"])


BODIES = {
    "action order": ("PUT", "/actions/order", lambda w, v: {"action_ids": [v, w.action_ids[0]]}, "action_ids.0"),
    "member college": (
        "PUT",
        "/members/{partner}/college",
        lambda w, v: {"college_id": v},
        "college_id",
    ),
    "decision poll": (
        "POST",
        "/decisions",
        lambda w, v: {
            "kind": "priority_order",
            "title": "Ordre",
            "text": "Adopter l'ordre",
            "rule": "majorite_simple",
            "quorum_percent": 50,
            "closes_at": in_a_week(),
            "poll_id": v,
        },
        "poll_id",
    ),
}


@pytest.mark.parametrize("value", OUT_OF_RANGE + [0, -1], ids=str)
@pytest.mark.parametrize("route", sorted(BODIES))
def test_an_id_out_of_range_in_a_body_is_a_validation_error(world: DossierWorld, route: str, value: int) -> None:
    method, suffix, body, field = BODIES[route]
    _college_id(world)
    before = snapshot(world.app)
    path = world.url(suffix.format(partner=world.member_ids["partner"]))

    reply = world.client("lead").request(method, path, body(world, value))

    assert_error(reply, 422, "validation_error", field)
    assert snapshot(world.app) == before


@pytest.mark.parametrize("value", IN_RANGE_MISSING, ids=str)
@pytest.mark.parametrize("route", sorted(BODIES))
def test_a_missing_id_in_range_in_a_body_is_refused_cleanly(world: DossierWorld, route: str, value: int) -> None:
    method, suffix, body, _ = BODIES[route]
    _college_id(world)
    before = snapshot(world.app)
    path = world.url(suffix.format(partner=world.member_ids["partner"]))

    reply = world.client("lead").request(method, path, body(world, value))

    assert reply.status_code in (404, 409, 422), reply.get_data(as_text=True)
    assert_error(reply, reply.status_code, reply.get_json()["error"]["code"])
    assert snapshot(world.app) == before


@pytest.mark.parametrize("value", OUT_OF_RANGE + IN_RANGE_MISSING, ids=str)
def test_a_ballot_with_an_id_out_of_range_is_refused_cleanly(world: DossierWorld, value: int) -> None:
    lead = world.client("lead")
    poll = lead.post(world.url("/polls"), {"closes_at": in_a_week()})
    assert poll.status_code == 201, poll.get_json()
    before = snapshot(world.app)

    reply = lead.put(world.url(f"/polls/{poll.get_json()['id']}/ballot"), {"ranking": [[value]]})

    assert reply.status_code == 422, reply.get_data(as_text=True)
    assert snapshot(world.app) == before

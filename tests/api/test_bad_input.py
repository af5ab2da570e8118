"""Bad input to the state-changing routes: each gets the JSON error reply and changes nothing.

Every case is sent to a representative set of routes; every reply must be the
API's error shape (no stack trace, no HTML) and the database must be exactly as
it was before the request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from tests.support import PASSWORD, ApiClient, DossierWorld, snapshot

from .conftest import assert_error, token_of

MISSING = 999_999


@dataclass
class Scene:
    """The world, plus a pending beneficiary invitation to accept."""

    world: DossierWorld
    token: str


@pytest.fixture
def scene(world: DossierWorld) -> Scene:
    link = world.client("lead").post(world.url("/invitations"), {"role": "beneficiary"}).get_json()
    return Scene(world, token_of(link))


@dataclass(frozen=True)
class Route:
    method: str
    who: str
    path: Callable[[Scene], str]
    body: dict[str, Any] | Callable[[Scene], dict[str, Any]]
    wrong_type: tuple[dict[str, Any], str]
    blank: tuple[dict[str, Any], str] | None
    too_long: tuple[dict[str, Any], str] | None


def current_action_ids(scene: Scene) -> list[int]:
    dossier = scene.world.client("lead").get(scene.world.url()).get_json()
    return [action["id"] for action in dossier["actions"]]


def _url(suffix: str) -> Callable[[Scene], str]:
    return lambda s: s.world.url(suffix)


ROUTES: dict[str, Route] = {
    "signup": Route(
        "POST",
        "anonymous",
        lambda s: "/api/auth/signup",
        {"email": "nina@partenaire.example", "password": PASSWORD, "display_name": "Nina"},
        ({"email": 123, "password": PASSWORD, "display_name": "Nina"}, "email"),
        ({"email": "nina@partenaire.example", "password": PASSWORD, "display_name": "   "}, "display_name"),
        ({"email": "nina@partenaire.example", "password": PASSWORD, "display_name": "N" * 81}, "display_name"),
    ),
    "login": Route(
        "POST",
        "anonymous",
        lambda s: "/api/auth/login",
        {"email": "lea@porteur.example", "password": PASSWORD},
        ({"email": ["lea@porteur.example"], "password": PASSWORD}, "email"),
        None,  # an empty e-mail or password is simply wrong credentials (401)
        ({"email": "l" * 250 + "@porteur.example", "password": PASSWORD}, "email"),
    ),
    "create dossier": Route(
        "POST",
        "lead",
        lambda s: "/api/dossiers",
        {"title": "Projet", "structure": "Racines"},
        ({"title": 123, "structure": "Racines"}, "title"),
        ({"title": "", "structure": "Racines"}, "title"),
        ({"title": "Projet", "structure": "S" * 201}, "structure"),
    ),
    "patch dossier": Route(
        "PATCH",
        "lead",
        _url(""),
        {"title": "Projet renommé"},
        ({"beneficiaries_may_edit": "false"}, "beneficiaries_may_edit"),
        ({"structure": " \t "}, "structure"),
        ({"title": "T" * 201}, "title"),
    ),
    "add action": Route(
        "POST",
        "lead",
        _url("/actions"),
        {"title": "Atelier"},
        ({"title": 123}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "A" * 201}, "title"),
    ),
    "rename action": Route(
        "PATCH",
        "lead",
        lambda s: s.world.url(f"/actions/{s.world.action_ids[0]}"),
        {"title": "Jardin partagé"},
        ({"title": ["Jardin"]}, "title"),
        ({"title": "\n"}, "title"),
        ({"title": "A" * 201}, "title"),
    ),
    "reorder actions": Route(
        "PUT",
        "lead",
        _url("/actions/order"),
        lambda s: {"action_ids": current_action_ids(s)[::-1]},
        ({"action_ids": "1,2"}, "action_ids"),
        None,
        ({"action_ids": list(range(1, 102))}, "action_ids"),
    ),
    "change role": Route(
        "PATCH",
        "lead",
        lambda s: s.world.url(f"/members/{s.world.member_ids['observer']}"),
        {"role": "beneficiary"},
        ({"role": 1}, "role"),
        ({"role": ""}, "role"),
        None,
    ),
    "create invitation": Route(
        "POST",
        "lead",
        _url("/invitations"),
        {"role": "observer", "expires_in_days": 14},
        ({"role": "observer", "expires_in_days": "14"}, "expires_in_days"),
        ({"role": "  "}, "role"),
        ({"role": "observer", "label": "L" * 121}, "label"),
    ),
    "re-entry link": Route(
        "POST",
        "lead",
        lambda s: s.world.url(f"/members/{s.world.member_ids['beneficiary']}/reentry-link"),
        {"expires_in_days": 7},
        ({"expires_in_days": 7.5}, "expires_in_days"),
        None,
        None,
    ),
    "accept invitation": Route(
        "POST",
        "anonymous",
        lambda s: f"/api/invitations/{s.token}/accept",
        {"display_name": "Samia"},
        ({"display_name": 42}, "display_name"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "S" * 81}, "display_name"),
    ),
}


def valid_body(scene: Scene, route: Route) -> dict[str, Any]:
    return route.body(scene) if callable(route.body) else dict(route.body)


def refusals(scene: Scene, requests: list[tuple[str, Route, dict[str, Any]]], status: int, code: str) -> list[str]:
    """Send each request; return what went wrong: a reply other than the expected error
    (and, for 422, a detail naming the field), or any change in the database."""
    app: Flask = scene.world.app
    problems = []
    for label, route, request in requests:
        field = request.pop("field", None)
        before = snapshot(app)
        reply = scene.world.client(route.who).request(route.method, route.path(scene), **request)
        try:
            assert_error(reply, status, code, field=field)
        except AssertionError:
            problems.append(f"{label}: {reply.status_code} {reply.get_data(as_text=True)[:300]}")
        if snapshot(app) != before:
            problems.append(f"{label}: the database changed")
    return problems


def every_route(
    make: Callable[[Scene, Route], dict[str, Any] | None], scene: Scene
) -> list[tuple[str, Route, dict[str, Any]]]:
    requests = []
    for name, route in ROUTES.items():
        request = make(scene, route)
        if request is not None:
            requests.append((name, route, request))
    return requests


def test_the_valid_bodies_of_this_file_are_accepted(scene: Scene) -> None:
    """The cases below differ from these bodies only by what is wrong with them."""
    for name, route in ROUTES.items():
        reply = scene.world.client(route.who).request(route.method, route.path(scene), valid_body(scene, route))
        assert reply.status_code in (200, 201, 202), (name, reply.get_json())


@pytest.mark.parametrize(
    "text",
    ['{"title": ', "{'title': 'x'}", "[1, 2,]", '{"title": "x"} trailing'],
    ids=["cut", "quotes", "comma", "trailing"],
)
def test_malformed_json_is_400(scene: Scene, text: str) -> None:
    requests = every_route(lambda s, r: {"data": text, "content_type": "application/json"}, scene)

    problems = refusals(scene, requests, 400, "malformed_json")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "body",
    [[], ["title"], "", "title", 0, 42, False, True],
    ids=["empty-array", "array", "empty-string", "string", "zero", "number", "false", "true"],
)
def test_a_json_body_that_is_not_an_object_is_422(scene: Scene, body: Any) -> None:
    requests = every_route(lambda s, r: {"data": json.dumps(body), "content_type": "application/json"}, scene)

    problems = refusals(scene, requests, 422, "validation_error")
    assert not problems, "\n".join(problems)


def test_a_field_of_the_wrong_type_is_422_naming_it(scene: Scene) -> None:
    requests = every_route(lambda s, r: {"json": r.wrong_type[0], "field": r.wrong_type[1]}, scene)

    problems = refusals(scene, requests, 422, "validation_error")
    assert not problems, "\n".join(problems)


def test_an_unknown_extra_field_is_422_naming_it(scene: Scene) -> None:
    requests = every_route(lambda s, r: {"json": {**valid_body(s, r), "is_admin": True}, "field": "is_admin"}, scene)

    problems = refusals(scene, requests, 422, "validation_error")
    assert not problems, "\n".join(problems)


def test_an_empty_or_blank_string_is_422_naming_it(scene: Scene) -> None:
    requests = every_route(lambda s, r: r.blank and {"json": r.blank[0], "field": r.blank[1]}, scene)
    assert len(requests) == 8

    problems = refusals(scene, requests, 422, "validation_error")
    assert not problems, "\n".join(problems)


def test_a_value_over_its_maximum_length_is_422_naming_it(scene: Scene) -> None:
    requests = every_route(lambda s, r: r.too_long and {"json": r.too_long[0], "field": r.too_long[1]}, scene)
    assert len(requests) == 9

    problems = refusals(scene, requests, 422, "validation_error")
    assert not problems, "\n".join(problems)


def test_a_body_over_64_kib_is_413(scene: Scene) -> None:
    requests = every_route(lambda s, r: {"json": {**valid_body(s, r), "padding": "x" * (64 * 1024)}}, scene)

    problems = refusals(scene, requests, 413, "payload_too_large")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_body_that_is_not_sent_as_json_is_400(scene: Scene, content_type: str) -> None:
    def request(s: Scene, r: Route) -> dict[str, Any]:
        text = json.dumps(valid_body(s, r)) if content_type == "text/plain" else "title=Projet&role=observer"
        return {"data": text, "content_type": content_type}

    problems = refusals(scene, every_route(request, scene), 400, "malformed_json")
    assert not problems, "\n".join(problems)


# --- unknown ids --------------------------------------------------------------------------------


def _foreign(scene: Scene) -> dict[str, int]:
    """Ids that exist, but in another dossier (the outsider's)."""
    otto = scene.world.client("outsider")
    other = otto.post("/api/dossiers", {"title": "Projet d'Otto", "structure": "Ailleurs"}).get_json()
    url = f"/api/dossiers/{other['id']}"
    action = otto.post(f"{url}/actions", {"title": "Ailleurs"}).get_json()
    invitation = otto.post(f"{url}/invitations", {"role": "observer"}).get_json()
    member = otto.get(f"{url}/members").get_json()["members"][0]
    return {"dossier": other["id"], "action": action["id"], "invitation": invitation["id"], "member": member["id"]}


UNKNOWN_IDS = {
    "read dossier": ("GET", "/api/dossiers/{dossier}", None),
    "patch dossier": ("PATCH", "/api/dossiers/{dossier}", {"title": "Nouveau"}),
    "add action": ("POST", "/api/dossiers/{dossier}/actions", {"title": "Nouvelle"}),
    "reorder actions": ("PUT", "/api/dossiers/{dossier}/actions/order", {"action_ids": []}),
    "rename action": ("PATCH", "{mine}/actions/{action}", {"title": "Renommée"}),
    "delete action": ("DELETE", "{mine}/actions/{action}", None),
    "list members": ("GET", "/api/dossiers/{dossier}/members", None),
    "change role": ("PATCH", "{mine}/members/{member}", {"role": "observer"}),
    "remove member": ("DELETE", "{mine}/members/{member}", None),
    "re-entry link": ("POST", "{mine}/members/{member}/reentry-link", {}),
    "list invitations": ("GET", "/api/dossiers/{dossier}/invitations", None),
    "create invitation": ("POST", "/api/dossiers/{dossier}/invitations", {"role": "observer"}),
    "revoke invitation": ("DELETE", "{mine}/invitations/{invitation}", None),
}


@pytest.mark.parametrize("where", ["missing", "in-another-dossier"])
def test_an_unknown_id_is_404(scene: Scene, where: str) -> None:
    if where == "missing":
        ids = dict.fromkeys(("dossier", "action", "invitation", "member"), MISSING)
    else:
        ids = _foreign(scene)
    lead = scene.world.client("lead")
    problems = []

    for name, (method, template, body) in UNKNOWN_IDS.items():
        before = snapshot(scene.world.app)
        reply = lead.request(method, template.format(mine=scene.world.url(), **ids), body)
        try:
            assert_error(reply, 404, "not_found")
        except AssertionError:
            problems.append(f"{name}: {reply.status_code} {reply.get_data(as_text=True)[:300]}")
        if snapshot(scene.world.app) != before:
            problems.append(f"{name}: the database changed")

    assert not problems, "\n".join(problems)


# --- routes and methods ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/nope"),
        ("GET", "/api/dossiers/1/nope"),
        ("GET", "/api/forms/annexe_b/one"),
        ("POST", "/api/nope"),
        ("DELETE", "/api/dossiers/1/nope"),
    ],
)
def test_an_unknown_api_path_is_a_json_404(client: ApiClient, method: str, path: str) -> None:
    assert_error(client.request(method, path), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/api/auth/session"),
        ("PUT", "/api/dossiers"),
        ("POST", "/api/health"),
        ("PATCH", "/api/invitations/some-token"),
        ("GET", "/api/auth/login"),
        ("GET", "/api/invitations/some-token/accept"),
    ],
)
def test_a_wrong_method_is_a_json_405(client: ApiClient, method: str, path: str) -> None:
    assert_error(client.request(method, path), 405, "method_not_allowed")


def test_a_405_reply_names_the_allowed_methods(client: ApiClient) -> None:
    reply = client.request("PUT", "/api/dossiers")

    assert reply.status_code == 405
    assert set(reply.headers.get("Allow", "").replace(" ", "").split(",")) >= {"GET", "POST"}

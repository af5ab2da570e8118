"""The API keeps the contract of its own OpenAPI document, checked by schemathesis.

The real app (on SQLite and PostgreSQL) is called in-process through WSGI with cases generated from
``GET /api/openapi.json``: valid and invalid ones for every operation, anonymously and as a logged-in
lead (session cookie and CSRF header) whose own dossier ids are used as path parameters, then as
stateful sequences that follow the links schemathesis infers between operations (a created dossier's
id feeds the routes under it). Every reply must be no 5xx, a documented status, of the documented
content type and matching its documented schema; invalid input must be refused.

The number of examples is bounded (``CODOSSIER_CONTRACT_EXAMPLES``, 6 per operation and mode by default)
so that the module runs in a few minutes on two cores.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from typing import Any

import hypothesis
import hypothesis.errors
import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support import ApiClient, DossierWorld, log_in, open_login, snapshot

from .conftest import assert_error

EXAMPLES = int(os.environ.get("CODOSSIER_CONTRACT_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def session_of(world: DossierWorld, who: str) -> tuple[FlaskClient, dict[str, str]]:
    """A test client with ``who``'s session, and the CSRF header of that session."""
    client = world.app.test_client()
    if who != "anonymous":
        token = open_login(world.app, world.user_ids[who])
        with client.session_transaction() as session:
            log_in(session, world.user_ids[who], token)
    reply = client.get("/api/auth/session").get_json()
    assert (reply["user"] is None) is (who == "anonymous"), reply  # really logged in (or really not)
    return client, {"X-CSRF-Token": reply["csrf_token"]}


# Invalid input may be refused with any of the API's refusals: 413 (body over 64 KiB) too.
CONFIG = schemathesis.Config.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": [400, 401, 403, 404, 405, 409, 413, 415, 422, 429]}}}
)


def load_schema(app: Flask) -> Any:
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=CONFIG)


def run_operation(operation: Any, call: Callable[[Any], None], mode: GenerationMode, known: dict[str, Any]) -> None:
    parameters = {p.name for p in operation.path_parameters}
    fixed = {name: value for name, value in known.items() if name in parameters}
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed or None)

    @given(case=strategy)
    @SETTINGS
    def check(case: Any) -> None:
        call(case)

    check()


def call(client: FlaskClient, headers: dict[str, str], case: Any) -> None:
    case.call_and_validate(session=client, headers=headers, checks=CHECKS)


def run_every_operation(world: DossierWorld, who: str, known: dict[str, Any]) -> list[str]:
    """Fuzz every operation as ``who``; returns one line per failing operation."""
    schema = load_schema(world.app)
    client, headers = session_of(world, who)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                run_operation(operation, partial(call, client, headers), mode, known)
            except hypothesis.errors.Unsatisfiable:
                continue  # nothing to make invalid in this operation (no body, no parameter)
            except (Exception, BaseExceptionGroup) as failure:
                summary = "\n".join(str(failure).splitlines()[:14])
                failures.append(f"{who} {mode.value} {operation.method.upper()} {operation.path}: {summary}")
        # The lead may have logged out or lost the lead role to a generated request: start again.
        client, headers = session_of(world, who)
    return failures


@pytest.mark.parametrize("who", ["anonymous", "lead"])
def test_every_operation_keeps_the_contract(world: DossierWorld, who: str) -> None:
    known = {"dossier_id": world.dossier_id, "document": "storyboard"} if who == "lead" else {}

    failures = run_every_operation(world, who, known)

    assert failures == [], "\n\n".join(failures)


def test_stateful_sequences_keep_the_contract(world: DossierWorld) -> None:
    schema = load_schema(world.app)
    client, headers = session_of(world, "lead")

    statuses: list[int] = []

    class Lead(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"session": client, "headers": headers}

        def after_call(self, response: Any, case: Any) -> None:
            statuses.append(response.status_code)

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS)

    Lead.run(
        settings=hypothesis.settings(
            max_examples=EXAMPLES * 4,
            stateful_step_count=8,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    # Not vacuous: sequences ran, and some created something that later steps could follow.
    assert len(statuses) > EXAMPLES * 4 and 201 in statuses, statuses


# --- what schemathesis found, pinned down -------------------------------------------------------


def test_every_operation_documents_the_shared_refusals(client: ApiClient) -> None:
    document = client.get("/api/openapi.json").get_json()
    error = {"$ref": "#/components/schemas/ErrorReply"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            expected = {"400", "403", "413", "422"} if method in {"post", "put", "patch", "delete"} else set()
            if "{" in path:
                expected.add("404")
            responses = operation["responses"]
            assert expected <= set(responses), (method, path, sorted(responses))
            for status, reply in responses.items():
                if status >= "400":
                    assert reply["content"]["application/json"]["schema"] == error, (method, path, status)
    assert "ValidationError" not in document["components"]["schemas"]


def test_an_empty_body_is_refused_where_the_route_takes_one(world: DossierWorld) -> None:
    lead = world.client("lead")
    before = snapshot(world.app)

    reply = lead.request("PATCH", world.url(), headers={"X-CSRF-Token": lead.csrf()})

    assert_error(reply, 422, "validation_error", "(body)")
    assert snapshot(world.app) == before


def test_an_integral_float_is_the_integer_json_schema_says_it_is(world: DossierWorld) -> None:
    lead = world.client("lead")

    created = lead.post(world.url("/colleges"), {"name": "Habitants", "weight": 857.0})

    assert created.status_code == 201, created.get_json()
    assert created.get_json()["weight"] == 857
    for weight in (857.5, "857", True):
        assert_error(lead.post(world.url("/colleges"), {"name": "Voisins", "weight": weight}), 422, "validation_error")


def test_text_with_a_nul_character_is_refused_on_every_database(world: DossierWorld) -> None:
    """PostgreSQL's text columns cannot hold U+0000: it was a 500 there (and stored on SQLite)."""
    lead = world.client("lead")
    before = snapshot(world.app)

    dossier = lead.post("/api/dossiers", {"title": "Jardin\x00", "structure": "Racines"})
    assert_error(dossier, 422, "validation_error", "title")
    assert_error(lead.post(world.url("/colleges"), {"name": "Habi\x00tants"}), 422, "validation_error", "name")
    login = world.client("anonymous").post("/api/auth/login", {"email": "\x00", "password": "x"})
    assert_error(login, 422, "validation_error", "email")
    assert snapshot(world.app) == before

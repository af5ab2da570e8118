"""Comment threads on questions: open, reply, resolve and reopen; bodies stay plain text."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.support import DossierWorld, snapshot


def _open(world: DossierWorld, who: str = "beneficiary", **body: Any) -> Any:
    payload = {"question": "objectifs", "body": "Et les familles du quartier ?"} | body
    return world.client(who).post(world.url(f"/documents/action-{world.action_ids[0]}/comments"), payload)


def test_a_beneficiary_opens_a_thread_on_a_passage_and_a_partner_replies(world: DossierWorld) -> None:
    opened = _open(world, anchor={"start": "AQID", "end": "BAUG"}, quote="jardin partagé")
    assert opened.status_code == 201, opened.get_json()
    thread = opened.get_json()
    assert thread["question"] == "objectifs"
    assert thread["anchor"] == {"start": "AQID", "end": "BAUG"}
    assert thread["quote"] == "jardin partagé"
    assert thread["created_by"]["display_name"] == "Béa"
    assert thread["created_by"]["role"] == "beneficiary"

    replied = world.client("partner").post(world.url(f"/comments/{thread['id']}/replies"), {"body": "Bonne idée"})
    assert replied.status_code == 200
    assert [c["body"] for c in replied.get_json()["comments"]] == ["Et les familles du quartier ?", "Bonne idée"]

    listed = world.client("observer").get(world.url(f"/documents/action-{world.action_ids[0]}/comments"))
    assert [t["id"] for t in listed.get_json()["threads"]] == [thread["id"]]


def test_script_in_a_comment_is_kept_as_plain_text(world: DossierWorld) -> None:
    body = '<script>alert("x")</script> <b>gras</b>'
    thread = _open(world, body=body).get_json()
    assert thread["comments"][0]["body"] == body


def test_resolve_and_reopen_by_the_author_or_a_lead_only(world: DossierWorld) -> None:
    thread_id = _open(world).get_json()["id"]
    refused = world.client("partner").post(world.url(f"/comments/{thread_id}/resolve"))
    assert refused.status_code == 403
    resolved = world.client("beneficiary").post(world.url(f"/comments/{thread_id}/resolve"))
    assert resolved.status_code == 200 and resolved.get_json()["resolved_by"]["display_name"] == "Béa"
    twice = world.client("lead").post(world.url(f"/comments/{thread_id}/resolve"))
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "already_resolved"
    reopened = world.client("lead").post(world.url(f"/comments/{thread_id}/reopen"))
    assert reopened.status_code == 200 and reopened.get_json()["resolved_at"] is None


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"body": "   \n "}, 422, "validation_error"),
        ({"body": "x" * 5001}, 422, "validation_error"),
        ({"question": "pas_une_question"}, 422, "validation_error"),
        ({"question": "Objectifs"}, 422, "validation_error"),
        ({"anchor": {"start": "<script>", "end": "AQ"}}, 422, "validation_error"),
        ({"anchor": {"start": "AQ"}}, 422, "validation_error"),
        ({"colour": "red"}, 422, "validation_error"),
    ],
)
def test_bad_comments_are_refused_and_change_nothing(
    world: DossierWorld, app: Flask, body: dict[str, Any], status: int, code: str
) -> None:
    before = snapshot(app)
    reply = _open(world, **body)
    assert reply.status_code == status, reply.get_json()
    assert reply.get_json()["error"]["code"] == code
    assert snapshot(app) == before


def test_unknown_document_and_thread_are_404(world: DossierWorld, app: Flask) -> None:
    before = snapshot(app)
    lead = world.client("lead")
    assert (
        lead.post(world.url("/documents/action-999/comments"), {"question": "objectifs", "body": "x"}).status_code
        == 404
    )
    assert lead.post(world.url("/comments/999/replies"), {"body": "x"}).status_code == 404
    assert snapshot(app) == before


def test_deleting_an_action_removes_its_threads(world: DossierWorld, app: Flask) -> None:
    _open(world)
    assert world.client("lead").delete(world.url(f"/actions/{world.action_ids[0]}")).status_code == 204
    assert snapshot(app)["comment_threads"] == []
    assert snapshot(app)["comments"] == []

"""GET …/documents/{document}/authorship: who wrote each answer's current text, for every member."""

from __future__ import annotations

import pycrdt
import pytest

from server.extensions import db
from server.services import documents, members
from tests.support import DossierWorld

from .conftest import assert_error


def _typed(world: DossierWorld, who: str, peer: pycrdt.Doc, key: str, text: str) -> None:
    """``who`` appends ``text`` to the answer ``key`` (its first paragraph) from their own copy ``peer``."""
    with world.app.app_context():
        ref = documents.resolve(world.dossier_id, documents.action_document(world.action_ids[0]))
        peer.apply_update(documents.stored_state(ref))
        before = peer.get_state()
        fragment = peer.get(key, type=pycrdt.XmlFragment)
        if not len(fragment.children):
            fragment.children.append(pycrdt.XmlElement("paragraph", None, [pycrdt.XmlText()]))
        node = fragment.children[0].children[0]  # type: ignore[union-attr]
        node.insert(len(node), text)  # type: ignore[union-attr]
        documents.append([(ref, world.user_ids[who], peer.get_update(before))])
        db.session.commit()


def _path(world: DossierWorld) -> str:
    return world.url(f"/documents/{documents.action_document(world.action_ids[0])}/authorship")


def test_each_answer_lists_its_writers_most_first_with_their_role(world: DossierWorld) -> None:
    _typed(world, "lead", pycrdt.Doc(), "objectifs", "Créer du lien")
    _typed(world, "beneficiary", pycrdt.Doc(), "objectifs", " entre voisins âgés")

    reply = world.client("observer").get(_path(world))

    assert reply.status_code == 200
    answers = {a["key"]: a for a in reply.get_json()["answers"]}
    assert answers["objectifs"]["characters"] == len("Créer du lien entre voisins âgés")
    assert answers["objectifs"]["writers"] == [
        {"user_id": world.user_ids["beneficiary"], "display_name": "Béa", "role": "beneficiary", "characters": 19},
        {"user_id": world.user_ids["lead"], "display_name": "Léa Porteur", "role": "lead", "characters": 13},
    ]
    assert all(a["writers"] == [] and a["characters"] == 0 for k, a in answers.items() if k != "objectifs")


def test_a_former_members_text_still_counts_for_them_without_a_role(world: DossierWorld) -> None:
    _typed(world, "partner", pycrdt.Doc(), "objectifs", "Un potager")
    with world.app.app_context():
        members.remove_member(world.dossier_id, world.member_ids["partner"])
        db.session.commit()

    writers = world.client("lead").get(_path(world)).get_json()["answers"][0]["writers"]

    assert writers == [
        {"user_id": world.user_ids["partner"], "display_name": "Paul Partenaire", "role": None, "characters": 10}
    ]


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("lead", 200, None),
        ("partner", 200, None),
        ("beneficiary", 200, None),
        ("observer", 200, None),
        ("outsider", 404, "not_found"),
        ("anonymous", 401, "not_authenticated"),
    ],
)
def test_every_member_may_see_who_wrote_what_and_nobody_else(
    world: DossierWorld, who: str, status: int, code: str | None
) -> None:
    reply = world.client(who).get(_path(world))

    if code is None:
        assert reply.status_code == status
    else:
        assert_error(reply, status, code)


@pytest.mark.parametrize("name", ["action-05", "action-999999", "storyboard2"])
def test_an_unknown_document_is_not_found(world: DossierWorld, name: str) -> None:
    assert_error(world.client("lead").get(world.url(f"/documents/{name}/authorship")), 404, "not_found")

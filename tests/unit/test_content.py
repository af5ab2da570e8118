"""The content hash and the missing answers, computed by the server from the stored CRDT.

Answers are written the way the relay stores them: a pycrdt update appended to
the document's log (``documents.append``) and committed, with TipTap's schema
(one ``XmlFragment`` per question key holding ``paragraph`` elements).

The helpers :func:`write_answers` and :func:`fill_required` are shared with the
lifecycle tests (API and live).
"""

from __future__ import annotations

import re

import pycrdt
from flask import Flask

from server.extensions import db
from server.models import Dossier
from server.services import actions, content, documents, dossiers
from server.services.forms import get_template
from tests.support import DossierWorld

# Annexe B v1, in the form's order: the questions a dossier cannot be submitted without.
REQUIRED = (
    "objectifs",
    "descriptif",
    "public_beneficiaire",
    "methodes_moyens",
    "calendrier",
    "besoins",
    "diagnostic",
    "nouveaute_locale",
    "adaptation",
    "enjeux_globaux",
    "partenariat_inedit",
    "outils_methodes",
    "chemin_faisant",
    "pratiques_collaboratives",
)
OPTIONAL = ("inspiration", "autres_informations")


# --- helpers shared with the lifecycle tests ---------------------------------------


def write_answers(app: Flask, dossier_id: int, action_id: int, answers: dict[str, str], author_id: int) -> None:
    """Replace each answer with one paragraph of text (empty text: an empty fragment), as one stored update."""
    with app.app_context():
        ref = documents.DocumentRef(dossier_id, documents.action_document(action_id))
        doc = documents.load_doc(ref)
        before = doc.get_state()
        for key, text in answers.items():
            fragment = doc.get(key, type=pycrdt.XmlFragment)
            del fragment.children[0 : len(fragment.children)]
            if text:
                node = pycrdt.XmlText()
                fragment.children.append(pycrdt.XmlElement("paragraph", None, [node]))
                node.insert(0, text)
        update = doc.get_update(before)
        documents.append([(ref, author_id, update)])
        db.session.commit()
        db.session.remove()


def fill_required(app: Flask, dossier_id: int, action_ids: list[int], author_id: int) -> None:
    """Answer every required question of each action."""
    for action_id in action_ids:
        write_answers(
            app,
            dossier_id,
            action_id,
            {key: f"Réponse « {key} » de l'action {action_id}." for key in REQUIRED},
            author_id,
        )


def hash_of(app: Flask, dossier_id: int) -> str:
    with app.app_context():
        try:
            return content.content_hash(db.session.get(Dossier, dossier_id))
        finally:
            db.session.remove()


def missing_of(app: Flask, dossier_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        try:
            return [(m.action_id, m.question_key) for m in content.missing_answers(db.session.get(Dossier, dossier_id))]
        finally:
            db.session.remove()


# --- the content hash ---------------------------------------------------------------


def test_the_content_hash_is_sha256_hex_and_stable(world: DossierWorld) -> None:
    first = hash_of(world.app, world.dossier_id)
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert hash_of(world.app, world.dossier_id) == first
    write_answers(
        world.app, world.dossier_id, world.action_ids[0], {"objectifs": "Créer un jardin."}, world.user_ids["lead"]
    )
    answered = hash_of(world.app, world.dossier_id)
    assert answered != first
    assert [hash_of(world.app, world.dossier_id) for _ in range(3)] == [answered] * 3


def test_the_content_hash_follows_the_text_not_the_edit_history(world: DossierWorld) -> None:
    lead, (jardin, _) = world.user_ids["lead"], world.action_ids
    write_answers(world.app, world.dossier_id, jardin, {"objectifs": "Créer un jardin."}, lead)
    original = hash_of(world.app, world.dossier_id)

    write_answers(world.app, world.dossier_id, jardin, {"objectifs": "Créer deux jardins."}, lead)
    changed = hash_of(world.app, world.dossier_id)
    assert changed != original

    # The same words again (through more CRDT history): the same content, the same hash.
    write_answers(world.app, world.dossier_id, jardin, {"objectifs": "Créer un jardin."}, lead)
    assert hash_of(world.app, world.dossier_id) == original


def test_the_content_hash_changes_with_any_answer_of_any_action(world: DossierWorld) -> None:
    lead = world.user_ids["lead"]
    seen = {hash_of(world.app, world.dossier_id)}
    for action_id in world.action_ids:
        for key in ("objectifs", "inspiration", "autres_informations"):
            write_answers(world.app, world.dossier_id, action_id, {key: f"{key} {action_id}"}, lead)
            seen.add(hash_of(world.app, world.dossier_id))
    assert len(seen) == 1 + 2 * 3


def test_the_content_hash_changes_when_an_action_is_renamed(world: DossierWorld) -> None:
    before = hash_of(world.app, world.dossier_id)
    with world.app.app_context():
        actions.rename_action(world.dossier_id, world.action_ids[0], "Jardin potager")
        db.session.remove()
    renamed = hash_of(world.app, world.dossier_id)
    assert renamed != before
    with world.app.app_context():
        actions.rename_action(world.dossier_id, world.action_ids[0], "Jardin")
        db.session.remove()
    assert hash_of(world.app, world.dossier_id) == before


def test_the_content_hash_changes_when_the_actions_are_reordered(world: DossierWorld) -> None:
    lead = world.user_ids["lead"]
    for action_id in world.action_ids:
        write_answers(world.app, world.dossier_id, action_id, {"objectifs": f"Objectifs {action_id}"}, lead)
    before = hash_of(world.app, world.dossier_id)
    with world.app.app_context():
        actions.reorder_actions(world.dossier_id, list(reversed(world.action_ids)))
        db.session.remove()
    reordered = hash_of(world.app, world.dossier_id)
    assert reordered != before
    with world.app.app_context():
        actions.reorder_actions(world.dossier_id, world.action_ids)
        db.session.remove()
    assert hash_of(world.app, world.dossier_id) == before


def test_the_content_hash_covers_the_dossier_title(world: DossierWorld) -> None:
    before = hash_of(world.app, world.dossier_id)
    with world.app.app_context():
        dossiers.update_dossier(world.dossier_id, title="Projet Jardin partagé 2026")
        db.session.remove()
    assert hash_of(world.app, world.dossier_id) != before


def test_the_hashed_snapshot_names_what_the_hash_covers(world: DossierWorld) -> None:
    lead, jardin = world.user_ids["lead"], world.action_ids[0]
    write_answers(world.app, world.dossier_id, jardin, {"objectifs": "Un <jardin> & des **fleurs**"}, lead)
    with world.app.app_context():
        first = content.snapshot(db.session.get(Dossier, world.dossier_id))
        db.session.remove()
    with world.app.app_context():
        again = content.snapshot(db.session.get(Dossier, world.dossier_id))
        db.session.remove()
    assert first == again
    assert first["format"] == "codossier-content-v1"
    assert first["title"] == "Projet Jardin partagé"
    assert [a["title"] for a in first["actions"]] == ["Jardin", "Cuisine"]
    # The answer as the server renders it from the CRDT, escaped.
    assert first["actions"][0]["answers"]["objectifs"] == "<p>Un &lt;jardin&gt; &amp; des **fleurs**</p>"
    assert list(first["actions"][0]["answers"]) == list(REQUIRED[:8]) + ["inspiration"] + list(REQUIRED[8:]) + [
        "autres_informations"
    ]


# --- missing answers ------------------------------------------------------------------


def test_the_form_marks_exactly_these_questions_required(world: DossierWorld) -> None:
    with world.app.app_context():
        dossier = db.session.get(Dossier, world.dossier_id)
        template = get_template(dossier.template_id, dossier.template_version)
        db.session.remove()
    assert template is not None
    assert tuple(q.key for q in template.questions if q.required) == REQUIRED
    assert tuple(q.key for q in template.questions if not q.required) == OPTIONAL


def test_a_new_dossier_misses_every_required_answer_in_form_order(world: DossierWorld) -> None:
    jardin, cuisine = world.action_ids
    assert missing_of(world.app, world.dossier_id) == [(jardin, k) for k in REQUIRED] + [(cuisine, k) for k in REQUIRED]


def test_missing_answers_lists_exactly_the_empty_required_questions(world: DossierWorld) -> None:
    lead, (jardin, cuisine) = world.user_ids["lead"], world.action_ids
    # Optional answers do not count; blank ones do not either.
    write_answers(
        world.app,
        world.dossier_id,
        jardin,
        {
            "objectifs": "Un jardin.",
            "calendrier": "   ",
            "inspiration": "Les Incroyables Comestibles",
            "diagnostic": "Constat.",
        },
        lead,
    )
    write_answers(world.app, world.dossier_id, cuisine, {key: "Oui." for key in REQUIRED if key != "adaptation"}, lead)
    expected = [(jardin, k) for k in REQUIRED if k not in ("objectifs", "diagnostic")] + [(cuisine, "adaptation")]
    assert missing_of(world.app, world.dossier_id) == expected

    # Emptying an answer makes it missing again; answering the rest leaves nothing missing.
    write_answers(world.app, world.dossier_id, cuisine, {"objectifs": ""}, lead)
    assert (cuisine, "objectifs") in missing_of(world.app, world.dossier_id)
    fill_required(world.app, world.dossier_id, world.action_ids, lead)
    assert missing_of(world.app, world.dossier_id) == []


def test_missing_answers_name_the_action_and_the_question(world: DossierWorld) -> None:
    fill_required(world.app, world.dossier_id, world.action_ids[1:], world.user_ids["lead"])
    with world.app.app_context():
        missing = content.missing_answers(db.session.get(Dossier, world.dossier_id))
        db.session.remove()
    assert [(m.action_id, m.action_title, m.question_key) for m in missing][:2] == [
        (world.action_ids[0], "Jardin", "objectifs"),
        (world.action_ids[0], "Jardin", "descriptif"),
    ]
    assert all(m.question_label_fr and m.question_label_en for m in missing)
    assert len(missing) == len(REQUIRED)


def test_missing_answers_follow_the_action_order(world: DossierWorld) -> None:
    jardin, cuisine = world.action_ids
    with world.app.app_context():
        actions.reorder_actions(world.dossier_id, [cuisine, jardin])
        db.session.remove()
    assert [a for a, _ in missing_of(world.app, world.dossier_id)] == [cuisine] * len(REQUIRED) + [jardin] * len(
        REQUIRED
    )

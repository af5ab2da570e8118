"""The shipped form templates match the funder's documents; broken templates are refused clearly."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from server.services.forms import (
    FormTemplate,
    TemplateError,
    Text,
    all_templates,
    get_template,
    latest_template,
    parse_template,
)

# The funder's documents the templates are taken from, kept beside the templates.
SEEDS = Path(__file__).parents[2] / "server" / "forms" / "sources"
SHARED_SEEDS = Path(__file__).parents[3] / "shared" / "seeds"
ANNEXE_SEED = SEEDS / "000_893ecc626cf8c211.txt"
STORYBOARD_SEED = SEEDS / "001_e757e938d1e8a059.txt"

ANNEXE_KEYS = (
    "objectifs",
    "descriptif",
    "public_beneficiaire",
    "methodes_moyens",
    "calendrier",
    "besoins",
    "diagnostic",
    "nouveaute_locale",
    "inspiration",
    "adaptation",
    "enjeux_globaux",
    "partenariat_inedit",
    "outils_methodes",
    "chemin_faisant",
    "pratiques_collaboratives",
    "autres_informations",
)
ANNEXE_OPTIONAL = {"inspiration", "autres_informations"}

STORYBOARD_KEYS = (
    "besoin_collectif",
    "place_beneficiaires",
    "multi_partenariat",
    "ancrage_territorial",
    "gouvernance_partagee",
    "ressources_hybrides",
    "accessibilite",
    "usage_finalite",
    "modalites_diffusion",
    "changement_social",
    "rupture_contextualisee",
    "clap",
)


def norm(text: str) -> str:
    """Collapse every run of whitespace (no-break spaces included) to one space."""
    return " ".join(text.split())


def letters(text: str) -> str:
    """Only the letters and digits, case-folded: compares titles across capitalisation and punctuation."""
    return "".join(c for c in text.casefold() if c.isalnum())


def lines_of(text: str) -> list[str]:
    return [norm(line) for line in text.splitlines() if line.strip()]


def strip_colon(line: str) -> str:
    return re.sub(r"\s*:$", "", line)


def annexe() -> FormTemplate:
    template = get_template("annexe_b", 1)
    assert template is not None
    return template


def storyboard() -> FormTemplate:
    template = get_template("storyboard", 1)
    assert template is not None
    return template


def all_texts(template: FormTemplate) -> list[Text]:
    texts: list[Text] = [template.title, *template.intro]
    if template.subtitle:
        texts.append(template.subtitle)
    if template.title_field:
        texts += [template.title_field.label, template.title_field.wording, template.title_field.easy]
    for section in template.sections:
        texts.append(section.title)
        if section.wording:
            texts.append(section.wording)
        for q in section.questions:
            texts += [q.label, q.wording, q.easy, *q.markers]
    return texts


# --- the seeds, parsed ------------------------------------------------------------------


def annexe_seed_lines() -> list[str]:
    return lines_of(ANNEXE_SEED.read_text(encoding="utf-8"))


def annexe_seed_part(start: str, end: str) -> list[str]:
    """The seed's lines from the one starting with ``start`` up to (excluded) the one starting with ``end``."""
    lines = annexe_seed_lines()
    first = next(i for i, line in enumerate(lines) if line.startswith(start))
    last = next(i for i, line in enumerate(lines) if line.startswith(end))
    return lines[first:last]


def annexe_seed_questions() -> list[str]:
    return [line for line in annexe_seed_lines() if "?" in line]


def annexe_seed_description_items() -> list[str]:
    """The bullets under "Description du projet ou de l’action :", without their punctuation."""
    lines = annexe_seed_lines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Description du projet"))
    items = []
    for line in lines[start + 1 :]:
        if not line.startswith("·"):
            break
        items.append(line.lstrip("· ").rstrip(",."))
    return items


def storyboard_seed() -> list[tuple[str, list[str], list[str]]]:
    """(title, guiding questions, markers) of each séquence, in order.

    A line starting with a lower-case letter continues the previous one (the seed
    wraps long sentences), unless the previous one is a complete question.
    """
    sequences: list[tuple[str, list[str]]] = []
    for raw in STORYBOARD_SEED.read_text(encoding="utf-8").splitlines():
        line = norm(raw)
        if not line:
            continue
        if line.startswith("Document réalisé"):
            break
        if line.startswith("SÉQUENCE"):
            sequences.append((line.removeprefix("SÉQUENCE").strip(" :«»"), []))
        elif sequences:
            logical = sequences[-1][1]
            if logical and line[0].islower() and not logical[-1].endswith("?"):
                logical[-1] += " " + line
            else:
                logical.append(line)

    def is_question(line: str) -> bool:
        return "?" in line or "!" in line

    return [
        (title, [x for x in lines if is_question(x)], [x for x in lines if not is_question(x)])
        for title, lines in sequences
    ]


# --- the shipped templates --------------------------------------------------------------


@pytest.mark.parametrize(
    ("template_id", "version", "kind", "sections"),
    [("annexe_b", 1, "action", 6), ("storyboard", 1, "storyboard", 12)],
)
def test_shipped_template_loads(template_id: str, version: int, kind: str, sections: int) -> None:
    template = all_templates()[(template_id, version)]
    assert get_template(template_id, version) is template
    assert latest_template(template_id) is template
    assert (template.id, template.version, template.kind) == (template_id, version, kind)
    assert len(template.sections) == sections
    assert (SEEDS / template.source).is_file()


def test_only_the_two_shipped_templates() -> None:
    assert set(all_templates()) == {("annexe_b", 1), ("storyboard", 1)}


def test_unknown_template_is_none() -> None:
    assert get_template("annexe_b", 99) is None
    assert get_template("nope", 1) is None


@pytest.mark.parametrize("template_id", ["annexe_b", "storyboard"])
def test_keys_are_unique(template_id: str) -> None:
    template = latest_template(template_id)
    question_keys = [q.key for q in template.questions]
    section_keys = [s.key for s in template.sections]
    assert len(set(question_keys)) == len(question_keys)
    assert len(set(section_keys)) == len(section_keys)


@pytest.mark.parametrize("template_id", ["annexe_b", "storyboard"])
def test_every_question_has_a_plain_language_wording_with_an_example(template_id: str) -> None:
    template = latest_template(template_id)
    easies = [q.easy for q in template.questions]
    if template.title_field:
        easies.append(template.title_field.easy)
    for easy in easies:
        assert "Par exemple" in easy.fr, easy.fr
        assert "For example" in easy.en, easy.en
        assert len(lines_of(easy.fr)) >= 2, easy.fr


@pytest.mark.parametrize("template_id", ["annexe_b", "storyboard"])
def test_no_stray_whitespace(template_id: str) -> None:
    for text in all_texts(latest_template(template_id)):
        for value in (text.fr, text.en):
            assert value == value.strip(), repr(value)
            assert "  " not in value, repr(value)


def test_annexe_b_questions_and_rules() -> None:
    template = annexe()
    assert [q.key for q in template.questions] == list(ANNEXE_KEYS)
    assert template.sections[0].key == "description"
    assert [q.key for q in template.sections[0].questions] == list(ANNEXE_KEYS[:5])
    for q in template.questions:
        assert q.required is (q.key not in ANNEXE_OPTIONAL), q.key
        assert q.soft_limit is not None and q.soft_limit >= 500, q.key
        assert q.markers == ()
    assert template.question("descriptif").soft_limit == 4000


def test_storyboard_questions_and_rules() -> None:
    template = storyboard()
    assert template.title_field is None
    assert [s.key for s in template.sections] == list(STORYBOARD_KEYS)
    for section in template.sections:
        assert len(section.questions) == 1, section.key
        (q,) = section.questions
        assert q.key == section.key
        assert q.required is False
        assert q.soft_limit == 2500


# --- the Annexe B against its seed ------------------------------------------------------


def test_annexe_b_title_subtitle_and_source() -> None:
    template = annexe()
    lines = annexe_seed_lines()
    assert template.source == ANNEXE_SEED.name
    assert norm(template.title.fr) == "Annexe B : action d’innovation sociale"
    assert norm(template.title.fr).casefold() == lines[0].casefold()
    assert template.subtitle is not None
    assert norm(template.subtitle.fr) == lines[1]


def test_annexe_b_title_field_is_the_intitule() -> None:
    title_field = annexe().title_field
    assert title_field is not None
    lines = annexe_seed_lines()
    index = next(i for i, line in enumerate(lines) if line.startswith("Intitulé de l’action"))
    assert title_field.label.fr == strip_colon(lines[index]) == "Intitulé de l’action"
    assert norm(title_field.wording.fr) == lines[index + 1]
    assert title_field.wording.fr.startswith("Dans l’hypothèse où plusieurs actions sont déposées")


def test_annexe_b_intro_is_the_seed_preamble() -> None:
    intro_lines = [line for text in annexe().intro for line in lines_of(text.fr)]
    preamble = annexe_seed_part("Un projet innovant socialement", "Description du projet")
    assert intro_lines == preamble
    assert len(annexe().intro) == 3


def test_annexe_b_description_items() -> None:
    items = annexe_seed_description_items()
    assert items == [
        "objectifs",
        "descriptif",
        "public bénéficiaire",
        "méthodes et moyens mis en œuvre",
        "calendrier retenu",
    ]
    description = annexe().sections[0]
    assert norm(description.title.fr) == strip_colon(
        next(line for line in annexe_seed_lines() if line.startswith("Description du projet"))
    )
    assert [norm(q.wording.fr) for q in description.questions] == items


def test_every_seed_question_is_in_annexe_b() -> None:
    wording_lines = {line for q in annexe().questions for line in lines_of(q.wording.fr)}
    seed_questions = annexe_seed_questions()
    assert len(seed_questions) == 11
    missing = [line for line in seed_questions if line not in wording_lines]
    assert not missing


def test_annexe_b_wordings_are_all_from_the_seed() -> None:
    """Nothing in the funder's wording is invented: every line is a line of the seed."""
    expected = set(annexe_seed_questions()) | set(annexe_seed_description_items())
    expected.add(strip_colon(next(line for line in annexe_seed_lines() if line.startswith("Autres informations"))))
    wording_lines = [line for q in annexe().questions for line in lines_of(q.wording.fr)]
    assert sorted(wording_lines) == sorted(expected)


@pytest.mark.parametrize("text", ["Intitulé de l’action", "Autres informations qui vous sembleraient pertinentes"])
def test_named_fields_are_in_annexe_b(text: str) -> None:
    template = annexe()
    assert template.title_field is not None
    places = [template.title_field.label, template.title_field.wording]
    places += [t for q in template.questions for t in (q.label, q.wording)]
    assert any(text in norm(t.fr) for t in places)


def test_enjeux_globaux_holds_both_sentences() -> None:
    lines = lines_of(annexe().question("enjeux_globaux").wording.fr)
    assert len(lines) == 2
    assert lines[0].startswith("L’initiative prend elle en compte un ou des enjeux globaux")
    assert lines[1].startswith("Cet enjeu est-il particulièrement mal pris en compte")


# --- the storyboard against its seed ----------------------------------------------------


def test_storyboard_title_and_subtitle_are_from_the_seed() -> None:
    seed = norm(STORYBOARD_SEED.read_text(encoding="utf-8"))
    template = storyboard()
    assert template.source == STORYBOARD_SEED.name
    assert template.title.fr == "Le storyboard de l'innovation sociale"
    assert template.title.fr.casefold() in seed.casefold()
    assert template.subtitle is not None
    assert template.subtitle.fr == "Transmettre les bonnes pratiques de l'innovation sociale"
    assert template.subtitle.fr in seed


def test_every_sequence_is_a_section() -> None:
    seed_titles = [title for title, _, _ in storyboard_seed()]
    assert len(seed_titles) == 12
    assert [letters(s.title.fr) for s in storyboard().sections] == [letters(t) for t in seed_titles]


@pytest.mark.parametrize(("index", "key"), list(enumerate(STORYBOARD_KEYS)), ids=list(STORYBOARD_KEYS))
def test_sequence_questions_and_markers(index: int, key: str) -> None:
    _, questions, markers = storyboard_seed()[index]
    section = storyboard().sections[index]
    assert section.key == key
    (question,) = section.questions
    assert question.key == key
    assert questions, "every séquence has guiding questions"
    assert lines_of(question.wording.fr) == questions
    assert len(lines_of(question.wording.en)) == len(questions)
    assert [norm(m.fr) for m in question.markers] == markers


# --- broken templates -------------------------------------------------------------------


def minimal_template() -> dict[str, Any]:
    text = {"fr": "Texte", "en": "Text"}
    return {
        "id": "essai",
        "version": 1,
        "kind": "action",
        "title": dict(text),
        "source": "essai.txt",
        "sections": [
            {
                "key": "partie",
                "title": dict(text),
                "questions": [
                    {
                        "key": "premiere",
                        "label": dict(text),
                        "wording": dict(text),
                        "easy": dict(text),
                        "required": True,
                        "soft_limit": 100,
                    }
                ],
            }
        ],
    }


def write(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_minimal_template_is_valid(tmp_path: Path) -> None:
    template = parse_template(write(tmp_path / "essai.yaml", minimal_template()))
    assert template.question("premiere") is not None


def _drop_fr(t: dict[str, Any]) -> None:
    del t["sections"][0]["questions"][0]["label"]["fr"]


def _duplicate_question(t: dict[str, Any]) -> None:
    questions = copy.deepcopy(t["sections"][0]["questions"])
    t["sections"].append({"key": "autre", "title": {"fr": "Autre", "en": "Other"}, "questions": questions})


def _unknown_top_level_key(t: dict[str, Any]) -> None:
    t["colour"] = "blue"


def _bad_key(t: dict[str, Any]) -> None:
    t["sections"][0]["questions"][0]["key"] = "Première-Question"


def _negative_soft_limit(t: dict[str, Any]) -> None:
    t["sections"][0]["questions"][0]["soft_limit"] = -5


def _unknown_kind(t: dict[str, Any]) -> None:
    t["kind"] = "survey"


def _no_sections(t: dict[str, Any]) -> None:
    t["sections"] = []


def _empty_fr(t: dict[str, Any]) -> None:
    t["sections"][0]["questions"][0]["easy"]["fr"] = ""


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (_drop_fr, ["sections.0.questions.0.label.fr", "Field required"]),
        (_duplicate_question, ["question key(s) used twice: premiere"]),
        (_unknown_top_level_key, ["colour", "Extra inputs are not permitted"]),
        (_bad_key, ["sections.0.questions.0.key", "should match pattern"]),
        (_negative_soft_limit, ["sections.0.questions.0.soft_limit", "greater than 0"]),
        (_unknown_kind, ["kind", "'action' or 'storyboard'"]),
        (_no_sections, ["sections", "at least 1"]),
        (_empty_fr, ["sections.0.questions.0.easy.fr", "at least 1 character"]),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else None,
)
def test_broken_template_is_refused(
    tmp_path: Path, breakage: Callable[[dict[str, Any]], None], expected: list[str]
) -> None:
    data = minimal_template()
    breakage(data)
    path = write(tmp_path / "broken.yaml", data)
    with pytest.raises(TemplateError) as caught:
        parse_template(path)
    message = str(caught.value)
    assert message.startswith("broken.yaml: ")
    for part in expected:
        assert part in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("id: essai\ntitle: {fr: [unclosed\n", "cannot be read as YAML"),
        ("- just\n- a list\n", "(top level): expected a mapping"),
        ("", "(top level): expected a mapping"),
    ],
    ids=["invalid-syntax", "not-a-mapping", "empty"],
)
def test_unreadable_template_is_refused(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        parse_template(path)
    assert str(caught.value).startswith("broken.yaml: ")
    assert expected in str(caught.value)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: essai\nversion: 1\ntitle: {fr: [unclosed\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"(?s)^broken\.yaml: cannot be read as YAML: .*line 3"):
        parse_template(path)


def test_same_id_and_version_twice_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", minimal_template())
    write(tmp_path / "b.yaml", minimal_template())
    with pytest.raises(TemplateError, match=r"^b\.yaml: id: essai version 1 is defined twice$"):
        all_templates(tmp_path)


def test_same_id_other_version_is_fine(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", minimal_template())
    write(tmp_path / "b.yaml", minimal_template() | {"version": 2})
    assert set(all_templates(tmp_path)) == {("essai", 1), ("essai", 2)}


def test_one_broken_file_stops_the_directory_load(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", minimal_template())
    data = minimal_template()
    _negative_soft_limit(data)
    write(tmp_path / "z.yaml", data | {"id": "autre"})
    with pytest.raises(TemplateError, match=r"^z\.yaml: sections\.0\.questions\.0\.soft_limit: "):
        all_templates(tmp_path)


def test_a_key_written_twice_in_one_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text("id: a\nid: b\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"twice\.yaml.*'id' appears twice"):
        parse_template(path)


@pytest.mark.parametrize(
    ("line", "problem"),
    [("version: '1'", "version"), ("kind: 3", "kind")],
)
def test_loose_values_are_refused(tmp_path: Path, line: str, problem: str) -> None:
    source = (Path(__file__).resolve().parents[2] / "server" / "forms" / "storyboard.yaml").read_text(encoding="utf-8")
    key = line.split(":")[0]
    lines = [line if original.startswith(f"{key}:") else original for original in source.splitlines()]
    path = tmp_path / "loose.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(TemplateError, match=rf"loose\.yaml: {problem}"):
        parse_template(path)


def test_the_kept_sources_are_the_shared_seeds() -> None:
    from tests.conftest import require_service

    require_service(SHARED_SEEDS.is_dir(), f"the shared seeds at {SHARED_SEEDS}")
    for kept in SEEDS.glob("*.txt"):
        assert kept.read_bytes() == (SHARED_SEEDS / kept.name).read_bytes()

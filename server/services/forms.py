"""Form templates: the funder's questions as versioned data files.

A template is a YAML file in ``server/forms/`` validated by :class:`FormTemplate`
when loaded. A broken file raises :class:`TemplateError` naming the file, the
key and the problem, so a funder's new call for projects is a data change.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError, model_validator

from .errors import NotFound

FORMS_DIR = Path(__file__).resolve().parent.parent / "forms"

Key = str


class TemplateError(Exception):
    """A template file that cannot be used; the message names file, key and problem."""


STRICT = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Text(BaseModel):
    """A text in French (authoritative) and English."""

    model_config = STRICT
    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Question(BaseModel):
    """One question: one answer (one Yjs XML fragment named by ``key``)."""

    model_config = STRICT
    key: Key = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Text
    wording: Text
    easy: Text
    required: StrictBool
    soft_limit: StrictInt | None = Field(default=None, gt=0)
    markers: tuple[Text, ...] = ()


class Section(BaseModel):
    model_config = STRICT
    key: Key = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: Text
    wording: Text | None = None
    questions: tuple[Question, ...] = Field(min_length=1)


class TitleField(BaseModel):
    """How the form names the action's title (the Annexe B's "Intitulé")."""

    model_config = STRICT
    label: Text
    wording: Text
    easy: Text


class FormTemplate(BaseModel):
    model_config = STRICT
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: StrictInt = Field(ge=1)
    kind: Literal["action", "storyboard"]
    title: Text
    subtitle: Text | None = None
    intro: tuple[Text, ...] = ()
    source: str
    title_field: TitleField | None = None
    sections: tuple[Section, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _keys_are_unique(self) -> FormTemplate:
        for kind, keys in (
            ("section", [s.key for s in self.sections]),
            ("question", [q.key for s in self.sections for q in s.questions]),
        ):
            twice = sorted({k for k in keys if keys.count(k) > 1})
            if twice:
                raise ValueError(f"{kind} key(s) used twice: {', '.join(twice)}")
        return self

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(top level)"
        problems.append(f"{where}: {item['msg']}")
    return "; ".join(problems)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a mapping with the same key twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
        for key in keys:
            if keys.count(key) > 1:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice in one mapping", node.start_mark
                )
        return super().construct_mapping(node, deep=deep)


def parse_template(path: Path) -> FormTemplate:
    """Load and validate one template file."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateError(f"{path.name}: cannot be read as YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise TemplateError(f"{path.name}: (top level): expected a mapping")
    try:
        return FormTemplate.model_validate(raw)
    except ValidationError as exc:
        raise TemplateError(f"{path.name}: {_describe(exc)}") from exc


@cache
def all_templates(directory: Path = FORMS_DIR) -> dict[tuple[str, int], FormTemplate]:
    """Every template in ``directory``, keyed by (id, version)."""
    templates: dict[tuple[str, int], FormTemplate] = {}
    for path in sorted(directory.glob("*.yaml")):
        template = parse_template(path)
        ident = (template.id, template.version)
        if ident in templates:
            raise TemplateError(f"{path.name}: id: {template.id} version {template.version} is defined twice")
        templates[ident] = template
    return templates


def get_template(template_id: str, version: int) -> FormTemplate | None:
    return all_templates().get((template_id, version))


def require_template(template_id: str, version: int) -> FormTemplate:
    """The template a dossier was made from, or NotFound when it is missing."""
    template = get_template(template_id, version)
    if template is None:
        raise NotFound("The form template of this dossier is missing.")
    return template


def latest_template(template_id: str) -> FormTemplate:
    candidates = [t for (tid, _), t in all_templates().items() if tid == template_id]
    if not candidates:
        raise TemplateError(f"no template with id {template_id!r} in {FORMS_DIR}")
    return max(candidates, key=lambda t: t.version)

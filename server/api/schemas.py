"""Request and reply models of the HTTP API (pydantic; spectree builds the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator

from ..models.base import MAX_ID
from ..services.accounts import MIN_PASSWORD_LENGTH
from ..services.invitations import MAX_VALIDITY_DAYS


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


Title = Annotated[str, _text(200)]
Name = Annotated[str, _text(80)]
# An address as a browser's <input type="email"> accepts it (WHATWG), with a dot in the domain: ASCII only,
# since the mail server must be able to write to it (an address it cannot take would fail the sign-up e-mail).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_PATTERN = rf"^[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{_LABEL}(?:\.{_LABEL})+$"
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254, pattern=EMAIL_PATTERN)]
Password = Annotated[str, StringConstraints(min_length=MIN_PASSWORD_LENGTH, max_length=256)]


def _integral(value: Any) -> Any:
    """JSON has one number type and JSON Schema's ``integer`` includes 857.0: take integral floats as ints
    (the models stay strict otherwise: no numeric strings, no bools)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# Every integer a request body carries is ``Annotated[int, Field(ge=…, le=…), INTEGRAL]`` (the bounds come
# first so that they reach the JSON Schema as minimum and maximum).
INTEGRAL = BeforeValidator(_integral)

Days = Annotated[int, Field(ge=1, le=MAX_VALIDITY_DAYS), INTEGRAL]
# Every id a request body names: a row id, so 1..MAX_ID (a larger number is a validation error, not a query).
Id = Annotated[int, Field(ge=1, le=MAX_ID), INTEGRAL]
RoleName = Literal["lead", "partner", "beneficiary", "observer"]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        """No text holds U+0000: PostgreSQL's text columns refuse it (a 500 otherwise), SQLite would keep it."""
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain the NUL character (U+0000)")
        return value


# --- errors -----------------------------------------------------------------


class ErrorDetail(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail] | None = None


class ErrorReply(BaseModel):
    error: ErrorBody


# --- auth -------------------------------------------------------------------


class SignupIn(Input):
    email: Email
    password: Password
    display_name: Name


class SignupOut(BaseModel):
    """The same for every address: a message was sent to it (see docs/api.md)."""

    email: str


class SignupConfirmIn(Input):
    token: Annotated[str, StringConstraints(min_length=1, max_length=512)]


class LoginIn(Input):
    email: Annotated[str, StringConstraints(max_length=254)]
    password: Annotated[str, StringConstraints(max_length=256)]


class UserOut(BaseModel):
    id: int
    display_name: str
    email: str | None
    has_account: bool


class SessionOut(BaseModel):
    user: UserOut | None
    csrf_token: str


class HealthOut(BaseModel):
    status: Literal["ok"]
    database: str


# --- dossiers and actions ---------------------------------------------------


class TemplateRef(BaseModel):
    id: str
    version: int


class ActionOut(BaseModel):
    id: int
    title: str
    position: int


class DossierSummary(BaseModel):
    id: int
    title: str
    structure: str
    state: str
    role: RoleName
    action_count: int
    member_count: int
    created_at: datetime


class DossierList(BaseModel):
    dossiers: list[DossierSummary]


class DossierOut(BaseModel):
    id: int
    title: str
    structure: str
    state: str
    beneficiaries_may_edit: bool
    template: TemplateRef
    storyboard_template: TemplateRef
    my_role: RoleName
    my_capabilities: list[str]
    actions: list[ActionOut]
    created_at: datetime


class DossierIn(Input):
    title: Title
    structure: Title


class DossierPatch(Input):
    title: Title | None = None
    structure: Title | None = None
    beneficiaries_may_edit: bool | None = None


class ActionIn(Input):
    title: Title


class ActionOrderIn(Input):
    action_ids: list[Id] = Field(max_length=100)


class ActionList(BaseModel):
    actions: list[ActionOut]


# --- members and invitations ------------------------------------------------


class MemberOut(BaseModel):
    id: int
    user_id: int
    display_name: str
    email: str | None
    role: RoleName
    college_id: int | None
    has_account: bool
    joined_at: datetime
    is_me: bool


class MemberList(BaseModel):
    members: list[MemberOut]


class RoleIn(Input):
    role: RoleName


class ReentryIn(Input):
    expires_in_days: Days = 14


class InvitationIn(Input):
    role: Literal["partner", "beneficiary", "observer"]
    expires_in_days: Days = 14
    label: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None = None
    email: Email | None = None


class InvitationOut(BaseModel):
    id: int
    kind: Literal["invitation", "reentry"]
    role: RoleName | None
    label: str | None
    email: str | None
    member_id: int | None
    created_at: datetime
    expires_at: datetime
    status: Literal["pending", "used", "revoked", "expired"]
    url: str


class InvitationList(BaseModel):
    invitations: list[InvitationOut]


class DossierHeading(BaseModel):
    title: str
    structure: str


class InvitationPreviewOut(BaseModel):
    kind: Literal["invitation", "reentry"]
    role: RoleName | None
    dossier: DossierHeading
    expires_at: datetime
    requires_account: bool
    display_name: str | None


class AcceptIn(Input):
    display_name: Name | None = None
    email: Email | None = None
    password: Password | None = None


class AcceptOut(BaseModel):
    session: SessionOut
    dossier_id: int


# --- live documents -----------------------------------------------------------


class AnswerOut(BaseModel):
    key: str
    html: str
    text: str
    characters: int


class AnswersOut(BaseModel):
    document: str
    answers: list[AnswerOut]


class WriterOut(BaseModel):
    user_id: int | None = Field(description="null: text stored before Codossier kept its authors")
    display_name: str | None
    role: RoleName | None = Field(description="null: no longer a member of the dossier")
    characters: int = Field(description="characters of the answer's current text this person wrote")


class AnswerAuthorshipOut(BaseModel):
    key: str
    characters: int
    writers: list[WriterOut] = Field(description="most characters first")


class AuthorshipOut(BaseModel):
    document: str
    answers: list[AnswerAuthorshipOut]


# --- comments -----------------------------------------------------------------

Anchor64 = Annotated[str, StringConstraints(min_length=1, max_length=512, pattern=r"^[A-Za-z0-9+/=_-]+$")]


class AnchorIn(Input):
    start: Anchor64
    end: Anchor64


class ThreadIn(Input):
    question: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
    body: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    anchor: AnchorIn | None = None
    quote: Annotated[str, StringConstraints(max_length=500)] | None = None


class ReplyIn(Input):
    body: Annotated[str, StringConstraints(min_length=1, max_length=5000)]


class PersonOut(BaseModel):
    id: int
    display_name: str
    role: RoleName | None


class CommentOut(BaseModel):
    id: int
    author: PersonOut
    body: str
    created_at: datetime


class AnchorOut(BaseModel):
    start: str
    end: str


class ThreadOut(BaseModel):
    id: int
    dossier_id: int
    document: str
    question: str
    anchor: AnchorOut | None
    quote: str | None
    created_by: PersonOut
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: PersonOut | None
    comments: list[CommentOut]


class ThreadList(BaseModel):
    threads: list[ThreadOut]


# --- register -----------------------------------------------------------------


class RegisterEntryOut(BaseModel):
    sequence: int
    kind: str
    content: dict[str, Any]
    previous_hash: str
    hash: str
    created_at: datetime


class RegisterOut(BaseModel):
    entries: list[RegisterEntryOut]
    head: str


class VerifyQuery(BaseModel):
    head: Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{64}$")] | None = None


class VerificationOut(BaseModel):
    ok: bool
    length: int
    head: str
    first_bad_sequence: int | None
    problem: str | None
    problem_fr: str | None


# --- collèges -----------------------------------------------------------------

Weight = Annotated[int, Field(ge=1, le=1000), INTEGRAL]


class CollegeIn(Input):
    name: Name
    weight: Weight = 1


class CollegePatch(Input):
    name: Name | None = None
    weight: Weight | None = None


class CollegeOut(BaseModel):
    id: int
    name: str
    weight: int
    member_ids: list[int]


class CollegeList(BaseModel):
    colleges: list[CollegeOut]


class MemberCollegeIn(Input):
    college_id: Id | None

"""Request and reply models of the governance API: priority votes, decisions, lifecycle."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from .schemas import INTEGRAL, Id, Input, Title

Deadline = Annotated[AwareDatetime, Field(strict=False, description="ISO 8601 with its time zone")]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Percent = Annotated[int, Field(ge=0, le=100), INTEGRAL]
RuleName = Literal["majorite_simple", "majorite_qualifiee", "consentement", "unanimite"]


class PersonRef(BaseModel):
    user_id: int
    name: str


class VoterOut(BaseModel):
    """One voter of the electorate fixed at opening (``role`` and ``college`` as they were then)."""

    user_id: int
    name: str
    role: str
    college: str | None
    voted: bool
    left: bool = Field(
        description="left the dossier while the vote was open: a vote cast still counts, none is awaited"
    )


# --- priority votes -----------------------------------------------------------


class PollIn(Input):
    closes_at: Deadline
    secret: bool = False
    adopt_on_close: bool = True


class BallotIn(Input):
    ranking: list[list[Id]] = Field(
        min_length=1, max_length=30, description="groups of action ids, best first; ties inside a group"
    )


class CandidateOut(BaseModel):
    action_id: int
    title: str


class NamedBallotOut(BaseModel):
    voter: PersonRef
    ranking: list[list[int]]


class PathOut(BaseModel):
    source: int
    target: int
    path: list[int]
    strength: str


class PollResultOut(BaseModel):
    order: list[int]
    names: dict[str, str]
    pairwise: list[list[str | None]]
    strongest: list[list[str | None]]
    paths: list[PathOut]
    ties_broken: list[list[int]]
    ballot_count: int
    total_weight: str
    explanation: dict[str, list[str]]
    tie_rule: dict[str, str]


class PollOut(BaseModel):
    id: int
    state: Literal["open", "closed", "cancelled"]
    secret: bool
    adopt_on_close: bool
    opened_by: PersonRef
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    candidates: list[CandidateOut]
    voters: list[VoterOut]
    my_ballot: list[list[int]] | None
    ballots: list[NamedBallotOut] | None = Field(description="each voter's ranking; null when ballots are secret")
    result: PollResultOut | None
    adopted_at: datetime | None
    adopted_register_sequence: int | None
    may_vote: bool
    may_close: bool
    may_propose_adoption: bool


class PollList(BaseModel):
    polls: list[PollOut]


# --- decisions ----------------------------------------------------------------


class DecisionIn(Input):
    kind: Literal["general", "priority_order", "reopen"] = "general"
    title: Title
    text: LongText
    rule: RuleName
    quorum_percent: Percent
    closes_at: Deadline
    secret: bool = False
    require_every_college: bool = False
    about_text: bool = False
    poll_id: Id | None = None


class VoteIn(Input):
    choice: Literal["pour", "contre", "abstention", "objection"]
    reason: Reason | None = None


class ObjectionIn(Input):
    maintained: bool


class AmendIn(Input):
    text: LongText
    note: Reason | None = None


class StatementIn(Input):
    statement: LongText


class RevisionOut(BaseModel):
    number: int
    text: str
    note: str | None
    created_at: datetime


class DecisionVoterOut(VoterOut):
    choice: str | None = Field(description="null when the ballot is secret (except your own) or not cast")
    reason: str | None
    maintained: bool | None
    revision: int | None


class ObjectionOut(BaseModel):
    voter: str | None
    reason: str
    maintained: bool
    revision: int


class DecisionSummary(BaseModel):
    id: int
    kind: str
    title: str
    rule: RuleName
    state: Literal["open", "closed", "cancelled"]
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    adopted: bool | None
    proposer: PersonRef
    voted_count: int
    eligible_count: int


class DecisionOut(DecisionSummary):
    text: str
    quorum_percent: int
    require_every_college: bool
    secret: bool
    content_hash: str | None
    poll_id: int | None
    colleges: dict[str, Any]
    revisions: list[RevisionOut]
    voters: list[DecisionVoterOut]
    objections: list[ObjectionOut]
    integration_round: bool
    my_vote: DecisionVoterOut | None
    outcome: dict[str, Any] | None
    register_sequence: int | None
    statement: str | None
    statement_at: datetime | None
    may_vote: bool
    may_amend: bool
    may_close: bool
    may_state: bool


class DecisionList(BaseModel):
    decisions: list[DecisionSummary]


# --- lifecycle ----------------------------------------------------------------


class FreezeIn(Input):
    rule: RuleName = "consentement"
    quorum_percent: Percent = 50
    closes_at: Deadline
    secret: bool = False
    require_every_college: bool = False


class MissingAnswerOut(BaseModel):
    action_id: int
    action_title: str
    question_key: str
    label_fr: str
    label_en: str


class FinalApprovalOut(BaseModel):
    decision_id: int
    state: str
    adopted: bool | None
    closes_at: datetime


class ReceiptOut(BaseModel):
    format: str
    dossier_id: int
    title: str
    structure: str
    content_hash: str
    register_head: str
    register_sequence: int
    submitted_at: str
    submitted_by: str


class LifecycleOut(BaseModel):
    state: str
    content_hash: str
    frozen_at: datetime | None
    frozen_content_hash: str | None
    missing_answers: list[MissingAnswerOut]
    order_required: bool
    order_adopted: bool
    final_approval: FinalApprovalOut | None
    final_approval_adopted: bool
    content_unchanged: bool
    unmet: list[Literal["frozen", "answers", "priority_order", "final_approval", "content_unchanged"]]
    reopen_decision_adopted: bool
    receipt: ReceiptOut | None

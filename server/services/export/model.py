"""The plain export model of a dossier and of a decision's minutes, built from the database.

Everything a DOCX or PDF writer needs, already worded in French and in the
order the funder expects: the cover, one Annexe B per action in the adopted
priority order, the storyboard's séquences, and the "gouvernance partagée"
annex (members, priority vote, decisions, participation, register). The
writers only lay it out; they never query the database.

Answers are the server's rendering of the CRDT (``content.snapshot``, the very
data the content hash covers), sanitized by ``rendering`` with nh3 and
sanitized again here before being marked safe for the templates.
"""

from __future__ import annotations

import html as html_lib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import nh3
from markupsafe import Markup
from sqlalchemy import func, select

from ...extensions import db
from ...models import (
    Comment,
    CommentThread,
    Decision,
    DecisionState,
    DecisionVote,
    Dossier,
    DossierState,
    PollBallot,
    PriorityPoll,
    Role,
    Submission,
    User,
)
from .. import clock, content, documents, polls, register
from ..documents import STORYBOARD, DocumentRef
from ..forms import FormTemplate, Question, require_template
from ..rendering import ALLOWED_TAGS
from . import html_blocks

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"
DRAFT_MARK = "BROUILLON"
MISSING_REQUIRED = "Réponse obligatoire manquante"
NO_ANSWER = "Sans réponse"

ROLE_LABELS = {
    Role.LEAD.value: "Structure porteuse",
    Role.PARTNER.value: "Partenaire",
    Role.BENEFICIARY.value: "Bénéficiaire",
    Role.OBSERVER.value: "Observateur",
}
ROLE_GROUPS = {
    Role.LEAD.value: "Structure porteuse",
    Role.PARTNER.value: "Partenaires",
    Role.BENEFICIARY.value: "Bénéficiaires",
    Role.OBSERVER.value: "Observateurs",
}
ROLE_ORDER = [r.value for r in (Role.LEAD, Role.PARTNER, Role.BENEFICIARY, Role.OBSERVER)]
FORMER_MEMBERS = "Anciens membres"
UNRECORDED = "Auteur non enregistré"  # text stored before authorship was kept
STATE_LABELS = {
    DossierState.DRAFT.value: "Brouillon",
    DossierState.FROZEN.value: "Figé, en attente de l’approbation finale",
    DossierState.SUBMITTED.value: "Déposé",
}
RULE_LABELS = {
    "majorite_simple": "Majorité simple",
    "majorite_qualifiee": "Majorité qualifiée (2/3)",
    "consentement": "Consentement",
    "unanimite": "Unanimité",
}
RULE_EXPLAINED = {
    "majorite_simple": "adoptée s’il y a plus de « pour » que de « contre » ; les abstentions ne comptent pas",
    "majorite_qualifiee": "adoptée si au moins 2 votes exprimés sur 3 sont « pour » ; les abstentions ne comptent pas",
    "consentement": "adoptée si aucune objection motivée n’est maintenue",
    "unanimite": "adoptée si personne ne vote « contre » et si au moins une personne vote « pour »",
}
KIND_LABELS = {
    "general": "Décision",
    "priority_order": "Adoption d’un ordre de priorité",
    "reopen": "Réouverture du dossier",
    "final_approval": "Approbation finale du dossier",
}
CHOICE_LABELS = {"pour": "Pour", "contre": "Contre", "abstention": "Abstention", "objection": "Objection"}
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


# --- wording helpers ------------------------------------------------------------------


def french_date(moment: datetime) -> str:
    local = moment.astimezone(PARIS)
    day = "1er" if local.day == 1 else str(local.day)
    return f"{day} {MONTHS[local.month - 1]} {local.year}"


def french_datetime(moment: datetime) -> str:
    local = moment.astimezone(PARIS)
    return f"{french_date(moment)} à {local.hour}{NBSP}h{NBSP}{local.minute:02d}"


def french_number(value: Fraction | int | str) -> str:
    """A count or weight the French way: 3, 2,5, 0,67."""
    number = Fraction(value) if not isinstance(value, Fraction) else value
    if number.denominator == 1:
        return str(number.numerator)
    return f"{float(number):.2f}".rstrip("0").rstrip(".").replace(".", ",")


def percent(part: int, whole: int) -> str:
    if whole <= 0:
        return "—"
    if part == 0:
        return f"0{NBSP}%"
    share = 100 * part / whole
    if share < 1:
        return f"<{NBSP}1{NBSP}%"
    return f"{round(share)}{NBSP}%"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fold(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


# --- answers ----------------------------------------------------------------------------

_HEADING = re.compile(r"<(/?)h([1-6])>")
_TAG = re.compile(r"<[^>]*>")
# Characters XML 1.0 cannot carry (DOCX) and that nobody means to type.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def safe_answer_html(raw: str) -> Markup:
    """The answer's HTML, sanitized (again) with the rendering's allow-list, headings moved below h3.

    The document's own outline uses h1 (annex, action), h2 (section) and h3
    (question); a heading inside an answer becomes h4 to h6.
    """
    cleaned = nh3.clean(_NOT_XML.sub("", raw), tags=ALLOWED_TAGS, attributes={"a": {"href"}})
    shifted = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 3, 6)}>", cleaned)
    directed = _TEXT_BLOCK.sub(_direction, shifted)
    return Markup(directed)


# A paragraph or heading (they never nest in the rendering's output) whose text starts right-to-left.
_TEXT_BLOCK = re.compile(r"<(p|h[4-6])>(.*?)</\1>", re.S)


def _direction(match: re.Match[str]) -> str:
    tag, inner = match.group(1), match.group(2)
    if html_blocks.is_rtl(html_lib.unescape(_TAG.sub("", inner))):
        return f'<{tag} dir="rtl">{inner}</{tag}>'
    return match.group(0)


def is_empty(html: str) -> bool:
    return not html_lib.unescape(_TAG.sub("", html)).strip()


@dataclass(frozen=True)
class QuestionExport:
    key: str
    label: str
    wording: str
    show_wording: bool
    required: bool
    html: Markup
    empty: bool
    missing: bool

    @property
    def wording_lines(self) -> list[str]:
        return [capitalised(line.strip()) for line in self.wording.splitlines() if line.strip()]


@dataclass(frozen=True)
class SectionExport:
    key: str
    title: str
    questions: list[QuestionExport]


@dataclass(frozen=True)
class ActionExport:
    id: int
    title: str
    rank: int
    total: int
    sections: list[SectionExport]

    @property
    def anchor(self) -> str:
        return f"action-{self.rank}"

    @property
    def questions(self) -> list[QuestionExport]:
        return [q for s in self.sections for q in s.questions]


@dataclass(frozen=True)
class SequenceExport:
    number: int | None
    key: str
    title: str
    wording_lines: list[str]
    markers: list[str]
    html: Markup
    empty: bool

    @property
    def heading(self) -> str:
        if self.number is None:
            return f"Séquence «\u00a0{self.title.lower()}\u00a0»"
        return f"Séquence {self.number} : {self.title}"


@dataclass(frozen=True)
class StoryboardExport:
    title: str
    subtitle: str | None
    sequences: list[SequenceExport]


@dataclass(frozen=True)
class MemberRow:
    name: str
    role: str
    role_label: str
    college: str | None


@dataclass(frozen=True)
class CollegeRow:
    name: str
    weight: int
    members: int


@dataclass(frozen=True)
class PriorityExport:
    poll_id: int
    opened_at: str
    closed_at: str
    adopted_at: str | None
    adopted_by: str
    register_sequence: int | None
    ballot_count: int
    total_weight: str
    weighted: bool
    secret: bool
    order: list[tuple[int, str]]
    matrix: list[list[str | None]]
    explanation: list[str]
    ties_broken: bool


@dataclass(frozen=True)
class TallyRow:
    label: str
    pour: int
    contre: int
    abstention: int
    objections_maintained: int
    objections_withdrawn: int
    participants: int
    eligible: int
    weights: str | None = None


@dataclass(frozen=True)
class ObjectionRow:
    reason: str
    maintained: bool
    voter: str | None


@dataclass(frozen=True)
class VoterRow:
    name: str
    role_label: str
    college: str | None
    voted: bool
    choice: str | None
    left: bool = False  # left the dossier while the vote was open

    @property
    def voted_label(self) -> str:
        return ("oui" if self.voted else "non") + (" (a quitté le dossier)" if self.left else "")


@dataclass(frozen=True)
class RevisionRow:
    number: int
    text: str
    note: str | None
    at: str


@dataclass(frozen=True)
class DecisionExport:
    id: int
    title: str
    kind: str
    kind_label: str
    text: str
    rule: str
    rule_label: str
    rule_explained: str
    quorum_percent: int
    quorum_reached: bool
    require_every_college: bool
    secret: bool
    proposer: str
    opened_at: str
    closed_at: str
    adopted: bool
    outcome_label: str
    participants: int
    eligible: int
    overall: TallyRow
    colleges: list[TallyRow]
    objections: list[ObjectionRow]
    reasons: list[str]
    statement: str | None
    statement_at: str | None
    content_hash: str | None
    register_sequence: int | None
    voters: list[VoterRow]
    revisions: list[RevisionRow]

    @property
    def consent(self) -> bool:
        return self.rule == "consentement"

    @property
    def quorum_label(self) -> str:
        state = "atteint" if self.quorum_reached else "non atteint"
        return (
            f"{self.quorum_percent}{NBSP}% des votants ; {state} "
            f"({self.participants} participant{'s' if self.participants > 1 else ''} sur {self.eligible})"
        )


@dataclass(frozen=True)
class ParticipationRow:
    group: str
    members: int
    text_share: str
    comments: int
    votes: int


@dataclass(frozen=True)
class ParticipationExport:
    by_role: list[ParticipationRow]
    by_college: list[ParticipationRow]
    total: ParticipationRow


@dataclass(frozen=True)
class RegisterExport:
    head: str | None
    entries: int
    verified: bool


@dataclass(frozen=True)
class Footer:
    """What every page's footer carries: two short lines (the hashes do not fit on one)."""

    first: str
    second: str

    @classmethod
    def of_dossier(cls, content_hash: str, register_head: str) -> Footer:
        return cls(f"Empreinte du contenu : {content_hash}", f"Registre : {register_head}")

    @property
    def lines(self) -> tuple[str, str]:
        return (self.first, self.second)


@dataclass(frozen=True)
class DossierExport:
    dossier_id: int
    title: str
    structure: str
    state: str
    state_label: str
    draft: bool
    date_label: str
    generated_at: datetime
    leads: list[str]
    partners: list[str]
    form_title: str
    title_label: str
    title_wording: str
    actions: list[ActionExport]
    storyboard: StoryboardExport
    members: list[MemberRow]
    colleges: list[CollegeRow]
    priority: PriorityExport | None
    decisions: list[DecisionExport]
    participation: ParticipationExport
    register: RegisterExport
    content_hash: str
    footer: Footer
    missing_count: int = 0
    order_adopted: bool = True

    @property
    def provisional_order(self) -> bool:
        """Two actions or more, and their current order is not the one a priority vote adopted."""
        return len(self.actions) > 1 and not self.order_adopted

    @property
    def mark(self) -> str | None:
        return DRAFT_MARK if self.draft else None


@dataclass(frozen=True)
class MinutesExport:
    dossier_id: int
    dossier_title: str
    structure: str
    decision: DecisionExport
    generated_at: datetime
    register_head: str | None
    footer: Footer


# --- building -------------------------------------------------------------------------


def _question(q: Question, raw: str, draft: bool) -> QuestionExport:
    wording = q.wording.fr
    empty = is_empty(raw)
    return QuestionExport(
        key=q.key,
        label=q.label.fr,
        wording=wording,
        show_wording=_fold(wording) != _fold(q.label.fr),
        required=q.required,
        html=safe_answer_html(raw),
        empty=empty,
        missing=draft and q.required and empty,
    )


def _sections(template: FormTemplate, answers: dict[str, str], draft: bool) -> list[SectionExport]:
    return [
        SectionExport(
            key=s.key,
            title=s.title.fr,
            questions=[_question(q, answers.get(q.key, ""), draft) for q in s.questions],
        )
        for s in template.sections
    ]


def _storyboard(template: FormTemplate, answers: dict[str, str]) -> StoryboardExport:
    sequences = []
    number = 0
    for section in template.sections:
        for q in section.questions:
            raw = answers.get(q.key, "")
            is_clap = section.key == "clap"
            if not is_clap:
                number += 1
            sequences.append(
                SequenceExport(
                    number=None if is_clap else number,
                    key=q.key,
                    title=section.title.fr,
                    wording_lines=[line.strip() for line in q.wording.fr.splitlines() if line.strip()],
                    markers=[m.fr.rstrip(" ;") for m in q.markers],
                    html=safe_answer_html(raw),
                    empty=is_empty(raw),
                )
            )
    return StoryboardExport(
        title=template.title.fr, subtitle=template.subtitle.fr if template.subtitle else None, sequences=sequences
    )


def _college_names(dossier: Dossier) -> dict[int, str]:
    return {c.id: c.name for c in dossier.colleges}


def _members(dossier: Dossier) -> list[MemberRow]:
    colleges = _college_names(dossier)
    rows = [
        MemberRow(
            name=m.user.display_name,
            role=m.role,
            role_label=ROLE_LABELS.get(m.role, m.role),
            college=colleges.get(m.college_id) if m.college_id is not None else None,
        )
        for m in dossier.memberships
    ]
    return sorted(rows, key=lambda r: (ROLE_ORDER.index(r.role) if r.role in ROLE_ORDER else 9, r.name.casefold()))


def _priority(dossier: Dossier) -> PriorityExport | None:
    poll = db.session.scalar(
        select(PriorityPoll)
        .where(PriorityPoll.dossier_id == dossier.id, PriorityPoll.adopted_at.is_not(None))
        .order_by(PriorityPoll.adopted_at.desc(), PriorityPoll.id.desc())
        .limit(1)
    )
    if poll is None or poll.result is None:
        return None
    result = poll.result
    names = {int(k): v for k, v in result["names"].items()}
    titles = {a.id: a.title for a in dossier.actions}
    order = [int(c) for c in result["order"]]
    index = {c: i for i, c in enumerate(poll.candidates)}
    pairwise = result["pairwise"]
    matrix = [[None if a == b else french_number(pairwise[index[a]][index[b]]) for b in order] for a in order]
    adopted_by = (
        "une décision collégiale"
        if any(d.poll_id == poll.id and d.adopted for d in _decisions_of(dossier.id))
        else "la clôture du vote"
    )
    return PriorityExport(
        poll_id=poll.id,
        opened_at=french_datetime(poll.opened_at),
        closed_at=french_datetime(poll.closed_at) if poll.closed_at else "—",
        adopted_at=french_datetime(poll.adopted_at) if poll.adopted_at else None,
        adopted_by=adopted_by,
        register_sequence=poll.adopted_register_sequence,
        ballot_count=int(result["ballot_count"]),
        total_weight=french_number(result["total_weight"]),
        weighted=bool(poll.colleges),
        secret=poll.secret,
        order=[(rank, titles.get(c, names.get(c, f"#{c}"))) for rank, c in enumerate(order, start=1)],
        matrix=matrix,
        explanation=list(result["explanation"]["fr"]),
        ties_broken=bool(result["ties_broken"]),
    )


def _decisions_of(dossier_id: int) -> list[Decision]:
    return list(
        db.session.scalars(
            select(Decision)
            .where(Decision.dossier_id == dossier_id, Decision.state == DecisionState.CLOSED.value)
            .order_by(Decision.closed_at, Decision.id)
        )
    )


def _tally(label: str, raw: dict[str, Any], weighted: bool) -> TallyRow:
    weights = None
    if weighted:
        weights = (
            f"{french_number(raw['weight_pour'])} pour, {french_number(raw['weight_contre'])} contre, "
            f"{french_number(raw['weight_abstention'])} abstention"
            f" (sur {french_number(raw['total_weight'])})"
        )
    return TallyRow(
        label=label,
        pour=int(raw["pour"]),
        contre=int(raw["contre"]),
        abstention=int(raw["abstention"]),
        objections_maintained=int(raw["objections_maintained"]),
        objections_withdrawn=int(raw["objections_withdrawn"]),
        participants=int(raw["participants"]),
        eligible=int(raw["eligible"]),
        weights=weights,
    )


def decision_export(d: Decision) -> DecisionExport:
    """A closed decision, worded for the annex and the minutes."""
    outcome = d.outcome or {}
    weighted = bool(d.colleges)
    names = dict(
        db.session.execute(
            select(User.id, User.display_name).where(
                User.id.in_([int(uid) for uid in d.electorate] + [v.user_id for v in d.votes])
            )
        ).all()
    )
    votes = {v.user_id: v for v in d.votes}
    voters = [
        VoterRow(
            name=names.get(int(uid), f"#{uid}"),
            role_label=ROLE_LABELS.get(str(voter["role"]), str(voter["role"])),
            college=str(d.colleges[voter["college"]]["name"]) if voter.get("college") in d.colleges else None,
            voted=int(uid) in votes,
            choice=None if d.secret or int(uid) not in votes else _choice_label(votes[int(uid)]),
            left=bool(voter.get("left", False)),
        )
        for uid, voter in d.electorate.items()
    ]
    voters.sort(key=lambda v: (_role_rank(v.role_label), v.college or "", v.name.casefold()))
    overall = outcome.get("overall") or {}
    return DecisionExport(
        id=d.id,
        title=d.title,
        kind=d.kind,
        kind_label=KIND_LABELS.get(d.kind, d.kind),
        text=d.text,
        rule=d.rule,
        rule_label=RULE_LABELS.get(d.rule, d.rule),
        rule_explained=RULE_EXPLAINED.get(d.rule, ""),
        quorum_percent=d.quorum_percent,
        quorum_reached=bool(outcome.get("quorum_reached")),
        require_every_college=d.require_every_college,
        secret=d.secret,
        proposer=d.proposer.display_name,
        opened_at=french_datetime(d.opened_at),
        closed_at=french_datetime(d.closed_at) if d.closed_at else "—",
        adopted=bool(d.adopted),
        outcome_label="Adoptée" if d.adopted else "Non adoptée",
        participants=int(outcome.get("participants", 0)),
        eligible=int(outcome.get("eligible", 0)),
        overall=_tally("Ensemble", overall, weighted) if overall else _tally("Ensemble", _ZERO, False),
        colleges=[
            _tally(str(d.colleges.get(cid, {}).get("name", cid)), raw, False)
            for cid, raw in (outcome.get("colleges") or {}).items()
        ],
        objections=[
            ObjectionRow(reason=str(o.get("reason") or ""), maintained=bool(o.get("maintained")), voter=o.get("voter"))
            for o in outcome.get("objections") or []
        ],
        reasons=list((outcome.get("reasons") or {}).get("fr") or []),
        statement=d.statement,
        statement_at=french_datetime(d.statement_at) if d.statement_at else None,
        content_hash=d.content_hash,
        register_sequence=d.register_sequence,
        voters=voters,
        revisions=[
            RevisionRow(number=r.number, text=r.text, note=r.note, at=french_datetime(r.created_at))
            for r in d.revisions
        ],
    )


_ZERO = {
    "pour": 0,
    "contre": 0,
    "abstention": 0,
    "objections_maintained": 0,
    "objections_withdrawn": 0,
    "participants": 0,
    "eligible": 0,
}


def _choice_label(vote: DecisionVote) -> str:
    label = CHOICE_LABELS.get(vote.choice, vote.choice)
    if vote.choice == "objection" and not vote.maintained:
        label += " (retirée)"
    return label


def _role_rank(label: str) -> int:
    labels = [ROLE_LABELS[r] for r in ROLE_ORDER]
    return labels.index(label) if label in labels else 9


def _participation(dossier: Dossier, action_ids: list[int]) -> ParticipationExport:
    text: Counter[int | None] = Counter()  # characters of the current text, by who wrote them
    for name in [documents.action_document(a) for a in action_ids] + [STORYBOARD]:
        for counts in documents.characters(DocumentRef(dossier.id, name)).values():
            text.update(counts)
    comments: Counter[int | None] = Counter(
        dict(
            db.session.execute(
                select(Comment.author_id, func.count())
                .join(CommentThread, Comment.thread_id == CommentThread.id)
                .where(CommentThread.dossier_id == dossier.id)
                .group_by(Comment.author_id)
            ).all()
        )
    )
    votes: Counter[int | None] = Counter(
        dict(
            db.session.execute(
                select(PollBallot.user_id, func.count())
                .join(PriorityPoll, PollBallot.poll_id == PriorityPoll.id)
                .where(PriorityPoll.dossier_id == dossier.id, PriorityPoll.cancelled.is_(False))
                .group_by(PollBallot.user_id)
            ).all()
        )
    )
    votes.update(
        dict(
            db.session.execute(
                select(DecisionVote.user_id, func.count())
                .join(Decision, DecisionVote.decision_id == Decision.id)
                .where(Decision.dossier_id == dossier.id, Decision.state != DecisionState.CANCELLED.value)
                .group_by(DecisionVote.user_id)
            ).all()
        )
    )
    colleges = _college_names(dossier)
    role_of = {m.user_id: m.role for m in dossier.memberships}
    college_of: dict[int | None, str | None] = {
        m.user_id: colleges.get(m.college_id) for m in dossier.memberships if m.college_id is not None
    }
    people = set(text) | set(comments) | set(votes) | set(role_of)
    total_text = sum(text.values())

    def rows(group_of: dict[int | None, str | None], order: list[str]) -> list[ParticipationRow]:
        members: Counter[str] = Counter()
        written: Counter[str] = Counter()
        said: Counter[str] = Counter()
        cast: Counter[str] = Counter()
        for person in people:
            group = group_of.get(person) or (UNRECORDED if person is None else FORMER_MEMBERS)
            if person in role_of:
                members[group] += 1
            written[group] += text[person]
            said[group] += comments[person]
            cast[group] += votes[person]
        groups = [g for g in order if g in members or written[g] or said[g] or cast[g]]
        groups += sorted(g for g in set(members) | set(written) | set(said) | set(cast) if g not in groups)
        return [
            ParticipationRow(g, members[g], percent(written[g], total_text), said[g], cast[g])
            for g in groups
            if members[g] or written[g] or said[g] or cast[g]
        ]

    by_role = rows({u: ROLE_GROUPS.get(r, r) for u, r in role_of.items()}, [ROLE_GROUPS[r] for r in ROLE_ORDER])
    by_college = (
        rows(
            {u: college_of.get(u) or ("Sans collège" if u in role_of else None) for u in people},
            [c.name for c in dossier.colleges] + ["Sans collège"],
        )
        if dossier.colleges
        else []
    )
    total = ParticipationRow(
        "Total",
        len(role_of),
        percent(total_text, total_text) if total_text else "—",
        sum(comments.values()),
        sum(votes.values()),
    )
    return ParticipationExport(by_role=by_role, by_college=by_college, total=total)


def _register(dossier_id: int) -> RegisterExport:
    head = register.head(dossier_id)
    return RegisterExport(
        head=head.hash if head else None,
        entries=head.sequence if head else 0,
        verified=register.verify(dossier_id).ok,
    )


def _date_label(dossier: Dossier, now: datetime) -> tuple[str, datetime]:
    if dossier.state == DossierState.SUBMITTED.value:
        submission = db.session.scalar(select(Submission).where(Submission.dossier_id == dossier.id))
        if submission is not None:
            return f"Déposé le {french_datetime(submission.submitted_at)}", submission.submitted_at
    if dossier.state == DossierState.FROZEN.value and dossier.frozen_at is not None:
        return f"Figé le {french_datetime(dossier.frozen_at)} ; version du {french_datetime(now)}", now
    return f"Version de travail du {french_datetime(now)}", now


def register_head_label(head: str | None) -> str:
    return head or "registre vide"


def build(dossier: Dossier, *, now: datetime | None = None) -> DossierExport:
    """The export model of the dossier as it stands now."""
    now = now or clock.now()
    snapshot = content.snapshot(dossier)
    content_hash = content.hash_of(snapshot)
    draft = dossier.state != DossierState.SUBMITTED.value
    action_template = require_template(dossier.template_id, dossier.template_version)
    storyboard_template = require_template(dossier.storyboard_template_id, dossier.storyboard_template_version)
    total = len(snapshot["actions"])
    actions = [
        ActionExport(
            id=item["id"],
            title=item["title"],
            rank=rank,
            total=total,
            sections=_sections(action_template, item["answers"], draft),
        )
        for rank, item in enumerate(snapshot["actions"], start=1)
    ]
    reg = _register(dossier.id)
    date_label, dated = _date_label(dossier, now)
    title_field = action_template.title_field
    members = _members(dossier)
    member_count = Counter(m.college_id for m in dossier.memberships if m.college_id is not None)
    return DossierExport(
        dossier_id=dossier.id,
        title=dossier.title,
        structure=dossier.structure,
        state=dossier.state,
        state_label=STATE_LABELS.get(dossier.state, dossier.state),
        draft=draft,
        date_label=date_label,
        generated_at=dated,
        leads=[m.name for m in members if m.role == Role.LEAD.value],
        partners=[m.name for m in members if m.role == Role.PARTNER.value],
        form_title=action_template.title.fr,
        title_label=title_field.label.fr if title_field else "Intitulé de l’action",
        title_wording=title_field.wording.fr if title_field else "",
        actions=actions,
        storyboard=_storyboard(storyboard_template, snapshot["storyboard"]),
        members=members,
        colleges=[CollegeRow(c.name, c.weight, member_count[c.id]) for c in dossier.colleges],
        priority=_priority(dossier),
        decisions=[decision_export(d) for d in _decisions_of(dossier.id)],
        participation=_participation(dossier, [a["id"] for a in snapshot["actions"]]),
        register=reg,
        content_hash=content_hash,
        footer=Footer.of_dossier(content_hash, register_head_label(reg.head)),
        missing_count=sum(q.missing for a in actions for q in a.questions),
        order_adopted=polls.adopted_order(dossier) == [a.id for a in actions],
    )


def build_minutes(dossier: Dossier, decision: Decision, *, now: datetime | None = None) -> MinutesExport:
    """The minutes (procès-verbal) of one closed decision."""
    head = register.head(dossier.id)
    exported = decision_export(decision)
    head_label = register_head_label(head.hash if head else None)
    if decision.content_hash:
        first = f"Empreinte du texte sur lequel porte la décision : {decision.content_hash}"
    else:
        entry = f", entrée n° {decision.register_sequence} du registre" if decision.register_sequence else ""
        first = f"Procès-verbal de la décision n° {decision.id}{entry}"
    return MinutesExport(
        dossier_id=dossier.id,
        dossier_title=dossier.title,
        structure=dossier.structure,
        decision=exported,
        generated_at=now or clock.now(),
        register_head=head.hash if head else None,
        footer=Footer(first, f"Registre : {head_label}"),
    )

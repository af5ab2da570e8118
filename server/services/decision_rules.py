"""The outcome of a collegial decision, computed and explained (DESIGN.md "Governance").

Pure: no Flask, no database. The caller passes the rule, the quorum, the
electorate and the votes cast; :func:`decide` returns an :class:`Outcome` whose
``reasons`` say in plain French (``explain("en")`` in English) why the decision
was adopted or not.

Counting conventions, decided once here:

* **Weights.** Without collèges every voter weighs 1. With collèges, a voter
  weighs their collège's weight divided by the number of *eligible* voters in
  that collège, so each collège counts for its weight in total (as in SCIC
  cooperatives); a member who does not vote leaves their share uncast. A
  collège with no eligible voter counts for nothing and is named in the
  reasons. Once collèges are defined every eligible voter must belong to one.
* **Quorum** compares *participants* (anyone who voted: pour, contre,
  abstention or objection, even withdrawn) with *eligible voters*, unweighted,
  overall only: reached when ``participants >= quorum × eligible``. Quorum not
  reached means not adopted, whatever the votes. With no eligible voter at all
  (everyone left the dossier without voting) nothing is adopted.
* **Majorité simple**: weighted pour > weighted contre; abstentions are not
  counted; equality (including no pour and no contre) is not adopted.
* **Majorité qualifiée**: weighted pour ≥ 2/3 of weighted (pour + contre) and
  at least one pour; abstentions not counted; exactly 2/3 is adopted.
* **Unanimité**: at least one pour and no contre among the votes cast;
  abstentions are allowed and do not break unanimity.
* **Consentement**: adopted unless at least one objection is maintained;
  withdrawn objections and abstentions do not block, and silence is consent
  (the quorum is what guards against it). Disagreement is voiced as an
  objection with its written reason: *contre* is refused under consent, and
  an objection is refused under every other rule. Weights do not matter here.
* **Double majority** (``require_every_college``): the rule must hold overall
  *and* within each collège that has eligible voters, computed with that
  collège's votes only (so under the majority rules a collège where nobody
  voted pour blocks). Without collèges the flag changes nothing (said so in
  the reasons).

Reasons never name voters (ballots may be secret); objections are listed,
with their voters, in :attr:`Outcome.maintained_objections`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple, TypeAlias

VoterId: TypeAlias = int | str
CollegeId: TypeAlias = int | str
Number: TypeAlias = int | float | Fraction | Decimal

TWO_THIRDS = Fraction(2, 3)
NBSP = "\u00a0"  # French typography: "50\u00a0%" (a non-breaking space before the percent sign)


class Rule(StrEnum):
    """How a decision is taken; the values are the product's vocabulary."""

    MAJORITE_SIMPLE = "majorite_simple"
    MAJORITE_QUALIFIEE = "majorite_qualifiee"
    CONSENTEMENT = "consentement"
    UNANIMITE = "unanimite"


class Choice(StrEnum):
    """What a voter can say."""

    POUR = "pour"
    CONTRE = "contre"
    ABSTENTION = "abstention"
    OBJECTION = "objection"


@dataclass(frozen=True)
class Vote:
    """One cast vote. ``reason`` and ``maintained`` matter for objections only."""

    choice: Choice
    reason: str | None = None
    maintained: bool = True


@dataclass(frozen=True)
class Objection:
    """A maintained objection, with who raised it (not shown in the reasons)."""

    voter: VoterId
    college: CollegeId | None
    reason: str


@dataclass(frozen=True)
class Tally:
    """Votes in one scope (overall or one collège): head counts and weights."""

    eligible: int
    participants: int
    total_weight: Fraction
    pour: int = 0
    contre: int = 0
    abstention: int = 0
    objections_maintained: int = 0
    objections_withdrawn: int = 0
    weight_pour: Fraction = Fraction(0)
    weight_contre: Fraction = Fraction(0)
    weight_abstention: Fraction = Fraction(0)

    @property
    def weight_expressed(self) -> Fraction:
        """Weight of the votes that count for a majority: pour + contre."""
        return self.weight_pour + self.weight_contre


class Participation(NamedTuple):
    participants: int
    eligible: int


@dataclass(frozen=True)
class Outcome:
    """The computed outcome. ``reasons`` is in French; see :meth:`explain`."""

    rule: Rule
    quorum: Fraction
    require_every_college: bool
    adopted: bool
    quorum_reached: bool
    participation: Participation
    overall: Tally
    colleges: dict[CollegeId, Tally]
    maintained_objections: tuple[Objection, ...]
    reasons: tuple[str, ...]
    reasons_en: tuple[str, ...] = field(repr=False, default=())

    def explain(self, lang: str = "fr") -> tuple[str, ...]:
        """The reasons in ``lang`` ("fr" or "en")."""
        if lang == "fr":
            return self.reasons
        if lang == "en":
            return self.reasons_en
        raise ValueError(f"unsupported language {lang!r}: use 'fr' or 'en'")


# --------------------------------------------------------------------------- input


def _fraction(value: object, what: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction | Decimal):
        raise ValueError(f"{what} must be a number, got {value!r}")
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        raise ValueError(f"{what} must be finite, got {value!r}")
    if isinstance(value, float):
        return Fraction(value).limit_denominator(1_000_000)  # 2/3 given as 0.666… is 2/3
    return Fraction(value)


def _vote(voter: VoterId, raw: Vote | Choice | str) -> Vote:
    vote = raw if isinstance(raw, Vote) else Vote(raw)  # type: ignore[arg-type]
    try:
        choice = Choice(vote.choice)
    except ValueError:
        raise ValueError(f"voter {voter!r}: unknown choice {vote.choice!r}") from None
    if choice is Choice.OBJECTION and not (vote.reason and vote.reason.strip()):
        raise ValueError(f"voter {voter!r}: an objection needs a written reason")
    if choice is not Choice.OBJECTION and not vote.maintained:
        raise ValueError(f"voter {voter!r}: only an objection can be withdrawn")
    return Vote(choice, vote.reason.strip() if vote.reason else None, vote.maintained)


# --------------------------------------------------------------------------- wording


def _pct(x: Fraction, lang: str, *, exact: bool = False) -> str:
    """A percentage with at most one decimal, truncated (never overstates a result)."""
    tenths = x * 1000
    n = round(tenths) if exact else math.floor(tenths)
    text = str(n // 10) if n % 10 == 0 else f"{n // 10}.{n % 10}"
    return f"{text.replace('.', ',')}{NBSP}%" if lang == "fr" else f"{text}%"


def _num(x: Fraction, lang: str) -> str:
    text = str(x.numerator) if x.denominator == 1 else f"{float(x):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "fr" else text


def _n(count: int, fr: str, en: str, lang: str, fr_plural: str | None = None, en_plural: str | None = None) -> str:
    if lang == "fr":
        return f"{count} {fr if count <= 1 else (fr_plural or fr + 's')}"
    return f"{count} {en if count == 1 else (en_plural or en + 's')}"


def _counts(t: Tally, lang: str, weighted: bool) -> str:
    text = f"{t.pour} pour, {t.contre} contre" if lang == "fr" else f"{t.pour} for, {t.contre} against"
    if t.abstention:
        text += ", " + _n(t.abstention, "abstention", "abstention", lang)
    if weighted:
        wp, wc = _num(t.weight_pour, lang), _num(t.weight_contre, lang)
        text += f" ; en poids : {wp} pour, {wc} contre" if lang == "fr" else f"; by weight: {wp} for, {wc} against"
    return text


def _detail(rule: Rule, t: Tally, objections: list[Objection], lang: str, weighted: bool) -> str:
    fr = lang == "fr"
    sep = " ; " if fr else "; "
    if rule is Rule.CONSENTEMENT:
        if objections:
            quoted = (
                " ; ".join(f"« {o.reason} »" for o in objections)
                if fr
                else "; ".join(f"“{o.reason}”" for o in objections)
            )
            k = len(objections)
            text = (
                _n(k, "objection maintenue", "", lang, "objections maintenues") + f" : {quoted}"
                if fr
                else _n(k, "", "objection", lang) + f" maintained: {quoted}"
            )
        else:
            text = "aucune objection maintenue" if fr else "no objection maintained"
        if t.objections_withdrawn:
            text += ", " + (
                _n(t.objections_withdrawn, "retirée", "", lang) if fr else f"{t.objections_withdrawn} withdrawn"
            )
        if t.abstention:
            text += ", " + _n(t.abstention, "abstention", "abstention", lang)
        return text
    counts = _counts(t, lang, weighted)
    expressed = t.weight_expressed
    not_counted = "abstentions non comptées" if fr else "abstentions not counted"
    if rule is Rule.MAJORITE_SIMPLE:
        notes = []
        if expressed == 0:
            notes.append("aucun vote exprimé" if fr else "no vote for or against")
        elif t.weight_pour == t.weight_contre:
            notes.append("égalité" if fr else "tie")
        if t.abstention:
            notes.append(not_counted)
        return counts + (sep + ", ".join(notes) if notes else "")
    if rule is Rule.MAJORITE_QUALIFIEE:
        if expressed == 0:
            head = "aucun vote exprimé, il fallait 2/3 de pour" if fr else "no vote for or against, 2/3 for were needed"
        else:
            share = _pct(t.weight_pour / expressed, lang)
            head = (
                f"{share} de pour parmi les votes exprimés, il fallait 2/3"
                if fr
                else f"{share} for among votes cast, 2/3 were needed"
            )
        return head + sep + counts + (f", {not_counted}" if t.abstention else "")
    # unanimité
    notes = []
    if t.pour == 0:
        notes.append("aucun pour" if fr else "nobody for")
    if t.abstention:
        notes.append("abstentions admises" if fr else "abstentions allowed")
    return counts + (sep + ", ".join(notes) if notes else "")


_ADOPTED = {
    Rule.MAJORITE_SIMPLE: ("Adoptée à la majorité simple", "Adopted by simple majority"),
    Rule.MAJORITE_QUALIFIEE: ("Adoptée à la majorité qualifiée", "Adopted by qualified majority"),
    Rule.UNANIMITE: ("Adoptée à l'unanimité", "Adopted unanimously"),
    Rule.CONSENTEMENT: ("Adoptée par consentement", "Adopted by consent"),
}
_FAILED = {
    Rule.MAJORITE_SIMPLE: ("pas de majorité simple", "no simple majority"),
    Rule.MAJORITE_QUALIFIEE: ("majorité qualifiée non atteinte", "qualified majority not reached"),
    Rule.UNANIMITE: ("pas d'unanimité", "no unanimity"),
    Rule.CONSENTEMENT: ("objection maintenue", "objection maintained"),
}
_HOLDS_OVERALL = {
    Rule.MAJORITE_SIMPLE: ("majorité simple atteinte", "simple majority reached"),
    Rule.MAJORITE_QUALIFIEE: ("majorité qualifiée atteinte", "qualified majority reached"),
    Rule.UNANIMITE: ("unanimité", "unanimous"),
    Rule.CONSENTEMENT: ("pas d'objection maintenue", "no objection maintained"),
}
_COLLEGE_HOLDS = {
    Rule.MAJORITE_SIMPLE: ("a une majorité", "has a majority"),
    Rule.MAJORITE_QUALIFIEE: ("atteint les 2/3", "reaches 2/3"),
    Rule.UNANIMITE: ("est unanime", "is unanimous"),
    Rule.CONSENTEMENT: ("ne maintient aucune objection", "maintains no objection"),
}
_COLLEGE_FAILS = {
    Rule.MAJORITE_SIMPLE: ("n'a pas de majorité", "has no majority"),
    Rule.MAJORITE_QUALIFIEE: ("n'atteint pas les 2/3", "does not reach 2/3"),
    Rule.UNANIMITE: ("n'est pas unanime", "is not unanimous"),
    Rule.CONSENTEMENT: ("maintient une objection", "maintains an objection"),
}


# --------------------------------------------------------------------------- counting


def _holds(rule: Rule, t: Tally) -> bool:
    if rule is Rule.MAJORITE_SIMPLE:
        return t.weight_pour > t.weight_contre
    if rule is Rule.MAJORITE_QUALIFIEE:
        return t.pour > 0 and t.weight_pour >= TWO_THIRDS * t.weight_expressed
    if rule is Rule.UNANIMITE:
        return t.pour > 0 and t.contre == 0
    return t.objections_maintained == 0


def _tally(voters: list[VoterId], weight: dict[VoterId, Fraction], votes: dict[VoterId, Vote]) -> Tally:
    counts = {c: 0 for c in Choice}
    weights = {c: Fraction(0) for c in Choice}
    maintained = withdrawn = 0
    for voter in voters:
        vote = votes.get(voter)
        if vote is None:
            continue
        if vote.choice is Choice.OBJECTION:
            maintained += vote.maintained
            withdrawn += not vote.maintained
        counts[vote.choice] += 1
        weights[vote.choice] += weight[voter]
    return Tally(
        eligible=len(voters),
        participants=sum(counts.values()),
        total_weight=sum((weight[v] for v in voters), Fraction(0)),
        pour=counts[Choice.POUR],
        contre=counts[Choice.CONTRE],
        abstention=counts[Choice.ABSTENTION],
        objections_maintained=maintained,
        objections_withdrawn=withdrawn,
        weight_pour=weights[Choice.POUR],
        weight_contre=weights[Choice.CONTRE],
        weight_abstention=weights[Choice.ABSTENTION],
    )


def decide(
    rule: Rule | str,
    quorum: Number,
    voters: Mapping[VoterId, CollegeId | None],
    votes: Mapping[VoterId, Vote | Choice | str],
    *,
    college_weights: Mapping[CollegeId, Number] | None = None,
    college_labels: Mapping[CollegeId, str] | None = None,
    require_every_college: bool = False,
) -> Outcome:
    """Compute and explain a decision's outcome.

    ``voters`` maps each eligible voter to their collège (``None`` without
    collèges); ``college_weights`` maps each collège to a positive weight;
    ``college_labels`` optionally names collèges in the reasons. ``votes`` maps
    voters who voted to a :class:`Vote` (or a bare :class:`Choice`). Raises
    ``ValueError`` on any inconsistent input.
    """
    try:
        rule = Rule(rule)
    except ValueError:
        raise ValueError(f"unknown rule {rule!r}") from None
    q = _fraction(quorum, "quorum")
    if not 0 <= q <= 1:
        raise ValueError(f"quorum must be between 0 and 1, got {quorum!r}")
    cweights: dict[CollegeId, Fraction] = {}
    for cid, raw_weight in (college_weights or {}).items():
        cweights[cid] = _fraction(raw_weight, f"weight of collège {cid!r}")
        if cweights[cid] <= 0:
            raise ValueError(f"weight of collège {cid!r} must be positive, got {raw_weight!r}")
    members: dict[CollegeId, list[VoterId]] = {c: [] for c in cweights}
    for voter, college in voters.items():
        if college is None:
            if cweights:
                raise ValueError(f"voter {voter!r} belongs to no collège, but collèges are defined")
        elif college not in cweights:
            raise ValueError(f"voter {voter!r} belongs to unknown collège {college!r}")
        else:
            members[college].append(voter)
    weight: dict[VoterId, Fraction] = {
        v: (cweights[c] / len(members[c]) if c is not None else Fraction(1)) for v, c in voters.items()
    }
    cast: dict[VoterId, Vote] = {}
    for voter, raw in votes.items():
        if voter not in voters:
            raise ValueError(f"vote from {voter!r}, who is not an eligible voter")
        vote = _vote(voter, raw)
        if vote.choice is Choice.OBJECTION and rule is not Rule.CONSENTEMENT:
            raise ValueError(f"voter {voter!r}: an objection is only possible under consentement, not {rule.value}")
        if vote.choice is Choice.CONTRE and rule is Rule.CONSENTEMENT:
            raise ValueError(
                f"voter {voter!r}: under consentement, disagree with an objection and its reason, not contre"
            )
        cast[voter] = vote

    overall = _tally(list(voters), weight, cast)
    colleges = {c: _tally(m, weight, cast) for c, m in members.items() if m}
    objections = [
        Objection(v, voters[v], vote.reason or "")
        for v, vote in cast.items()
        if vote.choice is Choice.OBJECTION and vote.maintained
    ]
    labels = {c: (college_labels or {}).get(c, str(c)) for c in cweights}
    weighted = bool(cweights)
    fr: list[str] = []
    en: list[str] = []

    def say(french: str, english: str) -> None:
        fr.append(french)
        en.append(english)

    for college, m in members.items():
        if not m:
            say(
                f"Le collège {labels[college]} n'a aucun votant éligible : il n'est pas pris en compte.",
                f"Collège {labels[college]} has no eligible voter: it is not taken into account.",
            )

    p, e = overall.participants, overall.eligible
    quorum_reached = e > 0 and p >= q * e
    qfr, qen = _pct(q, "fr", exact=True), _pct(q, "en", exact=True)
    if e == 0:
        say("Non adoptée : il n'y a aucun votant éligible.", "Not adopted: there is no eligible voter.")
    elif quorum_reached:
        say(
            f"Quorum atteint : {_n(p, 'participant', '', 'fr')} sur {e} (quorum {qfr}).",
            f"Quorum reached: {_n(p, '', 'participant', 'en')} out of {e} (quorum {qen}).",
        )
    else:
        need = math.ceil(q * e)
        say(
            f"Quorum non atteint : {_n(p, 'participant', '', 'fr')} sur {e}, "
            f"il en fallait au moins {need} (quorum {qfr}).",
            f"Quorum not reached: {_n(p, '', 'participant', 'en')} out of {e}, at least {need} needed (quorum {qen}).",
        )
        say("Non adoptée : le quorum n'est pas atteint.", "Not adopted: the quorum was not reached.")

    double = require_every_college and bool(colleges)
    if require_every_college and not colleges:
        say(
            "Double majorité demandée, mais aucun collège n'est défini : seule la règle d'ensemble s'applique.",
            "Double majority requested, but no collège is defined: only the overall rule applies.",
        )

    adopted = quorum_reached
    if quorum_reached:
        (ad_fr, ad_en), (no_fr, no_en) = _ADOPTED[rule], _FAILED[rule]
        overall_holds = _holds(rule, overall)
        d_fr = _detail(rule, overall, objections, "fr", weighted)
        d_en = _detail(rule, overall, objections, "en", weighted)
        if not double:
            if overall_holds:
                say(f"{ad_fr} : {d_fr}.", f"{ad_en}: {d_en}.")
            else:
                say(f"Non adoptée : {no_fr} ({d_fr}).", f"Not adopted: {no_en} ({d_en}).")
            adopted = overall_holds
        else:
            h_fr, h_en = _HOLDS_OVERALL[rule]
            if overall_holds:
                say(f"Dans l'ensemble : {h_fr} ({d_fr}).", f"Overall: {h_en} ({d_en}).")
            else:
                say(f"Non adoptée : {no_fr} dans l'ensemble ({d_fr}).", f"Not adopted: {no_en} overall ({d_en}).")
            every = True
            for college, t in colleges.items():
                mine = [o for o in objections if o.college == college]
                c_fr = _detail(rule, t, mine, "fr", False)
                c_en = _detail(rule, t, mine, "en", False)
                name = labels[college]
                if _holds(rule, t):
                    yes_fr, yes_en = _COLLEGE_HOLDS[rule]
                    say(f"Le collège {name} {yes_fr} ({c_fr}).", f"Collège {name} {yes_en} ({c_en}).")
                else:
                    every = False
                    not_fr, not_en = _COLLEGE_FAILS[rule]
                    say(
                        f"Non adoptée : le collège {name} {not_fr} ({c_fr}).",
                        f"Not adopted: collège {name} {not_en} ({c_en}).",
                    )
            adopted = overall_holds and every
            if adopted:
                say(f"{ad_fr}, dans l'ensemble et dans chaque collège.", f"{ad_en}, overall and in every collège.")

    return Outcome(
        rule=rule,
        quorum=q,
        require_every_college=require_every_college,
        adopted=adopted,
        quorum_reached=quorum_reached,
        participation=Participation(p, e),
        overall=overall,
        colleges=colleges,
        maintained_objections=tuple(objections),
        reasons=tuple(fr),
        reasons_en=tuple(en),
    )

"""Collegial decision outcomes (issue 5), table by table.

Ballots are written as one letter per eligible voter: P pour, C contre,
A abstention, O objection maintained, W objection withdrawn, "." did not vote.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import NamedTuple

import pytest

from server.services.decision_rules import Choice, Outcome, Rule, Vote, decide

MS, MQ, UN, CO = Rule.MAJORITE_SIMPLE, Rule.MAJORITE_QUALIFIEE, Rule.UNANIMITE, Rule.CONSENTEMENT
LETTERS = {
    "P": Vote(Choice.POUR),
    "C": Vote(Choice.CONTRE),
    "A": Vote(Choice.ABSTENTION),
    "O": Vote(Choice.OBJECTION, reason="budget irréaliste"),
    "W": Vote(Choice.OBJECTION, reason="calendrier trop court", maintained=False),
}


def ballots(spec: str, prefix: str = "v") -> tuple[list[str], dict[str, Vote]]:
    voters = [f"{prefix}{i}" for i in range(len(spec))]
    return voters, {v: LETTERS[c] for v, c in zip(voters, spec, strict=True) if c != "."}


def text(outcome: Outcome, lang: str = "fr") -> str:
    return " ".join(outcome.explain(lang)).replace("\u00a0", " ")


class Case(NamedTuple):
    id: str
    rule: Rule
    quorum: float | Fraction
    spec: str
    adopted: bool
    quorum_reached: bool
    says: str  # the deciding fact, in the French reasons


CASES = [
    # quorum edges (10 eligible, quorum 50 %): participants counted, abstentions included
    Case("quorum-just-below", MS, 0.5, "PPPP......", False, False, "il en fallait au moins 5 (quorum 50 %)"),
    Case("quorum-exactly-at", MS, 0.5, "PPPPC.....", True, True, "Quorum atteint : 5 participants sur 10"),
    Case("quorum-above", MS, 0.5, "PPPPCC....", True, True, "Adoptée à la majorité simple : 4 pour, 2 contre"),
    Case("quorum-reached-by-abstentions", MS, 0.5, "PPAAA.....", True, True, "abstentions non comptées"),
    Case("quorum-2/3-just-below", MQ, Fraction(2, 3), "PPPPP....", False, False, "il en fallait au moins 6"),
    Case("quorum-2/3-exactly-at", MQ, Fraction(2, 3), "PPPPPP...", True, True, "Quorum atteint : 6 participants sur 9"),
    Case("quorum-2/3-as-float-exactly-at", MQ, 2 / 3, "PPPPPP...", True, True, "Quorum atteint"),
    Case("quorum-100-one-missing", UN, 1, "PPPP.", False, False, "Quorum non atteint : 4 participants sur 5"),
    Case("quorum-100-all-there", UN, 1, "PPPPA", True, True, "Adoptée à l'unanimité"),
    Case("quorum-0-nobody-votes-ms", MS, 0, ".....", False, True, "aucun vote exprimé"),
    Case("quorum-not-reached-beats-votes", CO, 0.5, "PP...", False, False, "le quorum n'est pas atteint"),
    # majorité simple
    Case(
        "ms-equality",
        MS,
        0.5,
        "PPCCA",
        False,
        True,
        "Non adoptée : pas de majorité simple (2 pour, 2 contre, 1 abstention ; égalité",
    ),
    Case("ms-one-more-pour", MS, 0.5, "PPPCC", True, True, "3 pour, 2 contre"),
    Case("ms-more-contre", MS, 0.5, "PCCC.", False, True, "pas de majorité simple"),
    Case("ms-abstentions-not-counted", MS, 0.5, "PCAAAA", False, True, "égalité, abstentions non comptées"),
    Case("ms-one-pour-many-abstentions", MS, 0.5, "PAAAA", True, True, "1 pour, 0 contre, 4 abstentions"),
    Case("ms-everyone-abstains", MS, 0.5, "AAAAA", False, True, "aucun vote exprimé"),
    Case("ms-nobody-votes", MS, 0.5, ".....", False, False, "Quorum non atteint : 0 participant sur 5"),
    # majorité qualifiée (2/3 of pour + contre)
    Case(
        "mq-exactly-2/3",
        MQ,
        0.5,
        "PPC",
        True,
        True,
        "Adoptée à la majorité qualifiée : 66,6 % de pour parmi les votes exprimés, il fallait 2/3",
    ),
    Case("mq-exactly-2/3-with-abstentions", MQ, 0.5, "PPPPCCAA", True, True, "abstentions non comptées"),
    Case("mq-just-below-2/3", MQ, 0.5, "PPPPPCCC", False, True, "majorité qualifiée non atteinte (62,5 % de pour"),
    Case("mq-above-2/3", MQ, 0.5, "PPPPPCC...", True, True, "71,4 % de pour parmi les votes exprimés"),
    Case("mq-simple-majority-is-not-enough", MQ, 0.5, "PPPCC", False, True, "60 % de pour"),
    Case("mq-everyone-abstains", MQ, 0.5, "AAA", False, True, "aucun vote exprimé, il fallait 2/3 de pour"),
    Case("mq-nobody-votes-quorum-0", MQ, 0, "...", False, True, "aucun vote exprimé"),
    # unanimité
    Case("un-all-pour", UN, 0.5, "PPP", True, True, "Adoptée à l'unanimité : 3 pour, 0 contre"),
    Case("un-with-an-abstention", UN, 0.5, "PPA", True, True, "abstentions admises"),
    Case("un-one-contre", UN, 0.5, "PPPPC", False, True, "Non adoptée : pas d'unanimité (4 pour, 1 contre)"),
    Case("un-everyone-abstains", UN, 0.5, "AAA", False, True, "aucun pour"),
    Case("un-nobody-votes-quorum-0", UN, 0, "...", False, True, "pas d'unanimité"),
    # consentement
    Case("co-no-objection", CO, 0.5, "PPA", True, True, "Adoptée par consentement : aucune objection maintenue"),
    Case(
        "co-objection-maintained",
        CO,
        0.5,
        "PPO",
        False,
        True,
        "objection maintenue (1 objection maintenue : « budget irréaliste »",
    ),
    Case("co-objection-withdrawn", CO, 0.5, "PPW", True, True, "aucune objection maintenue, 1 retirée"),
    Case("co-one-withdrawn-one-maintained", CO, 0.5, "PWO", False, True, "1 retirée"),
    Case("co-two-maintained", CO, 0.5, "OOP", False, True, "2 objections maintenues"),
    Case("co-everyone-abstains", CO, 0.5, "AAA", True, True, "3 abstentions"),
    Case("co-nobody-votes-quorum-0", CO, 0, "...", True, True, "Quorum atteint : 0 participant sur 3 (quorum 0 %)"),
    Case("co-withdrawn-objection-counts-for-quorum", CO, 0.5, "WW..", True, True, "2 participants sur 4"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_outcome_without_colleges(case: Case) -> None:
    voters, votes = ballots(case.spec)
    outcome = decide(case.rule, case.quorum, dict.fromkeys(voters), votes)

    assert outcome.adopted is case.adopted
    assert outcome.quorum_reached is case.quorum_reached
    assert case.says in text(outcome)
    assert outcome.participation == (len(votes), len(voters))
    t = outcome.overall
    assert (t.pour, t.contre, t.abstention) == tuple(case.spec.count(c) for c in "PCA")
    assert (t.objections_maintained, t.objections_withdrawn) == (case.spec.count("O"), case.spec.count("W"))
    # without collèges every voter weighs 1
    assert (t.weight_pour, t.weight_contre, t.weight_abstention) == (t.pour, t.contre, t.abstention)
    assert outcome.colleges == {}
    assert len(outcome.maintained_objections) == case.spec.count("O")
    assert outcome.reasons[-1].startswith("Adoptée" if case.adopted else "Non adoptée")
    assert len(outcome.explain("en")) == len(outcome.reasons)


class CollegeCase(NamedTuple):
    id: str
    rule: Rule
    colleges: dict[str, tuple[int, str]]  # collège → (weight, ballots)
    double: bool
    adopted: bool
    says: str
    weights: tuple[Fraction, Fraction]  # expected overall weighted (pour, contre)
    quorum: float = 0.5


COLLEGE_CASES = [
    CollegeCase(
        "weighted-small-college-outweighs",
        MS,
        {"porteur": (1, "PPPP"), "bénéficiaires": (2, "CC")},
        False,
        False,
        "en poids : 1 pour, 2 contre",
        (Fraction(1), Fraction(2)),
    ),
    CollegeCase(
        "weighted-equal-weights-tie",
        MS,
        {"porteur": (1, "P"), "bénéficiaires": (1, "CCC")},
        False,
        False,
        "1 pour, 3 contre ; en poids : 1 pour, 1 contre ; égalité",
        (Fraction(1), Fraction(1)),
    ),
    CollegeCase(
        "weighted-silent-member-leaves-share-uncast",
        MS,
        {"porteur": (1, "P"), "bénéficiaires": (1, "CC..")},
        False,
        True,
        "en poids : 1 pour, 0,5 contre",
        (Fraction(1), Fraction(1, 2)),
    ),
    CollegeCase(
        "weighted-qualified-exactly-2/3",
        MQ,
        {"porteur": (2, "P"), "partenaires": (1, "CC")},
        False,
        True,
        "66,6 % de pour",
        (Fraction(2), Fraction(1)),
    ),
    CollegeCase(
        "double-overall-ok-one-college-fails",
        MS,
        {"porteur": (2, "PP"), "bénéficiaires": (1, "PCC")},
        True,
        False,
        "Non adoptée : le collège bénéficiaires n'a pas de majorité (1 pour, 2 contre).",
        (Fraction(7, 3), Fraction(2, 3)),
    ),
    CollegeCase(
        "same-votes-without-double",
        MS,
        {"porteur": (2, "PP"), "bénéficiaires": (1, "PCC")},
        False,
        True,
        "Adoptée à la majorité simple",
        (Fraction(7, 3), Fraction(2, 3)),
    ),
    CollegeCase(
        "double-all-colleges-hold",
        MS,
        {"porteur": (2, "PC.P"), "bénéficiaires": (1, "PPCA")},
        True,
        True,
        "Adoptée à la majorité simple, dans l'ensemble et dans chaque collège.",
        (Fraction(3, 2), Fraction(3, 4)),
    ),
    CollegeCase(
        "double-college-tie-fails",
        MS,
        {"porteur": (1, "PPP"), "bénéficiaires": (1, "PC")},
        True,
        False,
        "le collège bénéficiaires n'a pas de majorité (1 pour, 1 contre ; égalité)",
        (Fraction(3, 2), Fraction(1, 2)),
    ),
    CollegeCase(
        "double-overall-fails",
        MS,
        {"porteur": (1, "PP"), "bénéficiaires": (3, "PCC")},
        True,
        False,
        "pas de majorité simple dans l'ensemble",
        (Fraction(2), Fraction(2)),
    ),
    CollegeCase(
        "double-silent-college-blocks",
        MS,
        {"porteur": (1, "PPP"), "bénéficiaires": (1, "...")},
        True,
        False,
        "le collège bénéficiaires n'a pas de majorité (0 pour, 0 contre ; aucun vote exprimé)",
        (Fraction(1), Fraction(0)),
        quorum=0,
    ),
    CollegeCase(
        "double-qualified-college-exactly-2/3",
        MQ,
        {"porteur": (1, "PP"), "partenaires": (1, "PPC")},
        True,
        True,
        "Le collège partenaires atteint les 2/3",
        (Fraction(5, 3), Fraction(1, 3)),
    ),
    CollegeCase(
        "double-qualified-college-below",
        MQ,
        {"porteur": (3, "PP"), "partenaires": (1, "PPCC")},
        True,
        False,
        "le collège partenaires n'atteint pas les 2/3 (50 % de pour",
        (Fraction(7, 2), Fraction(1, 2)),
    ),
    CollegeCase(
        "double-unanimity-college-all-abstain",
        UN,
        {"porteur": (1, "PP"), "bénéficiaires": (1, "AA")},
        True,
        False,
        "le collège bénéficiaires n'est pas unanime (0 pour, 0 contre, 2 abstentions ; aucun pour",
        (Fraction(1), Fraction(0)),
    ),
    CollegeCase(
        "double-unanimity-with-abstention",
        UN,
        {"porteur": (1, "PA"), "bénéficiaires": (1, "PP")},
        True,
        True,
        "Le collège porteur est unanime",
        (Fraction(3, 2), Fraction(0)),
    ),
    CollegeCase(
        "double-consent-objection-in-one-college",
        CO,
        {"porteur": (1, "PP"), "bénéficiaires": (1, "PO")},
        True,
        False,
        "le collège bénéficiaires maintient une objection",
        (Fraction(3, 2), Fraction(0)),
    ),
    CollegeCase(
        "double-consent-withdrawn",
        CO,
        {"porteur": (1, "PP"), "bénéficiaires": (1, "PW")},
        True,
        True,
        "Le collège bénéficiaires ne maintient aucune objection",
        (Fraction(3, 2), Fraction(0)),
    ),
    CollegeCase(
        "double-quorum-not-reached",
        MS,
        {"porteur": (1, "P.."), "bénéficiaires": (1, "P..")},
        True,
        False,
        "Non adoptée : le quorum n'est pas atteint.",
        (Fraction(2, 3), Fraction(0)),
    ),
]


@pytest.mark.parametrize("case", COLLEGE_CASES, ids=[c.id for c in COLLEGE_CASES])
def test_outcome_with_colleges(case: CollegeCase) -> None:
    voters: dict[str, str | None] = {}
    votes: dict[str, Vote] = {}
    for college, (_, spec) in case.colleges.items():
        names, cast = ballots(spec, prefix=college[:3])
        voters |= dict.fromkeys(names, college)
        votes |= cast
    weights = {c: w for c, (w, _) in case.colleges.items()}
    outcome = decide(case.rule, case.quorum, voters, votes, college_weights=weights, require_every_college=case.double)

    assert outcome.adopted is case.adopted
    assert case.says in text(outcome)
    assert (outcome.overall.weight_pour, outcome.overall.weight_contre) == case.weights
    assert outcome.overall.total_weight == sum(weights.values())
    for college, (weight, spec) in case.colleges.items():
        t = outcome.colleges[college]
        assert (t.eligible, t.participants) == (len(spec), len(spec) - spec.count("."))
        assert (t.pour, t.contre, t.abstention) == tuple(spec.count(c) for c in "PCA")
        assert t.weight_pour == Fraction(weight, len(spec)) * spec.count("P")
        assert t.total_weight == weight


def test_weights_change_the_outcome_compared_with_unweighted() -> None:
    voters, votes = ballots("PPPPCC")
    colleges = {v: ("porteur" if i < 4 else "bénéficiaires") for i, v in enumerate(voters)}
    unweighted = decide(MS, 0.5, dict.fromkeys(voters), votes)
    weighted = decide(MS, 0.5, colleges, votes, college_weights={"porteur": 1, "bénéficiaires": 2})
    assert unweighted.adopted and not weighted.adopted
    assert "4 pour, 2 contre" in text(unweighted) and "en poids : 1 pour, 2 contre" in text(weighted)


def test_college_without_eligible_voter_is_ignored_and_said() -> None:
    outcome = decide(
        MS,
        0.5,
        {"a": "p", "b": "p"},
        {"a": Choice.POUR, "b": Choice.POUR},
        college_weights={"p": 1, "z": 5},
        college_labels={"p": "porteur", "z": "financeurs"},
        require_every_college=True,
    )
    assert outcome.adopted
    assert list(outcome.colleges) == ["p"]
    assert "Le collège financeurs n'a aucun votant éligible" in text(outcome)
    assert "Le collège porteur a une majorité" in text(outcome)


def test_double_majority_without_colleges_is_a_no_op_and_said() -> None:
    voters, votes = ballots("PPC")
    outcome = decide(MS, 0.5, dict.fromkeys(voters), votes, require_every_college=True)
    assert outcome.adopted
    assert "aucun collège n'est défini" in text(outcome)


def test_english_explanation_and_bare_choices() -> None:
    outcome = decide(
        "majorite_qualifiee",
        0.5,
        dict.fromkeys("abcdefghij"),
        {"a": "pour", "b": "pour", "c": "pour", "d": "pour", "e": "pour", "f": "contre", "g": Choice.CONTRE},
    )
    assert outcome.adopted
    assert outcome.reasons == (
        "Quorum atteint : 7 participants sur 10 (quorum 50\u00a0%).",
        "Adoptée à la majorité qualifiée : 71,4\u00a0% de pour parmi les votes exprimés, "
        "il fallait 2/3 ; 5 pour, 2 contre.",
    )
    assert outcome.explain("en") == (
        "Quorum reached: 7 participants out of 10 (quorum 50%).",
        "Adopted by qualified majority: 71.4% for among votes cast, 2/3 were needed; 5 for, 2 against.",
    )
    with pytest.raises(ValueError, match="unsupported language"):
        outcome.explain("de")


def test_maintained_objections_are_listed_with_their_voter() -> None:
    outcome = decide(
        CO,
        0,
        {"a": "b", "b": "b", "c": "p"},
        {"a": Vote(Choice.OBJECTION, " pas de budget  "), "b": Vote(Choice.OBJECTION, "x", maintained=False)},
        college_weights={"b": 1, "p": 1},
    )
    assert [(o.voter, o.college, o.reason) for o in outcome.maintained_objections] == [("a", "b", "pas de budget")]
    assert "« pas de budget »" in text(outcome)
    assert "a" not in [w for r in outcome.reasons for w in r.split()]  # voters are never named


def test_outcome_is_frozen() -> None:
    outcome = decide(MS, 0, {"a": None}, {"a": Choice.POUR})
    with pytest.raises(dataclasses.FrozenInstanceError):
        outcome.adopted = False  # type: ignore[misc]


INVALID = [
    ("vote-from-unknown-voter", dict(votes={"zz": Choice.POUR}), "not an eligible voter"),
    (
        "objection-outside-consent",
        dict(rule=MS, votes={"a": Vote(Choice.OBJECTION, "non")}),
        "only possible under consentement",
    ),
    ("objection-without-reason", dict(rule=CO, votes={"a": Choice.OBJECTION}), "needs a written reason"),
    ("objection-blank-reason", dict(rule=CO, votes={"a": Vote(Choice.OBJECTION, "   ")}), "needs a written reason"),
    ("contre-under-consent", dict(rule=CO, votes={"a": Choice.CONTRE}), "not contre"),
    ("withdrawn-pour", dict(votes={"a": Vote(Choice.POUR, maintained=False)}), "only an objection can be withdrawn"),
    ("unknown-choice", dict(votes={"a": "peut-être"}), "unknown choice"),
    ("unknown-rule", dict(rule="tirage_au_sort"), "unknown rule"),
    ("quorum-negative", dict(quorum=-0.1), "between 0 and 1"),
    ("quorum-above-one", dict(quorum=Fraction(11, 10)), "between 0 and 1"),
    ("quorum-nan", dict(quorum=float("nan")), "finite"),
    ("quorum-not-a-number", dict(quorum="50%"), "must be a number"),
    ("zero-weight", dict(voters={"a": "p"}, college_weights={"p": 0}), "must be positive"),
    ("negative-weight", dict(voters={"a": "p"}, college_weights={"p": -1}), "must be positive"),
    ("unknown-college", dict(voters={"a": "x"}, college_weights={"p": 1}), "unknown collège"),
    ("college-without-weights", dict(voters={"a": "x"}), "unknown collège"),
    ("voter-outside-defined-colleges", dict(voters={"a": None}, college_weights={"p": 1}), "belongs to no collège"),
]


@pytest.mark.parametrize(("overrides", "message"), [i[1:] for i in INVALID], ids=[i[0] for i in INVALID])
def test_invalid_input_is_refused(overrides: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "rule": MS,
        "quorum": 0.5,
        "voters": {"a": None},
        "votes": {"a": Choice.POUR},
    } | overrides
    with pytest.raises(ValueError, match=message):
        decide(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize("rule", list(Rule))
def test_no_eligible_voter_is_not_adopted(rule: Rule) -> None:
    """Everyone left the dossier without voting: nothing is adopted, not even by consent's silence."""
    outcome = decide(rule, 0, {}, {})
    assert not outcome.adopted and not outcome.quorum_reached
    assert outcome.reasons == ("Non adoptée : il n'y a aucun votant éligible.",)
    assert outcome.explain("en") == ("Not adopted: there is no eligible voter.",)

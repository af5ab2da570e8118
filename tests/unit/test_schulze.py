"""The Schulze count of the priority vote: textbook results, the stated tie rule, properties."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.services.schulze import (
    TIE_RULE,
    TIE_RULE_EN,
    TIE_RULE_FR,
    Ballot,
    SchulzeResult,
    count_votes,
    explain,
    strongest_path,
)

# --- Wikipedia's example (https://en.wikipedia.org/wiki/Schulze_method#Example) -------------

WIKI = [
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
]
WIKI_D = {
    "A": {"B": 20, "C": 26, "D": 30, "E": 22},
    "B": {"A": 25, "C": 16, "D": 33, "E": 18},
    "C": {"A": 19, "B": 29, "D": 17, "E": 24},
    "D": {"A": 15, "B": 12, "C": 28, "E": 14},
    "E": {"A": 23, "B": 27, "C": 21, "D": 31},
}
WIKI_P = {
    "A": {"B": 28, "C": 28, "D": 30, "E": 24},
    "B": {"A": 25, "C": 28, "D": 33, "E": 24},
    "C": {"A": 25, "B": 29, "D": 29, "E": 24},
    "D": {"A": 25, "B": 28, "C": 28, "E": 24},
    "E": {"A": 25, "B": 28, "C": 28, "D": 31},
}


def as_ints(matrix: object) -> dict[str, dict[str, int]]:
    out = {}
    for a, row in matrix.items():  # type: ignore[attr-defined]
        out[a] = {}
        for b, v in row.items():
            assert Fraction(v).denominator == 1
            out[a][b] = int(v)
    return out


def wiki_repeated() -> list[Ballot[str]]:
    return [Ballot.from_order(order) for n, order in WIKI for _ in range(n)]


def wiki_weighted() -> list[Ballot[str]]:
    return [Ballot.from_order(order, weight=n) for n, order in WIKI]


def test_wikipedia_example_order_and_matrices() -> None:
    result = count_votes("ABCDE", wiki_repeated())
    assert result.order == ["E", "A", "C", "B", "D"]
    assert as_ints(result.pairwise) == WIKI_D
    assert as_ints(result.strongest) == WIKI_P
    assert result.ties_broken == []
    assert result.winners == ["E"]
    assert result.ballot_count == 45 and result.total_weight == 45
    assert result.tie_rule == TIE_RULE


def test_wikipedia_example_weights_equal_repeated_ballots() -> None:
    repeated = count_votes("ABCDE", wiki_repeated())
    weighted = count_votes("ABCDE", wiki_weighted())
    assert weighted.order == repeated.order
    assert weighted.pairwise == repeated.pairwise
    assert weighted.strongest == repeated.strongest
    assert weighted.ties_broken == repeated.ties_broken
    assert weighted.total_weight == 45 and weighted.ballot_count == 8


def test_wikipedia_example_does_not_depend_on_current_order() -> None:
    # No tie: the current order plays no part.
    assert count_votes("DCBAE", wiki_weighted()).order == ["E", "A", "C", "B", "D"]


def test_condorcet_example_tennessee() -> None:
    """The classic capital of Tennessee: Nashville beats every other city pairwise."""
    ballots = [
        Ballot.from_order(["Memphis", "Nashville", "Chattanooga", "Knoxville"], 42),
        Ballot.from_order(["Nashville", "Chattanooga", "Knoxville", "Memphis"], 26),
        Ballot.from_order(["Chattanooga", "Knoxville", "Nashville", "Memphis"], 15),
        Ballot.from_order(["Knoxville", "Chattanooga", "Nashville", "Memphis"], 17),
    ]
    result = count_votes(["Memphis", "Knoxville", "Chattanooga", "Nashville"], ballots)
    assert result.order == ["Nashville", "Chattanooga", "Knoxville", "Memphis"]
    assert result.pairwise["Nashville"]["Memphis"] == 58
    assert result.pairwise["Memphis"]["Nashville"] == 42
    assert result.pairwise["Chattanooga"]["Knoxville"] == 83


def test_fractional_and_float_weights_are_exact() -> None:
    ballots = [
        Ballot.from_order("AB", 0.1),
        Ballot.from_order("AB", 0.2),
        Ballot.from_order("BA", Fraction(3, 10)),
    ]
    result = count_votes("BA", ballots)
    # 0.1 + 0.2 is summed exactly (as binary fractions), no rounding at the count.
    assert result.pairwise["A"]["B"] == Fraction(0.1) + Fraction(0.2)
    assert result.pairwise["B"]["A"] == Fraction(3, 10)


def test_partial_ballots_unranked_tie_last() -> None:
    result = count_votes("ABCD", [Ballot([["C"], ["B"]])])
    d = result.pairwise
    assert d["C"]["B"] == 1 and d["B"]["C"] == 0
    for ranked in "CB":
        for unranked in "AD":
            assert d[ranked][unranked] == 1 and d[unranked][ranked] == 0
    assert d["A"]["D"] == 0 and d["D"]["A"] == 0
    assert result.order == ["C", "B", "A", "D"]
    assert result.ties_broken == [("A", "D")]


def test_explicit_ties_inside_a_ballot() -> None:
    result = count_votes("ABC", [Ballot([["C", "B"], ["A"]], 2)])
    d = result.pairwise
    assert d["B"]["C"] == 0 and d["C"]["B"] == 0
    assert d["B"]["A"] == 2 and d["C"]["A"] == 2
    assert result.order == ["B", "C", "A"]
    assert result.ties_broken == [("B", "C")]


def test_full_tie_broken_by_current_order() -> None:
    cycle = [Ballot.from_order("ABC"), Ballot.from_order("BCA"), Ballot.from_order("CAB")]
    for current in ("ABC", "CBA", "BAC"):
        result = count_votes(current, cycle)
        assert result.order == list(current)
        assert result.ties_broken == [tuple(current)]
        assert result.winners == list(current)


def test_empty_ballots_keep_current_order() -> None:
    result = count_votes(["x", "y", "z"], [])
    assert result.order == ["x", "y", "z"]
    assert result.ties_broken == [("x", "y", "z")]
    assert result.ballot_count == 0 and result.total_weight == 0
    assert all(v == 0 for row in result.pairwise.values() for v in row.values())
    assert all(v == 0 for row in result.strongest.values() for v in row.values())


def test_no_candidates_and_one_candidate() -> None:
    assert count_votes([], []).order == []
    result = count_votes([7], [Ballot([[7]])])
    assert result.order == [7] and result.pairwise == {7: {}} and result.ties_broken == []


def test_tie_rule_places_beaten_candidate_after_its_beater() -> None:
    # A beats C; B is tied with both. Current order C, B, A: A must precede C.
    ballots = [Ballot([["A"], ["C"]]), Ballot([["B"], ["A", "C"]])]
    result = count_votes("CBA", ballots)
    assert result.beats("A", "C") and not result.beats("A", "B") and not result.beats("B", "C")
    # Step 1: unbeaten {B, A}, B comes first; step 2: {A}; step 3: {C}.
    assert result.order == ["B", "A", "C"]
    assert result.ties_broken == [("B", "A")]


def test_strongest_path_reconstruction() -> None:
    result = count_votes("ABCDE", wiki_weighted())
    path = strongest_path(result, "A", "E")
    assert path[0] == "A" and path[-1] == "E"
    assert min(result.pairwise[u][v] for u, v in itertools.pairwise(path)) == 24
    assert strongest_path(count_votes("AB", []), "A", "B") == []


# --- explanation ----------------------------------------------------------------------------

CYCLE = [Ballot.from_order("JCA", 4), Ballot.from_order("CAJ", 3), Ballot.from_order("AJC", 2)]
NAMES_FR = {"J": "Jardin", "C": "Cuisine", "A": "Atelier"}
NAMES_EN = {"J": "Garden", "C": "Kitchen", "A": "Workshop"}


def test_explain_french_direct_and_path() -> None:
    result = count_votes("JCA", CYCLE)
    assert result.order == ["J", "C", "A"]
    lines = explain(result, NAMES_FR)
    assert lines[0] == "Ordre obtenu : 1. Jardin, 2. Cuisine, 3. Atelier."
    assert '"Jardin" passe avant "Cuisine" : 6 voix préfèrent Jardin à Cuisine, 3 préfèrent l\'inverse.' in lines
    path_line = next(line for line in lines if line.startswith('"Jardin" passe avant "Atelier"'))
    assert "bien que 5 voix préfèrent Atelier à Jardin contre 4" in path_line
    assert "Jardin → Cuisine : 6 contre 3 ; Cuisine → Atelier : 7 contre 2" in path_line
    assert "6 voix" in path_line and "5 voix" in path_line
    assert TIE_RULE_FR not in lines  # no tie to break


def test_explain_english() -> None:
    lines = explain(count_votes("JCA", CYCLE), NAMES_EN, lang="en")
    assert '"Garden" comes before "Kitchen": 6 votes prefer Garden to Kitchen, 3 prefer the reverse.' in lines
    assert any("although 5 votes prefer Workshop to Garden against 4" in line for line in lines)


def test_explain_ties_states_the_rule() -> None:
    cycle = [Ballot.from_order("ABC"), Ballot.from_order("BCA"), Ballot.from_order("CAB")]
    fr = explain(count_votes("ABC", cycle), {})
    assert fr[-1] == TIE_RULE_FR
    assert any("à égalité" in line and "A avant B" in line for line in fr)
    en = explain(count_votes("ABC", []), {}, lang="en")
    assert en[-1] == TIE_RULE_EN
    assert any("not separated by the votes" in line for line in en)
    assert f"{TIE_RULE_FR}\n{TIE_RULE_EN}" == TIE_RULE


def test_explain_singular_zero_and_decimals() -> None:
    result = count_votes("AB", [Ballot([["A"]], Fraction(3, 2))])
    assert '"A" passe avant "B" : 1,5 voix préfère A à B, aucune ne préfère l\'inverse.' in explain(result, {})
    assert '"A" comes before "B": 1.5 votes prefer A to B, none prefer the reverse.' in explain(result, {}, "en")


def test_explain_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="language"):
        explain(count_votes("AB", []), {}, lang="de")


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("candidates", "ballots", "message"),
    [
        ("AB", [Ballot([["A"], ["Z"]])], "unknown candidate 'Z' in ballot 1"),
        ("AB", [Ballot([["A"]]), Ballot([["A"], ["A"]])], "candidate 'A' appears twice in ballot 2"),
        ("AB", [Ballot([["B", "B"]])], "candidate 'B' appears twice in ballot 1"),
        (["A", "B", "A"], [], "candidate 'A' is listed twice"),
    ],
)
def test_invalid_ballots(candidates: object, ballots: list[Ballot[str]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        count_votes(candidates, ballots)  # type: ignore[arg-type]


@pytest.mark.parametrize("weight", [0, -1, 0.0, -0.5, Fraction(-1, 3), math.nan, math.inf])
def test_non_positive_or_non_finite_weight(weight: object) -> None:
    with pytest.raises(ValueError, match="weight must be"):
        Ballot([["A"]], weight)  # type: ignore[arg-type]


@pytest.mark.parametrize("weight", [True, "2", None])
def test_weight_not_a_number(weight: object) -> None:
    with pytest.raises(TypeError, match="weight must be a number"):
        Ballot([["A"]], weight)  # type: ignore[arg-type]


def test_group_must_not_be_a_string() -> None:
    with pytest.raises(TypeError, match="list of candidates"):
        Ballot(["AB"])  # type: ignore[list-item]


def test_ballot_must_be_a_ballot() -> None:
    with pytest.raises(TypeError, match="must be a Ballot"):
        count_votes("AB", [[["A"]]])  # type: ignore[list-item]


# --- properties -----------------------------------------------------------------------------

CANDIDATES = st.lists(st.integers(0, 20), min_size=1, max_size=6, unique=True)


@st.composite
def ballots_for(draw: st.DrawFn, candidates: list[int], max_ballots: int = 8) -> list[Ballot[int]]:
    ballots = []
    for _ in range(draw(st.integers(0, max_ballots))):
        order = draw(st.permutations(candidates))
        ranked = order[: draw(st.integers(0, len(order)))]
        cuts = sorted(draw(st.sets(st.integers(1, max(1, len(ranked) - 1)))))
        bounds = [0, *[c for c in cuts if c < len(ranked)], len(ranked)]
        tiers = [ranked[a:b] for a, b in itertools.pairwise(bounds) if b > a]
        weight = draw(st.one_of(st.integers(1, 5), st.fractions(Fraction(1, 10), 5).filter(lambda f: f > 0)))
        ballots.append(Ballot(tiers, weight))
    return ballots


@st.composite
def elections(draw: st.DrawFn) -> tuple[list[int], list[Ballot[int]]]:
    candidates = draw(CANDIDATES)
    return candidates, draw(ballots_for(candidates))


def check_result(result: SchulzeResult[int]) -> None:
    """Invariants: a permutation, Schulze-consistent, tie rule respected, runs well formed."""
    order, pos = result.order, {c: i for i, c in enumerate(result.candidates)}
    assert sorted(order) == sorted(result.candidates)
    for i, a in enumerate(order):
        for b in order[i + 1 :]:
            assert not result.beats(b, a)
    for x, y in itertools.pairwise(order):
        assert result.beats(x, y) or pos[x] < pos[y]
    flattened = [c for run in result.ties_broken for c in run]
    assert len(flattened) == len(set(flattened))
    for run in result.ties_broken:
        assert len(run) >= 2 and [pos[c] for c in run] == sorted(pos[c] for c in run)
        start = order.index(run[0])
        assert tuple(order[start : start + len(run)]) == run


@given(elections())
def test_result_is_a_consistent_permutation(election: tuple[list[int], list[Ballot[int]]]) -> None:
    check_result(count_votes(*election))


@given(elections())
@settings(max_examples=60)
def test_strongest_paths_match_brute_force(election: tuple[list[int], list[Ballot[int]]]) -> None:
    candidates, ballots = election
    result = count_votes(candidates, ballots)
    d = result.pairwise

    def strength(a: int, b: int) -> Fraction:
        best = Fraction(0)
        others = [c for c in candidates if c not in (a, b)]
        for k in range(len(others) + 1):
            for middle in itertools.permutations(others, k):
                path = [a, *middle, b]
                if all(d[u][v] > d[v][u] for u, v in itertools.pairwise(path)):
                    best = max(best, min(d[u][v] for u, v in itertools.pairwise(path)))
        return best

    for a in candidates:
        for b in candidates:
            if a != b:
                assert result.strongest[a][b] == strength(a, b)
                path = strongest_path(result, a, b)
                if result.strongest[a][b]:
                    assert path[0] == a and path[-1] == b
                    assert min(d[u][v] for u, v in itertools.pairwise(path)) == result.strongest[a][b]


@given(elections())
def test_condorcet_winner_is_first(election: tuple[list[int], list[Ballot[int]]]) -> None:
    candidates, ballots = election
    result = count_votes(candidates, ballots)
    d = result.pairwise
    winners = [w for w in candidates if all(d[w][x] > d[x][w] for x in candidates if x != w)]
    if winners:
        assert result.order[0] == winners[0]
        assert result.winners == winners


@given(st.data())
def test_forced_condorcet_winner_is_first(data: st.DataObject) -> None:
    candidates = data.draw(CANDIDATES)
    others = data.draw(ballots_for(candidates))
    winner = data.draw(st.sampled_from(candidates))
    heavy = sum((Fraction(b.weight) for b in others), Fraction(0)) + 1
    rest = [c for c in candidates if c != winner]
    ballots = [*others, Ballot([[winner], rest] if rest else [[winner]], heavy)]
    ballots = data.draw(st.permutations(ballots))
    assert count_votes(candidates, ballots).order[0] == winner


@given(elections(), st.randoms(use_true_random=False))
def test_ballot_order_does_not_matter(election: tuple[list[int], list[Ballot[int]]], rng: object) -> None:
    candidates, ballots = election
    shuffled = list(ballots)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    a, b = count_votes(candidates, ballots), count_votes(candidates, shuffled)
    assert (a.order, a.pairwise, a.strongest, a.ties_broken) == (
        b.order,
        b.pairwise,
        b.strongest,
        b.ties_broken,
    )


@given(elections(), st.fractions(Fraction(1, 100), 100).filter(lambda f: f > 0))
def test_scaling_weights_keeps_the_order(election: tuple[list[int], list[Ballot[int]]], factor: Fraction) -> None:
    candidates, ballots = election
    scaled = [Ballot(b.ranking, Fraction(b.weight) * factor) for b in ballots]
    a, b = count_votes(candidates, ballots), count_votes(candidates, scaled)
    assert a.order == b.order and a.ties_broken == b.ties_broken
    assert all(b.pairwise[x][y] == a.pairwise[x][y] * factor for x in a.pairwise for y in a.pairwise[x])


@given(elections())
def test_repeated_ballots_equal_integer_weights(election: tuple[list[int], list[Ballot[int]]]) -> None:
    candidates, ballots = election
    ints = [Ballot(b.ranking, int(b.weight) if Fraction(b.weight).denominator == 1 else 1) for b in ballots]
    repeated = [Ballot(b.ranking) for b in ints for _ in range(int(b.weight))]
    a, b = count_votes(candidates, ints), count_votes(candidates, repeated)
    assert (a.order, a.pairwise, a.strongest) == (b.order, b.pairwise, b.strongest)


@given(elections())
@settings(max_examples=40)
def test_explain_always_produces_text(election: tuple[list[int], list[Ballot[int]]]) -> None:
    result = count_votes(*election)
    for lang in ("fr", "en"):
        lines = explain(result, {c: f"Action {c}" for c in result.candidates}, lang=lang)
        assert len(lines) >= 2 and all(isinstance(line, str) and line for line in lines)
        assert (TIE_RULES_LINE[lang] in lines) == bool(result.ties_broken)


TIE_RULES_LINE = {"fr": TIE_RULE_FR, "en": TIE_RULE_EN}


@given(CANDIDATES, st.data())
def test_validation_unknown_and_duplicate(candidates: list[int], data: st.DataObject) -> None:
    stranger = max(candidates) + 1
    with pytest.raises(ValueError, match="unknown candidate"):
        count_votes(candidates, [Ballot([[stranger]])])
    twice = data.draw(st.sampled_from(candidates))
    with pytest.raises(ValueError, match="appears twice"):
        count_votes(candidates, [Ballot([[twice], [twice]])])
    with pytest.raises(ValueError, match="positive"):
        Ballot([[twice]], -data.draw(st.integers(0, 10)))

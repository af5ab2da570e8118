"""Counting a priority vote (*ordre de priorité*) by the Schulze method.

Pure Python, no Flask, no database. Voters rank the dossier's actions in
groups (tiers), best first; candidates inside one group are tied, candidates a
ballot leaves out tie last. Ballots carry a positive weight (collèges).

Weights are converted to exact fractions before they are summed, so the count
never depends on the order of the ballots nor on floating-point rounding.

The result keeps everything needed to check it by hand: the pairwise matrix
``d``, the strongest-path matrix ``p`` and the ties that the stated tie rule
(:data:`TIE_RULE`) had to break. :func:`explain` turns it into plain sentences.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from numbers import Rational
from typing import Generic, TypeVar

C = TypeVar("C", bound=Hashable)

Weight = int | float | Fraction

TIE_RULE_FR = (
    "Règle de départage : quand la méthode de Schulze laisse des actions à égalité "
    "(aucune ne bat l'autre par ses chaînes de préférences les plus fortes), on garde "
    "l'ordre actuel du dossier. Concrètement, on place les actions une par une : à "
    "chaque étape, parmi les actions restantes qu'aucune autre action restante ne bat, "
    "on prend celle qui vient en premier dans l'ordre actuel du dossier."
)
TIE_RULE_EN = (
    "Tie rule: when the Schulze method leaves actions tied (neither beats the other "
    "through its strongest chains of preferences), the dossier's current order is kept. "
    "In practice the actions are placed one at a time: at each step, among the remaining "
    "actions that no other remaining action beats, the one that comes first in the "
    "dossier's current order is taken."
)
TIE_RULES: Mapping[str, str] = {"fr": TIE_RULE_FR, "en": TIE_RULE_EN}
#: Both languages, French first: the rule written on the result page.
TIE_RULE = f"{TIE_RULE_FR}\n{TIE_RULE_EN}"


def _to_fraction(weight: object) -> Fraction:
    """An exact positive weight, or a clear error."""
    if isinstance(weight, bool) or not isinstance(weight, (int, float, Rational)):
        raise TypeError(f"ballot weight must be a number, got {weight!r}")
    if isinstance(weight, float) and not math.isfinite(weight):
        raise ValueError(f"ballot weight must be a finite number, got {weight!r}")
    value = Fraction(weight)
    if value <= 0:
        raise ValueError(f"ballot weight must be positive, got {weight!r}")
    return value


@dataclass(frozen=True)
class Ballot(Generic[C]):
    """One ranking: groups of candidates, best group first, ties inside a group."""

    ranking: Sequence[Sequence[C]]
    weight: Weight = 1

    def __post_init__(self) -> None:
        tiers: list[tuple[C, ...]] = []
        for tier in self.ranking:
            if isinstance(tier, (str, bytes)) or not isinstance(tier, Iterable):
                raise TypeError(f"each group of a ranking must be a list of candidates, got {tier!r}")
            tiers.append(tuple(tier))
        object.__setattr__(self, "ranking", tuple(tiers))
        _to_fraction(self.weight)

    @classmethod
    def from_order(cls, order: Iterable[C], weight: Weight = 1) -> Ballot[C]:
        """A ballot with one candidate per group (a strict ranking)."""
        return cls([[c] for c in order], weight)


@dataclass(frozen=True)
class SchulzeResult(Generic[C]):
    """The outcome of a count, with everything needed to re-check it."""

    candidates: tuple[C, ...]
    """The candidates in the dossier's current order (the tie-break order)."""
    order: list[C]
    """The adopted order, winner first."""
    pairwise: Mapping[C, Mapping[C, Fraction]]
    """``pairwise[a][b]``: summed weight of the ballots preferring a to b (no diagonal)."""
    strongest: Mapping[C, Mapping[C, Fraction]]
    """``strongest[a][b]``: strength of the strongest path from a to b (0 if none)."""
    ties_broken: list[tuple[C, ...]]
    """Runs of consecutive candidates in ``order`` that Schulze left tied, in the
    order the tie rule gave them (their current order in the dossier)."""
    ballot_count: int
    total_weight: Fraction
    tie_rule: str = field(default=TIE_RULE)

    def beats(self, a: C, b: C) -> bool:
        """Whether a beats b by Schulze (strongest path a→b wider than b→a)."""
        return a != b and self.strongest[a][b] > self.strongest[b][a]

    @property
    def winners(self) -> list[C]:
        """The Schulze winners (beaten by nobody), in current order."""
        return [a for a in self.candidates if not any(self.beats(b, a) for b in self.candidates)]


def count_votes(candidates: Sequence[C], ballots: Iterable[Ballot[C]]) -> SchulzeResult[C]:
    """Count ranked ballots by the Schulze method and break ties by :data:`TIE_RULE`.

    ``candidates`` is the dossier's current order. Raises ``ValueError`` for a
    duplicate or unknown candidate, a candidate twice in a ballot, or a
    non-positive weight.
    """
    cands = tuple(candidates)
    position = {c: i for i, c in enumerate(cands)}
    if len(position) != len(cands):
        dup = next(c for i, c in enumerate(cands) if position[c] != i)
        raise ValueError(f"candidate {dup!r} is listed twice")

    d: dict[C, dict[C, Fraction]] = {a: {b: Fraction(0) for b in cands if b != a} for a in cands}
    ballot_count = 0
    total = Fraction(0)
    for number, ballot in enumerate(ballots, start=1):
        if not isinstance(ballot, Ballot):
            raise TypeError(f"ballot {number} must be a Ballot, got {ballot!r}")
        weight = _to_fraction(ballot.weight)
        rank: dict[C, int] = {}
        for level, tier in enumerate(ballot.ranking):
            for c in tier:
                if c not in position:
                    raise ValueError(f"unknown candidate {c!r} in ballot {number}")
                if c in rank:
                    raise ValueError(f"candidate {c!r} appears twice in ballot {number}")
                rank[c] = level
        last = len(ballot.ranking)  # unranked candidates tie below every group
        for a in cands:
            ra = rank.get(a, last)
            for b in cands:
                if b != a and ra < rank.get(b, last):
                    d[a][b] += weight
        ballot_count += 1
        total += weight

    p = _strongest_paths(cands, d)
    order = _tie_broken_order(cands, p)
    return SchulzeResult(
        candidates=cands,
        order=order,
        pairwise=d,
        strongest=p,
        ties_broken=_tied_runs(order, p),
        ballot_count=ballot_count,
        total_weight=total,
    )


def _strongest_paths(cands: Sequence[C], d: Mapping[C, Mapping[C, Fraction]]) -> dict[C, dict[C, Fraction]]:
    """Widest paths (Floyd–Warshall): links a→b where d[a][b] > d[b][a], strength d[a][b]."""
    p = {a: {b: (d[a][b] if d[a][b] > d[b][a] else Fraction(0)) for b in cands if b != a} for a in cands}
    for i in cands:
        for j in cands:
            if j == i:
                continue
            for k in cands:
                if k in (i, j):
                    continue
                via = min(p[j][i], p[i][k])
                if via > p[j][k]:
                    p[j][k] = via
    return p


def _tie_broken_order(cands: Sequence[C], p: Mapping[C, Mapping[C, Fraction]]) -> list[C]:
    """Place candidates one by one: the first (current order) one no remaining one beats."""
    remaining = list(cands)
    order: list[C] = []
    while remaining:
        pick = next(a for a in remaining if not any(p[b][a] > p[a][b] for b in remaining if b != a))
        order.append(pick)
        remaining.remove(pick)
    return order


def _tied_runs(order: Sequence[C], p: Mapping[C, Mapping[C, Fraction]]) -> list[tuple[C, ...]]:
    """Split ``order`` into runs of mutually tied candidates; keep runs of two or more."""
    runs: list[list[C]] = []
    for c in order:
        if runs and all(p[c][x] == p[x][c] for x in runs[-1]):
            runs[-1].append(c)
        else:
            runs.append([c])
    return [tuple(run) for run in runs if len(run) > 1]


def strongest_path(result: SchulzeResult[C], a: C, b: C) -> list[C]:
    """One strongest path from a to b (shortest such, explored in current order); [] if none."""
    strength = result.strongest[a][b]
    if strength == 0:
        return []
    d = result.pairwise
    previous: dict[C, C | None] = {a: None}
    queue = deque([a])
    while queue:
        u = queue.popleft()
        for v in result.candidates:
            if v == u or v in previous:
                continue
            if d[u][v] > d[v][u] and d[u][v] >= strength:
                previous[v] = u
                if v == b:
                    path = [b]
                    while (back := previous[path[-1]]) is not None:
                        path.append(back)
                    return path[::-1]
                queue.append(v)
    return []  # pragma: no cover - unreachable when strength > 0


_TEXTS: Mapping[str, Mapping[str, str]] = {
    "fr": {
        "ranking": "Ordre obtenu : {items}.",
        "ballots": "{ballots} compté{s}, {weight} voix au total.",
        "ballot": "bulletin",
        "direct": '"{x}" passe avant "{y}" : {n} {prefer} {x} à {y}, {m} {prefer_m} l\'inverse.',
        "path": (
            '"{x}" passe avant "{y}", bien que {n} {prefer} {y} à {x} contre {m} : '
            "une chaîne de préférences plus forte relie {x} à {y} ({links}). "
            "Son maillon le plus faible vaut {s} voix, alors que dans l'autre sens "
            "la chaîne la plus forte ne vaut que {t} voix."
        ),
        "even_path": (
            'Autant de voix préfèrent {x} à {y} que l\'inverse ({n} contre {n}) ; "{x}" passe '
            'avant "{y}" par une chaîne de préférences plus forte ({links}), dont le maillon '
            "le plus faible vaut {s} voix, contre {t} dans l'autre sens."
        ),
        "overturned_tie": (
            'Bien que {n} {prefer} {y} à {x} contre {m}, "{y}" ne bat pas "{x}" : une chaîne '
            "de préférences aussi forte relie {x} à {y} ({links}), {s} voix dans les deux "
            "sens. Les deux actions sont donc à égalité et la règle de départage place "
            "{x} avant {y}."
        ),
        "link": "{u} → {v} : {a} contre {b}",
        "tie": (
            '"{x}" et "{y}" sont à égalité : la chaîne de préférences la plus forte vaut '
            "{s} voix dans les deux sens. L'ordre actuel du dossier est gardé : {x} avant {y}."
        ),
        "tie_none": (
            '"{x}" et "{y}" ne sont pas départagés par les votes. L\'ordre actuel du dossier est gardé : {x} avant {y}.'
        ),
        "one": "voix préfère",
        "many": "voix préfèrent",
        "one_short": "préfère",
        "many_short": "préfèrent",
        "zero": "aucune",
        "zero_long": "voix ne préfère",
        "zero_short": "ne préfère",
        "zero_word_short": "aucune",
        "sep": " ; ",
        "decimal": ",",
    },
    "en": {
        "ranking": "Resulting order: {items}.",
        "ballots": "{ballots} counted, total weight {weight}.",
        "ballot": "ballot",
        "direct": '"{x}" comes before "{y}": {n} {prefer} {x} to {y}, {m} {prefer_m} the reverse.',
        "path": (
            '"{x}" comes before "{y}", although {n} {prefer} {y} to {x} against {m}: '
            "a stronger chain of preferences leads from {x} to {y} ({links}). "
            "Its weakest link is worth {s} votes, while the strongest chain "
            "from {y} to {x} is only worth {t} votes."
        ),
        "even_path": (
            'As many votes prefer {x} to {y} as the reverse ({n} each); "{x}" comes before '
            '"{y}" through a stronger chain of preferences ({links}), whose weakest link is '
            "worth {s} votes, against {t} from {y} to {x}."
        ),
        "overturned_tie": (
            'Although {n} {prefer} {y} to {x} against {m}, "{y}" does not beat "{x}": an '
            "equally strong chain of preferences leads from {x} to {y} ({links}), {s} votes "
            "both ways. They are tied and the tie rule puts {x} before {y}."
        ),
        "link": "{u} → {v}: {a} against {b}",
        "tie": (
            '"{x}" and "{y}" are tied: the strongest chain of preferences is worth {s} votes '
            "both ways. The dossier's current order is kept: {x} before {y}."
        ),
        "tie_none": (
            '"{x}" and "{y}" are not separated by the votes. The dossier\'s current order is kept: {x} before {y}.'
        ),
        "one": "vote prefers",
        "many": "votes prefer",
        "one_short": "prefers",
        "many_short": "prefer",
        "zero": "no",
        "zero_long": "votes prefer",
        "zero_short": "prefer",
        "zero_word_short": "none",
        "sep": "; ",
        "decimal": ".",
    },
}


def _number(value: Fraction, lang: str) -> str:
    """An integer as is, otherwise a decimal with at most two places."""
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", _TEXTS[lang]["decimal"])


def explain(result: SchulzeResult[C], names: Mapping[C, str], lang: str = "fr") -> list[str]:
    """Plain-language sentences saying why the order came out as it did.

    After the ranking, one sentence per pair of neighbours in the order, plus one
    for each other pair whose direct majority the order overturns (a stronger or
    equal chain of preferences), then the tie rule when it was used.

    ``names`` maps candidates to display names (missing ones fall back to ``str``).
    ``lang`` is ``"fr"`` (default) or ``"en"``.
    """
    if lang not in _TEXTS:
        raise ValueError(f"unsupported language {lang!r} (use 'fr' or 'en')")
    t = _TEXTS[lang]
    d, p = result.pairwise, result.strongest

    def name(c: C) -> str:
        return str(names.get(c, c))

    def num(v: Fraction) -> str:
        return _number(v, lang)

    def count(v: Fraction, short: bool = False) -> tuple[str, str]:
        """(number, verb) with French/English agreement; 0 reads "aucune"/"no"/"none"."""
        if v == 0:
            return (t["zero_word_short"], t["zero_short"]) if short else (t["zero"], t["zero_long"])
        singular = v < 2 if lang == "fr" else v == 1
        return num(v), t[("one" if singular else "many") + ("_short" if short else "")]

    lines = [
        t["ranking"].format(items=", ".join(f"{i}. {name(c)}" for i, c in enumerate(result.order, 1))),
        t["ballots"].format(
            ballots=f"{result.ballot_count} {t['ballot']}{'s' if result.ballot_count > 1 else ''}",
            s="s" if result.ballot_count > 1 else "",
            weight=num(result.total_weight),
        ),
    ]

    def links(path: Sequence[C]) -> str:
        return t["sep"].join(
            t["link"].format(u=name(u), v=name(v), a=num(d[u][v]), b=num(d[v][u])) for u, v in itertools.pairwise(path)
        )

    for i, x in enumerate(result.order):
        for j in range(i + 1, len(result.order)):
            y = result.order[j]
            nx, ny = name(x), name(y)
            if j > i + 1 and d[y][x] <= d[x][y]:
                continue  # non-adjacent pairs only when the direct majority is overturned
            if not result.beats(x, y):
                if d[y][x] > d[x][y]:
                    n, prefer = count(d[y][x])
                    lines.append(
                        t["overturned_tie"].format(
                            x=nx,
                            y=ny,
                            n=n,
                            prefer=prefer,
                            m=num(d[x][y]),
                            links=links(strongest_path(result, x, y)),
                            s=num(p[x][y]),
                        )
                    )
                else:
                    key = "tie" if p[x][y] else "tie_none"
                    lines.append(t[key].format(x=nx, y=ny, s=num(p[x][y])))
                continue
            if d[x][y] > d[y][x]:
                n, prefer = count(d[x][y])
                m, prefer_m = count(d[y][x], short=True)
                lines.append(t["direct"].format(x=nx, y=ny, n=n, prefer=prefer, m=m, prefer_m=prefer_m))
                continue
            common = {
                "x": nx,
                "y": ny,
                "links": links(strongest_path(result, x, y)),
                "s": num(p[x][y]),
                "t": num(p[y][x]),
            }
            if d[x][y] == d[y][x]:
                lines.append(t["even_path"].format(n=num(d[x][y]), **common))
            else:
                n, prefer = count(d[y][x])
                lines.append(t["path"].format(n=n, prefer=prefer, m=num(d[x][y]), **common))
    if result.ties_broken:
        lines.append(TIE_RULES[lang])
    return lines

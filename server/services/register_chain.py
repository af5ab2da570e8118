"""The hash chain behind the register (*registre des décisions*): pure, no Flask, no database.

Each register entry is ``(sequence, kind, content, previous_hash, hash)``. The
content is stored as the canonical bytes below, ``previous_hash`` is the hash of
the entry before it (``GENESIS`` for entry 1) and ``hash`` is SHA-256 over the
framing below. Changing, removing, inserting or reordering any stored entry
breaks the chain at the first entry concerned; rewriting *every* hash after an
edit yields a consistent chain with a different head, which the head hash
printed on an earlier export or receipt exposes. This text is the specification:
verification can be re-implemented from it in any language.

Canonical content encoding (``canonical``)
-------------------------------------------
The content is a JSON object serialised as UTF-8 (no byte-order mark) with:

* no insignificant whitespace: items separated by ``,``, keys from values by
  ``:``, nothing else between tokens;
* object keys sorted by Unicode code point (Python's ``sorted`` on ``str``;
  note that this is *not* JavaScript's default UTF-16 code unit order for
  characters beyond U+FFFF); keys are strings, never duplicated;
* values: ``null``, ``true``, ``false``, integers, strings, arrays, objects
  (nested to at most ``MAX_DEPTH`` levels);
* integers in plain decimal (``-``? then digits, no leading zero, no ``+``, no
  exponent, no fraction), limited to ``|n| <= 2**53 - 1`` so that every JSON
  parser reads them exactly;
* no floating-point numbers at all (hence no NaN or infinity): amounts and
  fractions are given as strings (``"1250.50"``, ``"2/3"``) or integers
  (cents);
* strings as given (no Unicode normalisation), every character emitted as
  itself in UTF-8 except: ``"`` → ``\\"``, ``\\`` → ``\\\\``, U+0008 → ``\\b``,
  U+000C → ``\\f``, U+000A → ``\\n``, U+000D → ``\\r``, U+0009 → ``\\t``, other
  characters below U+0020 → ``\\u00XX`` with lowercase hexadecimal digits.
  Lone surrogates are refused (they are not encodable in UTF-8);
* dates and times are not JSON types: they must already be strings, by
  convention ISO-8601 in UTC with a trailing ``Z`` (see ``utc_timestamp``);
  ``datetime``/``date``/``time`` objects are refused.

Anything else (floats, ``Decimal``, bytes, sets, non-string keys, …) raises
``CanonicalError`` (a ``ValueError``). Python's ``json.dumps(obj,
sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` produces exactly
this encoding for the accepted values.

Entry hash (``entry_hash``)
----------------------------
``hash = lowercase hex SHA-256(frame)`` where ::

    field(x) = u64be(len(x)) || x            # 8-byte big-endian byte length, then the bytes
    frame    = field(b"codossier-register-v1")
            || field(u64be(sequence))        # the sequence as 8 bytes, big-endian, 1 ≤ sequence < 2**64
            || field(utf8(kind))
            || field(ascii(previous_hash))   # 64 lowercase hex characters
            || field(content_bytes)          # the canonical content, as stored

Five fields, each prefixed with its length: two different entries can never
produce the same frame. ``GENESIS`` (64 × ``"0"``) is the previous hash of
entry 1.

Verification (``verify``)
--------------------------
Entries are taken in stored order; at position ``i`` (1-based) the entry must
have sequence ``i``, previous hash ``GENESIS`` (``i = 1``) or the hash of entry
``i - 1``, a hash equal to ``entry_hash`` recomputed from its fields, and
canonical content (decoding and re-encoding gives the same bytes). The first
position failing is reported. Then, if an expected head is given (from a
receipt or an export), some entry's hash must equal it: the last one, or an
earlier one when entries were appended since (an old receipt stays valid while
the chain still contains its head). A shorter (truncated) or rewritten chain
does not contain it and fails.

Anchored head
-------------
A chain that is consistent in itself proves nothing about what was removed
from its end or rewritten wholesale. So the store also keeps the head (sequence
and hash of the last entry; ``0`` and ``GENESIS`` while empty) outside the
entries, updated in the same transaction as every append. When that anchor is
given, the chain must end exactly at it: the entry at the anchored sequence
must carry the anchored hash (otherwise the register was rewritten), no entry
may follow it (otherwise entries were added behind the application's back), and
none may be missing before it (otherwise the tail was truncated, or every entry
deleted). An anchor kept in the same database does not stop someone who rewrites
both the entries and the anchor; the head printed on a receipt or an export does.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

GENESIS = "0" * 64
VERSION_TAG = b"codossier-register-v1"
MAX_SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 32
_HEX64 = re.compile(r"[0-9a-f]{64}")
_KIND = re.compile(r"[a-z][a-z0-9_.-]{0,63}")


class CanonicalError(ValueError):
    """A value that has no canonical encoding (float, datetime object, non-string key, …)."""


# --- canonical encoding ------------------------------------------------------


def _normalise(value: Any, path: str, depth: int) -> Any:
    """Check ``value`` against the canonical rules; return it as plain dict/list/str/int."""
    if depth > MAX_DEPTH:
        raise CanonicalError(f"{path}: nested deeper than {MAX_DEPTH} levels")
    if value is None or value is True or value is False:
        return value
    if isinstance(value, float):
        raise CanonicalError(
            f"{path}: floats are not allowed; amounts and fractions must be given as strings or integers"
        )
    if isinstance(value, int):  # bool handled above
        number = int(value)
        if abs(number) > MAX_SAFE_INTEGER:
            raise CanonicalError(f"{path}: integer beyond ±(2**53 - 1); give it as a string")
        return number
    if isinstance(value, str):
        text = str.__str__(value)  # plain str, also for StrEnum members
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise CanonicalError(f"{path}: string not encodable in UTF-8 (lone surrogate)") from exc
        return text
    if isinstance(value, (datetime, date, time)):
        raise CanonicalError(
            f"{path}: dates and times must be ISO-8601 strings in UTC with a trailing Z "
            f"(see utc_timestamp), not {type(value).__name__} objects"
        )
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalError(f"{path}: object keys must be strings, not {type(key).__name__} {key!r}")
            plain_key = _normalise(key, path, depth + 1)
            if plain_key in result:
                raise CanonicalError(f"{path}: duplicate key {plain_key!r}")
            result[plain_key] = _normalise(item, f"{path}[{plain_key!r}]", depth + 1)
        return result
    if isinstance(value, (list, tuple)):
        return [_normalise(item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value)]
    raise CanonicalError(f"{path}: {type(value).__name__} has no canonical encoding")


def canonical(content: Mapping[str, Any]) -> bytes:
    """Encode ``content`` (a mapping) as canonical JSON bytes, as specified in the module docstring."""
    if not isinstance(content, Mapping):
        raise CanonicalError(f"content must be a mapping, not {type(content).__name__}")
    plain = _normalise(content, "content", 0)
    return json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def _refuse_constant(name: str) -> Any:
    raise CanonicalError(f"{name} is not canonical JSON")


def _refuse_float(text: str) -> Any:
    raise CanonicalError(f"floating-point number {text} is not canonical JSON")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise CanonicalError(f"duplicate key {key!r}")
        result[key] = value
    return result


def decode(content_bytes: bytes) -> dict[str, Any]:
    """Read stored content back; raise ``CanonicalError`` unless it is exactly canonical."""
    raw = bytes(content_bytes)
    try:
        value = json.loads(
            raw.decode("utf-8"),
            parse_float=_refuse_float,
            parse_constant=_refuse_constant,
            object_pairs_hook=_pairs,
        )
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise CanonicalError(f"content is not valid UTF-8 JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise CanonicalError("content is not a JSON object")
    if canonical(value) != raw:
        raise CanonicalError("content is not in canonical form")
    return value


def utc_timestamp(moment: datetime) -> str:
    """An aware datetime as ISO-8601 UTC with a trailing Z (microseconds only when non-zero)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CanonicalError("naive datetime: give an aware datetime (in UTC)")
    moment = moment.astimezone(UTC)
    spec = "%Y-%m-%dT%H:%M:%S.%fZ" if moment.microsecond else "%Y-%m-%dT%H:%M:%SZ"
    return moment.strftime(spec)


# --- hashing -------------------------------------------------------------------


def _field(data: bytes) -> bytes:
    return len(data).to_bytes(8, "big") + data


def entry_hash(sequence: int, kind: str, content_bytes: bytes, previous_hash: str) -> str:
    """SHA-256 (lowercase hex) over the length-prefixed frame specified in the module docstring."""
    if type(sequence) is not int or not 1 <= sequence < 2**64:
        raise ValueError(f"sequence must be an integer from 1 to 2**64 - 1, not {sequence!r}")
    if not isinstance(kind, str) or not kind:
        raise ValueError("kind must be a non-empty string")
    if not isinstance(previous_hash, str) or not _HEX64.fullmatch(previous_hash):
        raise ValueError("previous_hash must be 64 lowercase hexadecimal characters")
    frame = b"".join(
        (
            _field(VERSION_TAG),
            _field(sequence.to_bytes(8, "big")),
            _field(kind.encode("utf-8")),
            _field(previous_hash.encode("ascii")),
            _field(bytes(content_bytes)),
        )
    )
    return hashlib.sha256(frame).hexdigest()


@dataclass(frozen=True, slots=True)
class Head:
    """Where a chain ends: the last entry's sequence and hash (``0`` and ``GENESIS`` when empty)."""

    sequence: int
    hash: str


EMPTY = Head(0, GENESIS)


@dataclass(frozen=True, slots=True)
class ChainEntry:
    """One register entry as stored: content is the canonical bytes."""

    sequence: int
    kind: str
    content: bytes
    previous_hash: str
    hash: str


def append(chain_head: ChainEntry | Head | None, kind: str, content: Mapping[str, Any]) -> ChainEntry:
    """The entry that follows ``chain_head`` (``None`` or ``EMPTY`` for an empty register)."""
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        raise ValueError(f"kind must match {_KIND.pattern}, not {kind!r}")
    sequence = 1 if chain_head is None else chain_head.sequence + 1
    previous = GENESIS if chain_head is None else chain_head.hash
    content_bytes = canonical(content)
    return ChainEntry(
        sequence=sequence,
        kind=kind,
        content=content_bytes,
        previous_hash=previous,
        hash=entry_hash(sequence, kind, content_bytes, previous),
    )


# --- verification ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome of ``verify``.

    ``first_bad_sequence`` is the 1-based position of the first entry that fails
    (the sequence number it should have: for a truncated tail, the first missing
    one), ``None`` when the chain is fine, when it was rewritten up to its
    anchored head, or when only the expected head is missing. ``head`` is the stored hash of the
    last entry (``GENESIS`` when empty); trust it only when ``ok``.
    ``expected_head_at`` is the sequence of the entry matching the expected head.
    """

    ok: bool
    first_bad_sequence: int | None
    problem: str | None
    problem_fr: str | None
    head: str
    length: int
    expected_head_at: int | None = None


def _bad(position: int, entries: Sequence[ChainEntry], head: str, en: str, fr: str) -> Verification:
    return Verification(False, position, en, fr, head, len(entries))


def _off_anchor(entries: Sequence[ChainEntry], anchor: Head, head: str) -> Verification | None:
    """How a consistent chain fails to end at its anchored head, or ``None`` when it does."""
    length = len(entries)
    if 1 <= anchor.sequence <= length and entries[anchor.sequence - 1].hash != anchor.hash:
        return Verification(
            False,
            None,
            f"Entry {anchor.sequence} does not have the recorded head hash {anchor.hash}: the register was rewritten.",
            f"L'entrée {anchor.sequence} n'a pas l'empreinte de tête enregistrée {anchor.hash} : "
            "le registre a été réécrit.",
            head,
            length,
        )
    if length > anchor.sequence:
        return _bad(
            anchor.sequence + 1,
            entries,
            head,
            f"The register has {length} entries but only {anchor.sequence} were recorded: "
            f"entries {anchor.sequence + 1} to {length} were added outside the application.",
            f"Le registre compte {length} entrées mais seules {anchor.sequence} ont été enregistrées : "
            f"les entrées {anchor.sequence + 1} à {length} ont été ajoutées hors de l'application.",
        )
    if length == 0 and anchor.sequence > 0:
        return _bad(
            1,
            entries,
            head,
            f"The register is empty but {anchor.sequence} entries were recorded: every entry was deleted.",
            f"Le registre est vide alors que {anchor.sequence} entrées ont été enregistrées : "
            "toutes les entrées ont été supprimées.",
        )
    if length < anchor.sequence:
        return _bad(
            length + 1,
            entries,
            head,
            f"The register stops at entry {length} but {anchor.sequence} entries were recorded: "
            f"entries {length + 1} to {anchor.sequence} were removed from the end.",
            f"Le registre s'arrête à l'entrée {length} alors que {anchor.sequence} entrées ont été "
            f"enregistrées : les entrées {length + 1} à {anchor.sequence} ont été supprimées.",
        )
    if length == 0 and anchor.hash != GENESIS:
        return Verification(
            False,
            None,
            f"The register is empty but its recorded head is {anchor.hash}: the register was rewritten.",
            f"Le registre est vide mais son empreinte de tête enregistrée est {anchor.hash} : "
            "le registre a été réécrit.",
            head,
            length,
        )
    return None


def verify(entries: Sequence[ChainEntry], expected_head: str | None = None, anchor: Head | None = None) -> Verification:
    """Recompute the chain in stored order and name the first bad entry; see the module docstring.

    ``anchor`` is the head the store recorded at the last append; ``expected_head``
    a head hash from a receipt or an export.
    """
    if expected_head is not None:
        expected_head = expected_head.strip().lower()
        if not _HEX64.fullmatch(expected_head):
            raise ValueError("expected_head must be 64 hexadecimal characters")
    head = entries[-1].hash if entries else GENESIS
    previous = GENESIS
    for position, entry in enumerate(entries, start=1):
        if type(entry.sequence) is not int or entry.sequence != position:
            return _bad(
                position,
                entries,
                head,
                f"Entry at position {position} has sequence number {entry.sequence!r} instead of "
                f"{position}: an entry is missing, duplicated or out of order.",
                f"L'entrée en position {position} porte le numéro {entry.sequence!r} au lieu de "
                f"{position} : une entrée manque, est en double ou a été déplacée.",
            )
        if entry.previous_hash != previous:
            before = "the genesis value" if position == 1 else f"the hash of entry {position - 1}"
            before_fr = "la valeur initiale" if position == 1 else f"l'empreinte de l'entrée {position - 1}"
            return _bad(
                position,
                entries,
                head,
                f"Entry {position} does not point to {before}: an entry before it was removed, "
                "replaced or inserted, or this entry was forged.",
                f"L'entrée {position} ne renvoie pas à {before_fr} : une entrée précédente a été "
                "supprimée, remplacée ou insérée, ou cette entrée a été fabriquée.",
            )
        try:
            computed = entry_hash(entry.sequence, entry.kind, entry.content, entry.previous_hash)
        except (TypeError, ValueError) as exc:
            return _bad(
                position,
                entries,
                head,
                f"Entry {position} is malformed ({exc}).",
                f"L'entrée {position} est mal formée ({exc}).",
            )
        if entry.hash != computed:
            return _bad(
                position,
                entries,
                head,
                f"Entry {position}'s stored hash does not match its content: the entry was altered.",
                f"L'empreinte enregistrée de l'entrée {position} ne correspond pas à son contenu : "
                "l'entrée a été modifiée.",
            )
        try:
            decode(entry.content)
        except (TypeError, ValueError) as exc:
            return _bad(
                position,
                entries,
                head,
                f"Entry {position}'s content is not canonical JSON ({exc}).",
                f"Le contenu de l'entrée {position} n'est pas du JSON canonique ({exc}).",
            )
        previous = entry.hash
    if anchor is not None and (off := _off_anchor(entries, anchor, head)) is not None:
        return off
    found_at: int | None = None
    if expected_head is not None:
        if expected_head == GENESIS:
            found_at = 0
        else:
            found_at = next((e.sequence for e in reversed(entries) if e.hash == expected_head), None)
        if found_at is None:
            return Verification(
                False,
                None,
                f"The register ({len(entries)} entries, head {head}) does not contain the expected "
                f"head {expected_head}: entries were removed from the end or the register was rewritten.",
                f"Le registre ({len(entries)} entrées, empreinte de tête {head}) ne contient pas "
                f"l'empreinte attendue {expected_head} : des entrées finales ont été supprimées ou "
                "le registre a été réécrit.",
                head,
                len(entries),
            )
    return Verification(True, None, None, None, head, len(entries), found_at)

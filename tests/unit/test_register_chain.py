"""The register's hash chain: canonical encoding, framing, and detection of every kind of tampering."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import math
import struct
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.services.register_chain import (
    EMPTY,
    GENESIS,
    CanonicalError,
    ChainEntry,
    Head,
    append,
    canonical,
    decode,
    entry_hash,
    utc_timestamp,
    verify,
)

KINDS = [
    "decision",
    "priority_order",
    "freeze",
    "reopen",
    "decision",
    "freeze",
    "submit",
    "decision",
    "reopen",
    "decision",
]


def build(contents: list[dict]) -> list[ChainEntry]:
    chain: list[ChainEntry] = []
    for index, content in enumerate(contents):
        chain.append(append(chain[-1] if chain else None, KINDS[index % len(KINDS)], content))
    return chain


def rehash(entries: list[ChainEntry], start: int = 0) -> list[ChainEntry]:
    """What an attacker with database access does: renumber and recompute every hash from ``start``."""
    out = list(entries[:start])
    for entry in entries[start:]:
        previous = out[-1].hash if out else GENESIS
        sequence = len(out) + 1
        out.append(
            dataclasses.replace(
                entry,
                sequence=sequence,
                previous_hash=previous,
                hash=entry_hash(sequence, entry.kind, entry.content, previous),
            )
        )
    return out


@pytest.fixture
def chain() -> list[ChainEntry]:
    return build(
        [
            {
                "decision": n,
                "title": f"Décision n°{n}",
                "votes": {"pour": n, "contre": 1},
                "at": f"2025-03-0{n % 9 + 1}T10:00:00Z",
            }
            for n in range(1, 11)
        ]
    )


# --- canonical encoding ------------------------------------------------------


def test_canonical_exact_bytes_sorted_compact_utf8() -> None:
    content = {"z": [1, {"b": None, "a": True}], "é": "fraîche ✓", "a": {"y": -2, "x": False}}
    assert canonical(content) == '{"a":{"x":false,"y":-2},"z":[1,{"a":true,"b":null}],"é":"fraîche ✓"}'.encode()


def test_canonical_does_not_depend_on_insertion_order() -> None:
    one = {"b": 1, "a": {"d": [1, 2], "c": "x"}}
    two = {"a": {"c": "x", "d": [1, 2]}, "b": 1}
    assert canonical(one) == canonical(two)


def test_canonical_escapes() -> None:
    assert canonical({"s": 'q"b\\\n\t\x01\x7f\u2028'}) == b'{"s":"q\\"b\\\\\\n\\t\\u0001\x7f\xe2\x80\xa8"}'


def test_canonical_key_order_is_code_point_order() -> None:
    # U+1F600 (astral) sorts after U+FF5E by code point; UTF-16 order would put it first.
    assert canonical({"\U0001f600": 1, "\uff5e": 2}) == '{"\uff5e":2,"\U0001f600":1}'.encode()


def test_canonical_tuples_and_enums_become_plain_values() -> None:
    class Kind(enum.StrEnum):
        LEAD = "lead"

    class Rank(enum.IntEnum):
        FIRST = 1

    assert canonical({Kind.LEAD: (Kind.LEAD, Rank.FIRST)}) == b'{"lead":["lead",1]}'


@pytest.mark.parametrize(
    "content",
    [
        {"amount": 12.5},
        {"amount": 1.0},
        {"x": [float("nan")]},
        {"x": math.inf},
        {"at": datetime(2025, 1, 1, 12, 0)},
        {"at": datetime(2025, 1, 1, 12, 0, tzinfo=UTC)},
        {"on": date(2025, 1, 1)},
        {1: "integer key"},
        {"nested": {(1, 2): "tuple key"}},
        {"amount": Decimal("1.5")},
        {"blob": b"bytes"},
        {"set": {1, 2}},
        {"big": 2**53},
        {"text": "lone \ud800 surrogate"},
    ],
    ids=lambda c: repr(c)[:40],
)
def test_canonical_refuses(content: dict) -> None:
    with pytest.raises(ValueError):
        canonical(content)


def test_canonical_refuses_non_mapping_and_says_why_for_floats() -> None:
    with pytest.raises(CanonicalError):
        canonical([1, 2])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="strings or integers"):
        canonical({"share": 0.5})


def test_utc_timestamp() -> None:
    paris = timezone(timedelta(hours=2))
    assert utc_timestamp(datetime(2025, 6, 1, 14, 30, tzinfo=paris)) == "2025-06-01T12:30:00Z"
    assert utc_timestamp(datetime(2025, 6, 1, 12, 30, 0, 250, tzinfo=UTC)) == "2025-06-01T12:30:00.000250Z"
    with pytest.raises(ValueError):
        utc_timestamp(datetime(2025, 6, 1, 12, 30))


def test_decode_round_trips_and_rejects_non_canonical() -> None:
    content = {"b": [1, "deux"], "a": {"c": None}}
    assert decode(canonical(content)) == content
    for raw in [b'{"b":1,"a":2}', b'{"a": 1}', b'{"a":1.0}', b'{"a":NaN}', b"[1]", b'{"a":1,"a":1}', b"\xff"]:
        with pytest.raises(CanonicalError):
            decode(raw)


# --- framing -----------------------------------------------------------------


def test_entry_hash_matches_an_independent_implementation_of_the_documented_framing() -> None:
    def field(data: bytes) -> bytes:
        return struct.pack(">Q", len(data)) + data

    content = canonical({"outcome": "adoptée"})
    frame = (
        field(b"codossier-register-v1")
        + field(struct.pack(">Q", 7))
        + field("décision".encode())
        + field(b"ab" * 32)
        + field(content)
    )
    assert entry_hash(7, "décision", content, "ab" * 32) == hashlib.sha256(frame).hexdigest()


def test_framing_is_unambiguous_between_fields() -> None:
    # Moving bytes across the kind/content boundary must change the hash.
    assert entry_hash(1, "ab", b"c", GENESIS) != entry_hash(1, "a", b"bc", GENESIS)
    assert entry_hash(1, "a", b"", GENESIS) != entry_hash(2, "a", b"", GENESIS)
    assert entry_hash(1, "a", b"", GENESIS) != entry_hash(1, "a", b"", "1" * 64)


def test_entry_hash_rejects_bad_inputs() -> None:
    for args in [
        (0, "a", b"", GENESIS),
        (True, "a", b"", GENESIS),
        (1, "", b"", GENESIS),
        (1, "a", b"", "A" * 64),
        (1, "a", b"", "0" * 63),
    ]:
        with pytest.raises(ValueError):
            entry_hash(*args)  # type: ignore[arg-type]


def test_append_links_entries() -> None:
    first = append(None, "freeze", {"content_hash": "f" * 64})
    second = append(first, "reopen", {"decision": 3})
    assert (first.sequence, first.previous_hash) == (1, GENESIS)
    assert (second.sequence, second.previous_hash) == (2, first.hash)
    assert second.hash == entry_hash(2, "reopen", b'{"decision":3}', first.hash)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.hash = GENESIS  # type: ignore[misc]
    with pytest.raises(ValueError):
        append(second, "Not a kind!", {})


# --- verification: intact chains --------------------------------------------


def test_intact_chain_verifies(chain: list[ChainEntry]) -> None:
    result = verify(chain)
    assert result.ok and result.first_bad_sequence is None and result.problem is None
    assert (result.head, result.length) == (chain[-1].hash, 10)
    assert verify(chain, expected_head=chain[-1].hash).expected_head_at == 10


def test_empty_chain() -> None:
    result = verify([])
    assert result.ok and result.head == GENESIS and result.length == 0
    assert verify([], expected_head=GENESIS).expected_head_at == 0


def test_receipt_of_an_earlier_head_stays_valid_after_appends(chain: list[ChainEntry]) -> None:
    receipt_head = verify(chain[:6]).head
    result = verify(chain, expected_head=receipt_head.upper())
    assert result.ok and result.expected_head_at == 6 and result.head == chain[-1].hash


def test_malformed_expected_head_is_a_caller_error(chain: list[ChainEntry]) -> None:
    with pytest.raises(ValueError):
        verify(chain, expected_head="not a hash")


# --- verification: tampering -------------------------------------------------


def assert_bad(result, position: int) -> None:  # type: ignore[no-untyped-def]
    assert not result.ok
    assert result.first_bad_sequence == position, result.problem
    assert result.problem and result.problem_fr and str(position) in result.problem


def test_edited_payload_byte(chain: list[ChainEntry]) -> None:
    tampered = list(chain)
    content = tampered[3].content.replace(b'"pour":4', b'"pour":9')
    assert content != tampered[3].content
    tampered[3] = dataclasses.replace(tampered[3], content=content)
    result = verify(tampered)
    assert_bad(result, 4)
    assert "altered" in result.problem and "modifiée" in result.problem_fr


def test_changed_kind(chain: list[ChainEntry]) -> None:
    tampered = list(chain)
    tampered[5] = dataclasses.replace(tampered[5], kind="submit")
    assert_bad(verify(tampered), 6)


def test_deleted_middle_entry(chain: list[ChainEntry]) -> None:
    assert_bad(verify(chain[:4] + chain[5:]), 5)


def test_deleted_middle_entry_with_renumbering(chain: list[ChainEntry]) -> None:
    renumbered = chain[:4] + [dataclasses.replace(e, sequence=e.sequence - 1) for e in chain[5:]]
    assert_bad(verify(renumbered), 5)


def test_deleted_first_entry(chain: list[ChainEntry]) -> None:
    assert_bad(verify(chain[1:]), 1)
    renumbered = [dataclasses.replace(e, sequence=e.sequence - 1) for e in chain[1:]]
    result = verify(renumbered)
    assert_bad(result, 1)
    assert "genesis" in result.problem


def test_reordered_entries(chain: list[ChainEntry]) -> None:
    swapped = list(chain)
    swapped[2], swapped[6] = swapped[6], swapped[2]
    assert_bad(verify(swapped), 3)
    # Same swap with the sequence numbers rewritten to look in order.
    renumbered = [dataclasses.replace(e, sequence=i) for i, e in enumerate(swapped, start=1)]
    assert_bad(verify(renumbered), 3)


def test_duplicated_entry(chain: list[ChainEntry]) -> None:
    assert_bad(verify(chain[:5] + [chain[4]] + chain[5:]), 6)


def test_inserted_forged_entry_with_wrong_previous(chain: list[ChainEntry]) -> None:
    content = canonical({"decision": 99, "title": "Jamais votée"})
    previous = chain[2].hash  # points to entry 3, not entry 4
    forged = ChainEntry(5, "decision", content, previous, entry_hash(5, "decision", content, previous))
    later = [dataclasses.replace(e, sequence=e.sequence + 1) for e in chain[4:]]
    result = verify(chain[:4] + [forged] + later)
    assert_bad(result, 5)
    assert "does not point to the hash of entry 4" in result.problem


def test_inserted_forged_entry_with_correct_previous_breaks_the_next_link(chain: list[ChainEntry]) -> None:
    forged = append(chain[3], "decision", {"decision": 99, "title": "Jamais votée"})
    later = [dataclasses.replace(e, sequence=e.sequence + 1) for e in chain[4:]]
    assert_bad(verify(chain[:4] + [forged] + later), 6)


def test_forged_non_canonical_content_with_a_correct_hash(chain: list[ChainEntry]) -> None:
    content = b'{"decision": 11}'
    forged = ChainEntry(11, "decision", content, chain[-1].hash, entry_hash(11, "decision", content, chain[-1].hash))
    result = verify(chain + [forged])
    assert_bad(result, 11)
    assert "canonical" in result.problem


def test_malformed_stored_row_is_reported_not_raised(chain: list[ChainEntry]) -> None:
    tampered = list(chain)
    tampered[1] = dataclasses.replace(tampered[1], kind=None)  # type: ignore[arg-type]
    assert_bad(verify(tampered), 2)


def test_full_rehash_after_an_edit_is_caught_only_by_a_receipt(chain: list[ChainEntry]) -> None:
    receipt_head = chain[-1].hash
    earlier_receipt = chain[4].hash
    edited = list(chain)
    edited[2] = dataclasses.replace(edited[2], content=canonical({"decision": 3, "title": "Réécrite"}))
    rewritten = rehash(edited, start=2)

    # Without a receipt, a chain re-hashed from the edit onwards is self-consistent.
    assert verify(rewritten).ok
    # With the head printed on an export or receipt, the rewrite shows.
    for head in (receipt_head, earlier_receipt):
        result = verify(rewritten, expected_head=head)
        assert not result.ok and result.first_bad_sequence is None
        assert head in result.problem and "rewritten" in result.problem and "réécrit" in result.problem_fr


def test_truncated_tail(chain: list[ChainEntry]) -> None:
    receipt_head = chain[-1].hash
    truncated = chain[:7]
    # Without the receipt, a prefix of a valid chain is a valid chain.
    assert verify(truncated).ok and verify(truncated).length == 7
    # With it, the missing tail is detected: the expected head is not in the register.
    result = verify(truncated, expected_head=receipt_head)
    assert not result.ok and result.length == 7 and "removed from the end" in result.problem
    # Truncating everything is detected too.
    assert not verify([], expected_head=receipt_head).ok


# --- verification against the anchored head ---------------------------------------


def anchor_of(chain: list[ChainEntry]) -> Head:
    return Head(chain[-1].sequence, chain[-1].hash) if chain else EMPTY


def test_a_chain_ending_at_its_anchor_verifies(chain: list[ChainEntry]) -> None:
    assert verify(chain, anchor=anchor_of(chain)).ok
    assert verify([], anchor=EMPTY).ok
    assert append(EMPTY, "decision", {"n": 1}) == append(None, "decision", {"n": 1})
    assert append(anchor_of(chain), "decision", {"n": 11}) == append(chain[-1], "decision", {"n": 11})


def test_a_full_rehash_does_not_end_at_the_anchor(chain: list[ChainEntry]) -> None:
    edited = list(chain)
    edited[2] = dataclasses.replace(edited[2], content=canonical({"decision": 3, "title": "Réécrite"}))
    result = verify(rehash(edited, start=2), anchor=anchor_of(chain))
    assert not result.ok and result.first_bad_sequence is None
    assert "rewritten" in result.problem and "réécrit" in result.problem_fr and chain[-1].hash in result.problem


def test_a_truncated_tail_does_not_reach_the_anchor(chain: list[ChainEntry]) -> None:
    result = verify(chain[:7], anchor=anchor_of(chain))
    assert_bad(result, 8)
    assert "entries 8 to 10 were removed from the end" in result.problem and "supprimées" in result.problem_fr


def test_an_emptied_register_does_not_reach_the_anchor(chain: list[ChainEntry]) -> None:
    result = verify([], anchor=anchor_of(chain))
    assert not result.ok and result.first_bad_sequence == 1 and result.length == 0
    assert "empty but 10 entries were recorded" in result.problem and "toutes les entrées" in result.problem_fr
    assert not verify([], anchor=Head(0, chain[0].hash)).ok


def test_entries_beyond_the_anchor_were_added_outside(chain: list[ChainEntry]) -> None:
    assert_bad(verify(chain, anchor=anchor_of(chain[:8])), 9)
    assert_bad(verify(chain, anchor=EMPTY), 1)


def test_a_broken_link_is_named_before_the_anchor(chain: list[ChainEntry]) -> None:
    assert_bad(verify(chain[:4] + chain[5:], anchor=anchor_of(chain)), 5)


# --- property: any single-byte change in any content is detected -----------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
contents = st.dictionaries(st.text(max_size=8), json_values, max_size=5)


@settings(deadline=None, max_examples=200)
@given(data=st.data(), payloads=st.lists(contents, min_size=1, max_size=6))
def test_any_single_byte_change_in_any_content_is_detected(data: st.DataObject, payloads: list[dict]) -> None:
    chain = build(payloads)
    assert verify(chain).ok
    index = data.draw(st.integers(0, len(chain) - 1), label="entry")
    content = chain[index].content
    position = data.draw(st.integers(0, len(content) - 1), label="byte")
    new_byte = (content[position] + data.draw(st.integers(1, 255), label="delta")) % 256
    changed = content[:position] + bytes([new_byte]) + content[position + 1 :]
    tampered = list(chain)
    tampered[index] = dataclasses.replace(chain[index], content=changed)
    result = verify(tampered)
    assert not result.ok and result.first_bad_sequence == index + 1


@settings(deadline=None)
@given(content=contents)
def test_canonical_round_trips_and_ignores_key_order(content: dict) -> None:
    encoded = canonical(content)
    assert decode(encoded) == content
    assert canonical(dict(reversed(list(content.items())))) == encoded

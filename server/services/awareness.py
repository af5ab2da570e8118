"""Awareness (presence, cursors) is relayed, never stored. This module reads and writes
the y-protocols awareness payload so that a departed client's states can be removed."""

from __future__ import annotations

import json

import pycrdt

from .errors import DomainError

MAX_AWARENESS_BYTES = 64 * 1024


def client_clocks(payload: bytes) -> dict[int, int]:
    """The (client id → clock) pairs an awareness update announces."""
    if len(payload) > MAX_AWARENESS_BYTES:
        raise DomainError("The awareness update is too large.", code="too_large")
    try:
        decoder = pycrdt.Decoder(payload)
        clocks = {}
        for _ in range(decoder.read_var_uint()):
            client_id = decoder.read_var_uint()
            clocks[client_id] = decoder.read_var_uint()
            json.loads(decoder.read_var_string())
        return clocks
    except Exception as exc:
        raise DomainError("The awareness update is malformed.", code="invalid_message") from exc


def removal(clocks: dict[int, int]) -> bytes:
    """An awareness message (type byte included) that removes these clients' states."""
    encoder = pycrdt.Encoder()
    encoder.write_var_uint(1)
    body = pycrdt.Encoder()
    body.write_var_uint(len(clocks))
    for client_id, clock in clocks.items():
        body.write_var_uint(client_id)
        body.write_var_uint(clock + 1)
        body.write_var_string("null")
    return encoder.to_bytes() + pycrdt.write_message(body.to_bytes())

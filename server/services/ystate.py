"""Reading Yjs state vectors and updates: what a document holds, and whether an update is all in it."""

from __future__ import annotations

import pycrdt


def state_clocks(state_vector: bytes) -> dict[int, int]:
    """A state vector as {client: next clock}."""
    decoder = pycrdt.Decoder(state_vector)
    return {decoder.read_var_uint(): decoder.read_var_uint() for _ in range(decoder.read_var_uint())}


def contained(update: bytes, state_vector: bytes, clocks: dict[int, int]) -> bool:
    """Whether everything ``update`` carries is integrated in the document of this state vector.

    A struct or a deletion whose dependency has not arrived stays *pending*
    in the document, which ``Doc.get_update`` leaves out. Integration is
    contiguous per client, so a struct is integrated iff its clock is below
    the state vector's; a deletion iff the range it deletes is.
    ``get_update(update, state_vector)`` keeps the structs beyond the state
    vector and the whole delete set, which is read here.
    """
    decoder = pycrdt.Decoder(pycrdt.get_update(update, state_vector))
    if decoder.read_var_uint() != 0:  # structs beyond the state vector: pending
        return False
    for _ in range(decoder.read_var_uint()):
        client = decoder.read_var_uint()
        for _ in range(decoder.read_var_uint()):
            start, length = decoder.read_var_uint(), decoder.read_var_uint()
            if start + length > clocks.get(client, 0):
                return False
    return True

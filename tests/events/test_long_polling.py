"""Over HTTP long-polling (a network that blocks WebSocket) live editing keeps every guarantee.

A client forced to polling sends a burst of binary ``y`` updates, as a browser does
when someone types while the previous POST is still on its way: many Engine.IO
packets end up in one POST (and a binary event's header and its attachment may be
in two). Every update is acknowledged ``saved``, stored, and relayed to the others.
"""

from __future__ import annotations

import functools

from tests.live import LiveWorld, ServerProcess, insert_text, plain_text, stored_doc

POLLING = ["polling"]


def test_a_burst_of_updates_over_long_polling_is_all_saved_stored_and_relayed(
    live: LiveWorld, server: ServerProcess
) -> None:
    partner = live.client(server, "partner").open(transports=POLLING)
    lead = live.client(server, "lead").open(transports=POLLING)
    words = [f"mot{n:03d} " for n in range(120)]
    updates = [
        partner.edit(functools.partial(insert_text, key="objectifs", paragraph=0, index=0, text=word)) for word in words
    ]
    partner.acks.clear()

    for update in updates:  # all at once: the client's write loop puts what is queued into one POST
        partner.send_nowait(update)
    partner.flush()

    assert partner.acks == [{"saved": True}] * len(updates), partner._ack_summary()
    assert partner.received.errors == []
    expected = "".join(reversed(words))
    assert plain_text(stored_doc(live.engine, live.dossier_id, live.document()), "objectifs") == expected
    lead.wait_text("objectifs", expected)

"""An acknowledged edit is durable: it survives SIGKILL of the server process, and
compaction (the server's own, or one running in another process while people type)
never loses or hides an update."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pycrdt

from server.extensions import db
from server.services import documents
from server.services.documents import DocumentRef
from tests.live import (
    STEP1,
    LiveWorld,
    ServerProcess,
    YClient,
    count_updates,
    fragment,
    insert_text,
    plain_text,
    stored_doc,
    stored_snapshot,
    sync_message,
    wait_until,
)


def merged(*clients: YClient) -> pycrdt.Doc:
    doc = pycrdt.Doc()
    for client in clients:
        doc.apply_update(client.state())
    return doc


def written(live: LiveWorld, document: str, key: str = "objectifs") -> dict[int | None, int]:
    """The characters of the answer's current text each member wrote (``documents.characters``)."""
    with live.app.app_context():
        counts = documents.characters(DocumentRef(live.dossier_id, document))[key]
        db.session.remove()
    return dict(counts)


@contextmanager
def compacting(live: LiveWorld, document: str) -> Iterator[list[int]]:
    """Run ``documents.compact`` in a loop in this (test) process, on the server's database."""
    ref = DocumentRef(live.dossier_id, document)
    stop = threading.Event()
    folded: list[int] = []
    failures: list[BaseException] = []

    def loop() -> None:
        with live.app.app_context():
            try:
                while not stop.is_set():
                    folded.append(documents.compact(ref))
            except BaseException as exc:  # reported by the test below
                failures.append(exc)
            finally:
                db.session.remove()

    thread = threading.Thread(target=loop, name="compactor")
    thread.start()
    try:
        yield folded
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not failures, failures


def test_every_acknowledged_edit_survives_a_sigkill_right_after_the_acks(
    live: LiveWorld, start_server: Callable[..., ServerProcess]
) -> None:
    server = start_server(live.database_url, live.data_dir / "server")
    lead = live.client(server, "lead").open()
    partner = live.client(server, "partner").open()
    lead_updates = [lead.edit(lambda d, n=n: insert_text(d, "objectifs", 0, 0, f"L{n};")) for n in range(50)]
    partner_updates = [partner.edit(lambda d, n=n: insert_text(d, "objectifs", 0, 10**6, f"P{n};")) for n in range(50)]
    senders = [
        threading.Thread(target=lead.send_window, args=(lead_updates, 50)),  # all in flight at once
        threading.Thread(target=partner.send_window, args=(partner_updates, 50)),
    ]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    acks = lead.acks + partner.acks
    assert acks.count({"saved": True}) == len(acks) and len(acks) >= 100

    server.kill()  # SIGKILL at once: nothing is flushed on the way out
    lead.close()
    partner.close()
    server.start()

    expected = merged(lead, partner)
    late = live.client(server, "observer").open()
    assert late.text("objectifs") == plain_text(expected, "objectifs")
    assert late.xml("objectifs") == str(fragment(expected, "objectifs"))
    assert sorted(late.text("objectifs").replace("\n", "").split(";")[:-1]) == sorted(
        [f"L{n}" for n in range(50)] + [f"P{n}" for n in range(50)]
    )
    assert written(live, live.document()) == {
        live.user("lead"): sum(len(f"L{n};") for n in range(50)),
        live.user("partner"): sum(len(f"P{n};") for n in range(50)),
    }


def test_compaction_in_another_process_while_people_type_keeps_the_union_and_the_counts(
    live: LiveWorld, server: ServerProcess
) -> None:
    lead = live.client(server, "lead").open()
    partner = live.client(server, "partner").open()
    sent = {"lead": 0, "partner": 0}

    def typing(client: YClient, who: str, count: int) -> None:
        for n in range(count):
            ack = client.type(lambda d, n=n: insert_text(d, "objectifs", 0, 10**6, f"{who[0]}{n};"))
            assert ack == {"saved": True}, ack
            sent[who] += 1

    with compacting(live, live.document()) as folded:
        typists = [
            threading.Thread(target=typing, args=(lead, "lead", 120)),
            threading.Thread(target=typing, args=(partner, "partner", 80)),
        ]
        for typist in typists:
            typist.start()
        for typist in typists:
            typist.join()
    assert sent == {"lead": 120, "partner": 80}
    assert sum(folded) > 0, "the compactor never ran concurrently"

    with live.app.app_context():
        documents.compact(DocumentRef(live.dossier_id, live.document()))  # fold what is left
        db.session.remove()
    assert count_updates(live.engine, live.dossier_id, live.document()) == 0
    snapshot = stored_snapshot(live.engine, live.dossier_id, live.document())
    assert snapshot is not None
    from_snapshot = pycrdt.Doc()
    from_snapshot.apply_update(snapshot)
    expected = merged(lead, partner)
    assert str(fragment(from_snapshot, "objectifs")) == str(fragment(expected, "objectifs"))
    assert len(plain_text(from_snapshot, "objectifs").split(";")) == 201
    assert written(live, live.document()) == {
        live.user("lead"): sum(len(f"l{n};") for n in range(120)),
        live.user("partner"): sum(len(f"p{n};") for n in range(80)),
    }


def test_the_servers_idle_compaction_folds_the_log_into_an_identical_document(
    live: LiveWorld, server: ServerProcess
) -> None:
    partner = live.client(server, "partner").open()
    for n in range(30):
        assert partner.type(lambda d, n=n: insert_text(d, "descriptif", 0, 10**6, f"mot{n} ")) == {"saved": True}
    assert count_updates(live.engine, live.dossier_id, live.document()) == 30

    # The relay compacts a grown log once it has been idle for a while (2 s).
    wait_until(lambda: count_updates(live.engine, live.dossier_id, live.document()) == 0, timeout=15, what="compaction")

    assert stored_snapshot(live.engine, live.dossier_id, live.document()) is not None
    late = live.client(server, "beneficiary").open()
    assert late.xml("descriptif") == partner.xml("descriptif")
    assert late.text("descriptif") == "".join(f"mot{n} " for n in range(30))
    assert written(live, live.document(), "descriptif") == {
        live.user("partner"): len("".join(f"mot{n} " for n in range(30)))
    }


class CompactionOnCue:
    """A compaction of one document in another thread of this process, started on cue.

    Started right after an acknowledgement, it runs while the test reads the
    stored state through the server (or the services): the two overlap.
    """

    def __init__(self, live: LiveWorld, document: str) -> None:
        self.live = live
        self.ref = DocumentRef(live.dossier_id, document)
        self.cue = threading.Event()
        self.done = threading.Event()
        self.stopping = False
        self.failures: list[BaseException] = []
        self.thread = threading.Thread(target=self._loop, name="compaction-on-cue")

    def _loop(self) -> None:
        with self.live.app.app_context():
            while True:
                self.cue.wait()
                self.cue.clear()
                if self.stopping:
                    break
                try:
                    documents.compact(self.ref)
                except BaseException as exc:
                    self.failures.append(exc)
                finally:
                    db.session.remove()
                    self.done.set()

    def start(self) -> None:
        self.done.clear()
        self.cue.set()

    def wait(self) -> None:
        assert self.done.wait(30), "compaction did not finish"

    def __enter__(self) -> CompactionOnCue:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping = True
        self.cue.set()
        self.thread.join(timeout=30)
        assert not self.failures, self.failures


def test_a_sync_during_a_compaction_contains_every_acknowledged_update(live: LiveWorld, server: ServerProcess) -> None:
    """A client (re)joining while another process compacts must get every update acknowledged before it asked.

    The stored state is the snapshot plus the log; read as two separate
    statements, a compaction committing between them moves rows out of the log
    into a snapshot already read, and the sync reply silently lacks them.
    """
    writer = live.client(server, "partner").open()
    reader = live.client(server, "observer").open()
    incomplete: list[tuple[int, int]] = []
    with CompactionOnCue(live, live.document()) as compaction:
        for n in range(1, 401):
            assert writer.type(lambda d, n=n: insert_text(d, "objectifs", 0, 10**6, f"<{n}>")) == {"saved": True}
            compaction.start()
            assert reader.send_raw(sync_message(STEP1, b"\x00")) == {"ok": True}  # "send me everything"
            doc = pycrdt.Doc()
            doc.apply_update(reader.received.step2[-1])
            received = plain_text(doc, "objectifs").count("<")
            compaction.wait()
            if received != n:
                incomplete.append((n, received))
                if len(incomplete) == 3:
                    break
    assert incomplete == [], f"sync replies lacked acknowledged updates (acknowledged, received): {incomplete}"
    assert plain_text(stored_doc(live.engine, live.dossier_id, live.document()), "objectifs").count("<") == 400


def test_per_author_counts_read_during_a_compaction_count_every_acknowledged_update(
    live: LiveWorld, server: ServerProcess
) -> None:
    """documents.characters adds the log to the compacted runs: both must be read consistently."""
    partner = live.client(server, "partner").open()
    ref = DocumentRef(live.dossier_id, live.document())
    wrong: list[tuple[int, int]] = []
    typed = 0
    with CompactionOnCue(live, live.document()) as compaction, live.app.app_context():
        for n in range(1, 201):
            update = partner.edit(lambda d, n=n: insert_text(d, "objectifs", 0, 10**6, f"{n};"))
            assert partner.send(update) == {"saved": True}
            typed += len(f"{n};")
            compaction.start()
            counted = documents.characters(ref)["objectifs"].get(live.user("partner"), 0)
            db.session.remove()
            compaction.wait()
            if counted != typed:
                wrong.append((typed, counted))
                if len(wrong) == 3:
                    break
    assert wrong == [], f"characters during a compaction (acknowledged, counted): {wrong}"
    assert written(live, live.document()) == {live.user("partner"): typed}

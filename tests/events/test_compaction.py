"""Compaction never drops an acknowledged update, even one that arrived before an update it depends on.

Yjs keeps such an update *pending* until its dependency arrives; a document
encoded meanwhile (``Doc.get_update``) leaves it out. The server's own idle
compaction runs between the sends, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import pycrdt

from server.extensions import db
from server.services import documents
from server.services.documents import DocumentRef
from tests.live import (
    LiveWorld,
    ServerProcess,
    count_updates,
    insert_text,
    plain_text,
    stored_doc,
    stored_snapshot,
    wait_until,
)


def _folded(live: LiveWorld, key: str, text: str) -> bool:
    snapshot = stored_snapshot(live.engine, live.dossier_id, live.document())
    if snapshot is None:
        return False
    doc = pycrdt.Doc()
    doc.apply_update(snapshot)
    return text in str(doc.get(key, type=pycrdt.XmlFragment))


def test_updates_acknowledged_before_their_dependency_survive_a_compaction(
    world_and_server: tuple[LiveWorld, ServerProcess],
) -> None:
    live, server = world_and_server
    lead = live.client(server, "lead").open()
    partner = live.client(server, "partner").open()
    u1 = partner.edit(lambda d: _append(d, "one "))
    u2 = partner.edit(lambda d: _append(d, "two "))
    u3 = partner.edit(lambda d: _append(d, "three"))

    assert lead.type(lambda d: _append(d, "Lead", key="descriptif")) == {"saved": True}
    assert partner.send(u2) == {"saved": True}
    assert partner.send(u3) == {"saved": True}
    # The server compacts once idle (2 s): the lead's update is folded into the snapshot.
    wait_until(lambda: _folded(live, "descriptif", "Lead"), timeout=20, what="the server's idle compaction")
    assert count_updates(live.engine, live.dossier_id, live.document()) == 2  # u2 and u3 wait for u1

    assert partner.send(u1) == {"saved": True}

    assert plain_text(stored_doc(live.engine, live.dossier_id, live.document()), "objectifs") == "one two three"
    late = live.client(server, "observer").open()
    assert late.text("objectifs") == "one two three"
    path = f"/api/dossiers/{live.dossier_id}/documents/{live.document()}/answers"
    answers = live.http(server, "observer").get(server.url + path)
    assert answers.status_code == 200
    assert "one two three" in answers.text
    # Once u1 is there, the next compaction folds all three.
    with live.app.app_context():
        ref = DocumentRef(live.dossier_id, live.document())
        documents.compact(ref)
        characters = documents.characters(ref)
        assert characters["descriptif"] == {live.user("lead"): len("Lead")}
        assert characters["objectifs"] == {live.user("partner"): len("one two three")}
        db.session.remove()
    assert count_updates(live.engine, live.dossier_id, live.document()) == 0
    assert plain_text(stored_doc(live.engine, live.dossier_id, live.document()), "objectifs") == "one two three"


def _append(doc: pycrdt.Doc, text: str, key: str = "objectifs") -> None:
    insert_text(doc, key, 0, 10**6, text)


def test_the_server_compacts_a_long_document_less_often_so_that_each_update_costs_the_same(
    live: LiveWorld, server: ServerProcess
) -> None:
    """Rewriting a snapshot costs its size: a document with a long history is folded once its log has
    grown in proportion (one row per 512 bytes of snapshot), not every 500 updates."""
    ref = DocumentRef(live.dossier_id, live.document())
    history = pycrdt.Doc()
    insert_text(history, "descriptif", 0, 0, "x" * 1_000_000)
    with live.app.app_context():
        documents.append([(ref, live.user("lead"), history.get_update())])
        db.session.commit()
        documents.compact(ref)
        db.session.remove()
    partner = live.client(server, "partner").open()

    for n in range(520):  # the server's first compaction of this document (it learns the snapshot's size)
        assert partner.type(lambda d, n=n: _append(d, f"{n};")) == {"saved": True}

    def logged() -> int:
        return count_updates(live.engine, live.dossier_id, live.document())

    wait_until(lambda: logged() < 100, timeout=20, what="compaction")
    for n in range(700):
        assert partner.type(lambda d, n=n: _append(d, f"{n};")) == {"saved": True}

    assert logged() >= 700  # not folded at 500
    wait_until(lambda: logged() == 0, timeout=20, what="the idle compaction")
    late = live.client(server, "observer").open()
    assert late.text("objectifs") == partner.text("objectifs")
    assert late.text("objectifs").count(";") == 1220

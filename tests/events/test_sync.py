"""Live sync through a real server process: edits are stored before they are
acknowledged, broadcast once per commit batch, synced to late joiners, and
rendered by the server from the stored CRDT."""

from __future__ import annotations

import pycrdt
import sqlalchemy as sa

from tests.live import (
    LiveWorld,
    ServerProcess,
    YClient,
    count_updates,
    fragment,
    insert_text,
    paragraphs,
    plain_text,
    stored_doc,
    stored_rows,
)


def test_a_partners_edit_is_committed_before_its_ack_and_reaches_the_lead(
    live: LiveWorld, server: ServerProcess
) -> None:
    lead = live.client(server, "lead").open()
    partner = live.client(server, "partner").open()
    assert count_updates(live.engine, live.dossier_id, live.document()) == 0

    ack = partner.type(lambda doc: insert_text(doc, "objectifs", 0, 0, "Créer un jardin partagé"))

    assert ack == {"saved": True}
    # Read right after the ack, from another process: the row is already committed.
    rows = stored_rows(live.engine, live.dossier_id, live.document())
    assert [author for author, _ in rows] == [live.user("partner")]
    assert (
        plain_text(stored_doc(live.engine, live.dossier_id, live.document()), "objectifs") == "Créer un jardin partagé"
    )
    lead.wait_text("objectifs", "Créer un jardin partagé")
    assert lead.xml("objectifs") == partner.xml("objectifs")


def _batch_stamps(live: LiveWorld) -> list[object]:
    with live.engine.connect() as conn:
        return list(
            conn.execute(
                sa.text("SELECT created_at FROM document_updates WHERE dossier_id = :d AND document = :n"),
                {"d": live.dossier_id, "n": live.document()},
            ).scalars()
        )


def _hundred_words_typed_offline(
    live: LiveWorld, server: ServerProcess
) -> tuple[YClient, YClient, list[str], list[bytes]]:
    """The lead and a partner connected; the partner's 100 one-word updates made but not yet sent."""
    lead = live.client(server, "lead").open()
    partner = live.client(server, "partner").open()
    words = [f"mot{n:03d} " for n in range(100)]
    updates = [partner.edit(lambda doc, w=word: insert_text(doc, "objectifs", 0, 10_000, w)) for word in words]
    return lead, partner, words, updates


def test_updates_in_flight_together_are_broadcast_as_one_merged_update_per_commit_batch(
    live: LiveWorld, server: ServerProcess
) -> None:
    lead, partner, words, updates = _hundred_words_typed_offline(live, server)

    partner.send_window(updates, window=10)  # up to 10 updates in flight at once

    expected = "".join(words)
    assert partner.acks[-100:] == [{"saved": True}] * 100
    lead.wait_text("objectifs", expected)
    partner.wait_text("objectifs", expected)  # a sender gets its own updates back, harmlessly
    stamps = _batch_stamps(live)
    batches = len(set(stamps))  # one commit per batch, one timestamp per commit
    assert len(stamps) == 100
    assert lead.received.update_messages == batches
    assert batches < 100, "updates in flight together were not committed (and broadcast) together"


def test_a_burst_of_100_updates_sent_without_waiting_is_saved_within_seconds(
    live: LiveWorld, server: ServerProcess
) -> None:
    """A client that does not wait for each ack (a fast typist, a paste, a reconnect) must not stall the server."""
    lead, partner, words, updates = _hundred_words_typed_offline(live, server)

    for update in updates:
        partner.send_nowait(update)
    partner.flush(timeout=10)

    assert partner.acks[-100:] == [{"saved": True}] * 100
    assert len(_batch_stamps(live)) == 100
    lead.wait_text("objectifs", "".join(words))


def test_a_late_joiner_receives_the_whole_state_through_sync(live: LiveWorld, server: ServerProcess) -> None:
    lead = live.client(server, "lead").open()
    partner = live.client(server, "partner").open()
    lead.type(lambda doc: insert_text(doc, "objectifs", 0, 0, "Objectif du porteur. "))
    partner.type(lambda doc: insert_text(doc, "descriptif", 0, 0, "Descriptif du partenaire."))
    lead.wait_text("descriptif", "Descriptif du partenaire.")

    late = live.client(server, "beneficiary").open()

    assert late.text("objectifs") == "Objectif du porteur. "
    assert late.text("descriptif") == "Descriptif du partenaire."
    assert late.state() and late.xml("objectifs") == lead.xml("objectifs")
    assert late.received.update_messages == 0  # it came through sync, not through a broadcast


def _formatted_answer(doc: pycrdt.Doc) -> None:
    """What TipTap's Collaboration extension writes for a formatted answer."""
    answer = fragment(doc, "objectifs")
    title = pycrdt.XmlText()
    answer.children.append(pycrdt.XmlElement("heading", {"level": 2}, [title]))
    title.insert(0, "Nos objectifs")
    body = pycrdt.XmlText()
    answer.children.append(pycrdt.XmlElement("paragraph", None, [body]))
    body.insert(0, "Un ")
    body.insert(3, "jardin", {"bold": {}})
    body.insert(9, " ouvert à ")
    body.insert(len(" ouvert à ".encode()) + 9, "tous", {"link": {"href": "https://example.org/jardin?a=1&b=2"}})
    items = pycrdt.XmlElement("bulletList", None, [])
    answer.children.append(items)
    for word in ("semer", "récolter"):
        text = pycrdt.XmlText()
        items.children.append(pycrdt.XmlElement("listItem", None, [pycrdt.XmlElement("paragraph", None, [text])]))
        text.insert(0, word)
    typed = pycrdt.XmlText()
    answer.children.append(pycrdt.XmlElement("paragraph", None, [typed]))
    typed.insert(0, '<script>alert("x")</script> <b>pas gras</b> piège')


def _javascript_link(doc: pycrdt.Doc) -> None:
    """Not what the editor writes (it keeps http(s) and mailto links only): refused as invalid_content."""
    typed = paragraphs(doc, "objectifs")[-1]
    typed.format(len(typed) - len("piège".encode()), len(typed), {"link": {"href": "javascript:alert(1)"}})


def test_the_answers_route_renders_the_stored_text_as_html_and_plain_text(
    live: LiveWorld, server: ServerProcess
) -> None:
    lead = live.client(server, "lead").open()
    assert lead.type(_formatted_answer) == {"saved": True}
    refused = lead.type(_javascript_link)
    assert refused["saved"] is False and refused["error"]["code"] == "invalid_content", refused

    reply = live.http(server, "observer").get(
        f"{server.url}/api/dossiers/{live.dossier_id}/documents/{live.document()}/answers", timeout=10
    )

    assert reply.status_code == 200
    answers = {a["key"]: a for a in reply.json()["answers"]}
    objectifs = answers["objectifs"]
    assert objectifs["html"] == (
        "<h2>Nos objectifs</h2>"
        "<p>Un <strong>jardin</strong> ouvert à "
        '<a href="https://example.org/jardin?a=1&amp;b=2" rel="noopener noreferrer">'
        "tous</a></p>"
        "<ul><li><p>semer</p></li><li><p>récolter</p></li></ul>"
        '<p>&lt;script&gt;alert("x")&lt;/script&gt; &lt;b&gt;pas gras&lt;/b&gt; piège</p>'
    )
    assert "<script" not in objectifs["html"] and "javascript:" not in objectifs["html"]
    assert objectifs["text"] == (
        "Nos objectifs\n\nUn jardin ouvert à tous\n\n- semer\n- récolter\n\n"
        '<script>alert("x")</script> <b>pas gras</b> piège'
    )
    assert objectifs["characters"] == len(objectifs["text"].replace("\n", ""))
    assert answers["descriptif"] == {"key": "descriptif", "html": "", "text": "", "characters": 0}


def test_the_answers_route_is_refused_to_an_outsider(live: LiveWorld, server: ServerProcess) -> None:
    url = f"{server.url}/api/dossiers/{live.dossier_id}/documents/{live.document()}/answers"
    assert live.http(server, "outsider").get(url, timeout=10).status_code == 404
    assert live.http(server, "lead").get(url, timeout=10).status_code == 200

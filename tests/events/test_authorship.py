"""Who wrote what, through the real server: members type over Socket.IO, the API and the export credit
the text that survives to whoever sent it, across compactions and a restart."""

from __future__ import annotations

import io
import zipfile

from tests.live import LiveWorld, ServerProcess, append_paragraph, delete_text, insert_text, wait_until


def _authorship(live: LiveWorld, server: ServerProcess, who: str = "observer") -> dict[str, dict[str, int]]:
    path = f"/api/dossiers/{live.dossier_id}/documents/{live.document()}/authorship"
    reply = live.http(server, who).get(server.url + path)
    assert reply.status_code == 200, reply.text
    return {
        answer["key"]: {writer["display_name"]: writer["characters"] for writer in answer["writers"]}
        for answer in reply.json()["answers"]
    }


def test_typing_three_thousand_characters_and_deleting_them_changes_no_share(
    world_and_server: tuple[LiveWorld, ServerProcess],
) -> None:
    live, server = world_and_server
    lead = live.client(server, "lead").open()
    beneficiary = live.client(server, "beneficiary").open()
    partner = live.client(server, "partner").open()
    assert lead.type(lambda d: append_paragraph(d, "objectifs", "Rompre l'isolement")) == {"saved": True}
    wait_until(lambda: beneficiary.text("objectifs") == "Rompre l'isolement", what="the lead's paragraph")
    assert beneficiary.type(lambda d: insert_text(d, "objectifs", 0, 18, " des aînés")) == {"saved": True}
    wait_until(lambda: partner.text("objectifs") == "Rompre l'isolement des aînés", what="the beneficiary's words")
    before = _authorship(live, server)
    export_before = _participation(live, server)

    for _ in range(30):  # 3,000 characters, a hundred at a time
        assert partner.type(lambda d: insert_text(d, "objectifs", 0, 0, "x" * 100)) == {"saved": True}
    assert _authorship(live, server)["objectifs"]["Paul Partenaire"] == 3000
    assert partner.type(lambda d: delete_text(d, "objectifs", 0, 0, 3000)) == {"saved": True}

    assert before["objectifs"] == {"Léa Porteur": len("Rompre l'isolement"), "Béa": len(" des aînés")}
    assert _authorship(live, server) == before
    assert _participation(live, server) == export_before
    # The same after the server has compacted the log (it does once idle) and restarted.
    wait_until(lambda: _log_rows(live) == 0, timeout=30, what="the server's idle compaction")
    server.stop()
    server.start()
    assert _authorship(live, server) == before


def _log_rows(live: LiveWorld) -> int:
    from tests.live import count_updates

    return count_updates(live.engine, live.dossier_id, live.document())


def _participation(live: LiveWorld, server: ServerProcess) -> str:
    """The participation table of the DOCX export, as text."""
    reply = live.http(server, "lead").get(f"{server.url}/api/dossiers/{live.dossier_id}/export.docx")
    assert reply.status_code == 200, reply.text[:300]
    with zipfile.ZipFile(io.BytesIO(reply.content)) as docx:
        xml = docx.read("word/document.xml").decode()
    start = xml.index("Participation des parties prenantes")
    return xml[start : start + 20_000]

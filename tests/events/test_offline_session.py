"""Long offline sessions: the browser's live-document code (client/src/live, run in Node by the
harness client/tests/offline_session.ts) merges megabytes of offline edits on return, in
pieces under the server's update limit, each acknowledged; and a frame over any limit is
refused with a reason, never a silent disconnect.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require_service
from tests.live import (
    ROOT,
    LiveWorld,
    ServerProcess,
    paragraphs,
    stored_doc,
    text_of,
    update_message,
)

CLIENT = ROOT / "client"
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The harness and the client code it imports, bundled for Node."""
    require_service(
        shutil.which("node") is not None and (CLIENT / "node_modules").exists(), "node and client/node_modules"
    )
    bundle = tmp_path_factory.mktemp("harness") / "offline_session.mjs"
    rolldown = str(CLIENT / "node_modules/.bin/rolldown")
    command = [rolldown, "tests/offline_session.ts", "--platform", "node", "--format", "esm", "--file", str(bundle)]
    subprocess.run(command, cwd=CLIENT, check=True, capture_output=True, timeout=120)
    return bundle


def run(harness: Path, mode: str, options: dict[str, Any], timeout: float = 300) -> dict[str, Any]:
    done = subprocess.run(
        ["node", str(harness), mode, json.dumps(options)], capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_split_pieces_are_under_the_limit_and_give_the_same_document(harness: Path) -> None:
    result = run(harness, "split", {"seed": 20261204, "rounds": 30})
    assert result["failures"] == []
    assert result["pieces"] > 30  # the documents were cut, not passed through whole


def test_five_mebibytes_of_offline_edits_merge_on_return(live: LiveWorld, server: ServerProcess, harness: Path) -> None:
    field = "objectifs"
    result = run(
        harness,
        "merge",
        {
            "url": server.url,
            "cookie": live.cookie("partner"),
            "dossier_id": live.dossier_id,
            "document": live.document(),
            "field": field,
            "megabytes": 5,
            "timeout": 240,
        },
    )

    assert result["disconnects"] == 0, result
    assert result["saved"] is True and result["error"] is None and result["keptLocally"] is False, result
    assert result["pendingBytes"] > 5 * MIB
    assert result["messages"] >= 6, result  # in pieces
    assert result["largestMessage"] <= MIB + 64, result  # each one under the server's limit
    doc = stored_doc(live.engine, live.dossier_id, live.document())
    stored = [text_of(p) for p in paragraphs(doc, field)]
    assert len(stored) == result["paragraphs"]
    assert sum(len(text.encode()) for text in stored) >= 5 * MIB
    assert [int(text.split(" ", 1)[0][1:]) for text in stored[1:]] == list(range(1, result["paragraphs"]))
    assert len(stored[0]) > 1_000_000  # the long paste, cut in pieces, whole again


def test_a_frame_over_the_transport_limit_gets_too_large_not_a_silent_disconnect(
    live: LiveWorld, server: ServerProcess
) -> None:
    partner = live.client(server, "partner").open()
    partner.timeout = 60
    huge = update_message(b"\x00" * (3 * MIB))  # over max_http_buffer_size (2 MiB + 64 KiB)

    ack = partner.send_raw(huge)

    assert ack == {"saved": False, "error": {"code": "too_large", "message": ack["error"]["message"]}}, ack
    assert [e["code"] for e in partner.received.errors] == ["too_large"]
    assert partner.connected
    assert partner.sync() == {"ok": True}  # the connection still works

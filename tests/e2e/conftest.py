"""Browser tests: a real `codossier serve` process and Debian's Chromium driven by Playwright.

Under ``CI=true`` a missing Chromium or an unbuilt client is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.request import urlopen

import pytest

from tests.conftest import require_service
from tests.mail import shared_mail_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CODOSSIER_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "client" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_healthy(base_url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Poll the health route until the server answers (or fail with its output)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"server exited with {process.returncode}: {process.stdout.read().decode() if process.stdout else ''}"
            )
        try:
            with urlopen(f"{base_url}/api/health", timeout=1) as reply:
                if json.load(reply)["status"] == "ok":
                    return
        except (URLError, ConnectionError, OSError):
            time.sleep(0.05)
    raise RuntimeError("server did not become healthy in time")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_service(
        (ROOT / "client" / "dist" / "index.html").is_file(), "the built client (npm --prefix client run build)"
    )
    data_dir = tmp_path_factory.mktemp("live-server")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["CODOSSIER_DATA_DIR"] = str(data_dir)
    # One server for every browser test of the run: all sign-ups and joins come from 127.0.0.1.
    env["CODOSSIER_LOGIN_RATE_LIMIT"] = "1000 per minute"
    # Sign-up e-mails go to this test process's SMTP server (steps.sign_up opens their links).
    env.update(CODOSSIER_SMTP_HOST="127.0.0.1", CODOSSIER_SMTP_PORT=str(shared_mail_server().port))
    process = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url, process)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    require_service(Path(CHROMIUM).is_file(), f"Chromium at {CHROMIUM}")
    require_service(AXE.is_file(), "axe-core in client/node_modules")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def new_context(browser: Any, live_server: str) -> Iterator[Any]:
    """Open fresh browser contexts (separate cookies: separate people) on the live server."""
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        options.setdefault("locale", "fr-FR")
        context = browser.new_context(base_url=live_server, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def assert_accessible(page: Any) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: an inline <script> would break the page's CSP.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert problems == [], f"{page.url}:\n" + "\n".join(problems)

"""A real browser on the real stack: Debian's Chromium driven by Playwright against a uvicorn API.

The API (with the built web client at /web/) runs in a thread on a free port, on the session's
test stack, so the browser fetches media from the real nginx edge. Chromium comes from Debian
and is installed by ops.stack when missing; Playwright's own browser download is never used.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Playwright,
    expect,
    sync_playwright,
)

from api.web import WEB_DIST
from graphgram.settings import Settings
from ops.stack import _ensure_debian_package
from tests.e2e.browser import DESKTOP
from tests.fixtures.api_server import served_api

ROOT = Path(__file__).resolve().parents[2]
# The flags Chromium needs on a machine whose network reaches only the package registries.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous waits: four people's test stacks share two cores here, and a waiting assertion
# returns as soon as it holds, so a longer limit costs nothing when the machine is quiet.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def web_build() -> Path:
    """The built client; built here when missing so a bare `pytest` run proves the same thing."""
    if not (WEB_DIST / "index.html").is_file():
        subprocess.run(["make", "web"], cwd=ROOT, check=True)
    return WEB_DIST


@pytest.fixture(scope="session")
def live_api(settings: Settings, web_build: Path) -> Iterator[str]:
    """The API and web client served by uvicorn on a free port; yields the base URL."""
    with served_api(settings, "browser") as url:
        yield url


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium, installed with apt-get (as root) the first time it is missing."""
    return _ensure_debian_package("chromium", "chromium", lambda message: print(message))


# Per module, not per session: while Playwright's sync API is alive it marks an asyncio loop as
# running on this thread, which would stop every pytest-asyncio test that runs after it.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright, chromium: str) -> Iterator[Browser]:
    instance = playwright.chromium.launch(
        executable_path=chromium, headless=True, args=CHROMIUM_ARGS
    )
    yield instance
    instance.close()


# Every page reports each Content-Security-Policy violation to the console, where the
# context's listener collects it: a test fails if the policy blocked anything its pages did.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


def watch_csp(context: BrowserContext) -> list[str]:
    """Collect what the policy refused in this context's pages (Chromium also logs each
    refusal as a console error that starts with "Refused to")."""
    violations: list[str] = []
    context.add_init_script(REPORT_CSP_VIOLATIONS)

    def on_console(message: ConsoleMessage) -> None:
        text = message.text
        if message.type == "error" and (
            text.startswith("CSP violation") or "Content Security Policy" in text
        ):
            violations.append(text)

    context.on("console", on_console)
    return violations


@pytest.fixture
def csp_violations() -> dict[BrowserContext, list[str]]:
    """What the policy refused, per context `open_context` opened (a test that provokes a
    refusal on purpose clears its list after checking it)."""
    return {}


@pytest.fixture
def open_context(
    browser: Browser, live_api: str, csp_violations: dict[BrowserContext, list[str]]
) -> Iterator[Callable[..., BrowserContext]]:
    """Open a fresh browser profile (one person) at phone or desktop size; at the end, no page
    of the test may have broken the server's Content-Security-Policy."""
    opened: list[BrowserContext] = []

    def make(size: dict[str, int] = DESKTOP) -> BrowserContext:
        phone = size["width"] < 600
        context = browser.new_context(
            base_url=live_api,
            viewport={"width": size["width"], "height": size["height"]},
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=1,
        )
        context.set_default_timeout(20_000)
        csp_violations[context] = watch_csp(context)
        opened.append(context)
        return context

    yield make
    for context in opened:
        with suppress(Exception):
            context.close()
    refused = [text for found in csp_violations.values() for text in found]
    assert refused == [], f"the Content-Security-Policy refused: {refused}"


@pytest.fixture
def api(live_api: str) -> Iterator[httpx.Client]:
    """Plain HTTP to the same server, for setting the scene before the browser acts."""
    with httpx.Client(base_url=live_api, timeout=30) as http:
        yield http


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: GRAPHGRAM_SCREENSHOT_DIR (the README's come from there) or tmp."""
    chosen = os.environ.get("GRAPHGRAM_SCREENSHOT_DIR")
    folder = Path(chosen) if chosen else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder

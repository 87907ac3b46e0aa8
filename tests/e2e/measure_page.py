"""Page weight and speed of the web client's first load, on a stack seeded with the demo graph.

    export GRAPHGRAM_STACK_NAME=web GRAPHGRAM_PORT_OFFSET=10070   # any stack instance
    graphgram seed --preset demo --with-media 60 --wipe
    python -m tests.e2e.measure_page

Starts the API (with the built client) on a free port against that stack, logs in as `alice`,
and opens /web/ in a fresh Chromium profile (empty cache) several times, at desktop and phone
width. For each load it sums the bytes that crossed the wire (DevTools `encodedDataLength`:
headers plus compressed bodies) by kind, and times navigation start to the first post picture
decoded and shown. Prints the medians as a Markdown table.
"""

from __future__ import annotations

import argparse
import statistics
from collections import defaultdict
from typing import Any

import httpx
from playwright.sync_api import Browser, sync_playwright

from graphgram.settings import get_settings
from ops.stack import _ensure_debian_package
from tests.e2e.browser import DESKTOP, PHONE
from tests.e2e.conftest import CHROMIUM_ARGS
from tests.fixtures.api_server import served_api

FIRST_IMAGE = """() => {
    const img = document.querySelector('.post .media.loaded img');
    return img && img.complete && img.naturalWidth > 0 ? performance.now() : null;
}"""


def _kind(url: str, resource: str, api_origin: str) -> str:
    if "/m/" in url and not url.startswith(api_origin):
        return "media (edge)"
    if resource in {"Document", "Script", "Stylesheet"}:
        return "client (HTML, JS, CSS)"
    return "API JSON"


def load_once(browser: Browser, base: str, token: str, size: dict[str, int]) -> dict[str, Any]:
    context = browser.new_context(
        base_url=base,
        viewport={"width": size["width"], "height": size["height"]},
        is_mobile=size["width"] < 600,
        device_scale_factor=1,
    )
    context.add_init_script(f"localStorage.setItem('graphgram.token', {token!r})")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    kinds: dict[str, str] = {}
    sizes: dict[str, float] = defaultdict(float)

    def sent(event: dict[str, Any]) -> None:
        kinds[event["requestId"]] = _kind(event["request"]["url"], event.get("type", ""), base)

    def finished(event: dict[str, Any]) -> None:
        sizes[kinds.get(event["requestId"], "other")] += event["encodedDataLength"]

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    page.goto("/web/", wait_until="commit")
    shown = page.wait_for_function(FIRST_IMAGE, polling="raf", timeout=30_000).json_value()
    page.wait_for_load_state("networkidle")
    context.close()
    return {"first_image_ms": float(shown), **sizes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--user", default="alice")
    parser.add_argument("--password", default="graphgram-demo")
    args = parser.parse_args()

    settings = get_settings()
    chromium = _ensure_debian_package("chromium", "chromium", print)
    rows = []
    with served_api(settings, "page-weight") as base, sync_playwright() as driver:
        login = httpx.post(
            f"{base}/auth/login",
            json={"username": args.user, "password": args.password},
            timeout=30,
        )
        login.raise_for_status()
        token = login.json()["access_token"]
        browser = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        load_once(browser, base, token, DESKTOP)  # warm the API's caches and the edge once
        for label, size in (("desktop 1280 px", DESKTOP), ("phone 390 px", PHONE)):
            runs = [load_once(browser, base, token, size) for _ in range(args.runs)]
            keys = sorted({k for run in runs for k in run if k != "first_image_ms"})
            med = {k: statistics.median(run.get(k, 0) for run in runs) for k in keys}
            total = sum(med.values())
            first = statistics.median(run["first_image_ms"] for run in runs)
            rows.append((label, total, med, first))
        browser.close()
    print(
        f"| first load (median of {args.runs}, empty cache) | transferred | of which | "
        "first post picture shown |"
    )
    print("|---|---|---|---|")
    for label, total, med, first in rows:
        parts = ", ".join(f"{k} {v / 1000:.1f} kB" for k, v in med.items())
        print(f"| {label} | **{total / 1000:.1f} kB** | {parts} | **{first:.0f} ms** |")


if __name__ == "__main__":
    main()

"""/docs and /redoc render with nothing but this server: every other host is cut off."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Route, expect

OpenContext = Callable[..., BrowserContext]


def _offline(context: BrowserContext) -> list[str]:
    """Abort every request that leaves 127.0.0.1; returns the list of what was attempted."""
    attempted: list[str] = []

    def guard(route: Route) -> None:
        if urlsplit(route.request.url).hostname in {"127.0.0.1", "localhost"}:
            route.continue_()
            return
        attempted.append(route.request.url)
        route.abort("internetdisconnected")

    context.route("**/*", guard)
    return attempted


def test_swagger_ui_renders_offline(open_context: OpenContext) -> None:
    context = open_context()
    attempted = _offline(context)
    page = context.new_page()
    page.goto("/docs")
    expect(page.get_by_role("heading", name="Graphgram 0.1.0", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="GET /feed Home Feed")).to_be_visible()
    assert attempted == []


def test_redoc_renders_offline(open_context: OpenContext) -> None:
    context = open_context()
    attempted = _offline(context)
    page = context.new_page()
    page.goto("/redoc")
    expect(page.get_by_role("heading", name="Graphgram (0.1.0)")).to_be_visible()
    expect(page.get_by_role("heading", name="Home Feed", exact=False).first).to_be_attached()
    expect(page.get_by_role("menuitem", name="feed")).to_be_visible()
    assert attempted == []

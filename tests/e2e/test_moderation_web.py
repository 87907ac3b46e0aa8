"""Reporting a post and a moderator removing it, in a real browser."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from neo4j import Driver
from playwright.sync_api import BrowserContext, expect

from cypher import query
from graphgram.settings import Settings
from tests.e2e.browser import DESKTOP, PHONE, account, log_in, post

OpenContext = Callable[..., BrowserContext]


def test_a_post_is_reported_and_a_moderator_removes_it(
    open_context: OpenContext, api: httpx.Client, neo4j_driver: Driver, settings: Settings
) -> None:
    mallory = account(api, "mallory")
    victor = account(api, "victor")
    account(api, "mona")
    neo4j_driver.execute_query(
        query("accounts/set_role"), {"username": "mona", "role": "moderator"},
        database_=settings.neo4j_database,
    )  # fmt: skip
    assert api.post("/users/mallory/follow", headers=victor["headers"]).status_code == 200
    bad = post(api, mallory, "Buy followers now", [])

    # Victor reports the post from his feed; he sees no moderation page.
    page = open_context(PHONE).new_page()
    log_in(page, "victor")
    card = page.get_by_role("article", name="Post by @mallory")
    card.get_by_role("button", name="Report", exact=True).click()
    card.get_by_label("Reason").select_option("spam")
    card.get_by_role("button", name="Send report").click()
    expect(card.get_by_text("Thanks: the moderators will look at this post.")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Moderation")).to_have_count(0)

    # Mona works the queue: the reported post as it was, removed with a reason.
    mod = open_context(DESKTOP).new_page()
    log_in(mod, "mona")
    mod.get_by_role("navigation", name="Main").get_by_role("link", name="Moderation").click()
    report = mod.get_by_role("article", name="Report on @mallory")
    expect(report.get_by_text("Buy followers now")).to_be_visible()
    expect(report.get_by_text("Reported by @victor")).to_be_visible()
    report.get_by_label("Reason").fill("spam")
    report.get_by_role("button", name="Remove post").click()
    expect(mod.get_by_text("The post was removed.")).to_be_visible()

    page.goto("/web/")
    expect(page.get_by_role("heading", name="Your feed is empty")).to_be_visible()
    page.goto(f"/web/p/{bad}")
    expect(page.get_by_role("heading", name="This post isn't available")).to_be_visible()
    audit = api.get("/admin/audit", headers=victor["headers"])
    assert audit.status_code == 404

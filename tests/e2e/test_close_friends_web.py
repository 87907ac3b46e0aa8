"""Close friends in a real browser: choose them, post to them from the upload page; a friend
sees the post, a follower who is not one does not, and a friend taken off stops seeing it."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from playwright.sync_api import BrowserContext, expect

from tests.e2e.browser import DESKTOP, PHONE, account, log_in, no_horizontal_scroll

OpenContext = Callable[..., BrowserContext]


def test_choose_close_friends_and_post_to_them(
    open_context: OpenContext, api: httpx.Client
) -> None:
    amy = account(api, "amy")
    for name in ("bea", "cal"):
        friend = account(api, name)
        followed = api.post(f"/users/{amy['username']}/follow", headers=friend["headers"])
        assert followed.status_code == 200

    page = open_context(DESKTOP).new_page()
    log_in(page, "amy")
    page.goto("/web/settings")
    page.get_by_role("link", name="Close friends").click()
    expect(page.get_by_role("heading", name="Close friends")).to_be_visible()
    page.get_by_label("Add by username").fill("bea")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(
        page.get_by_role("status").filter(has_text="@bea is a close friend now.")
    ).to_be_visible()
    friends = page.get_by_role("list", name="Close friends")
    expect(friends.get_by_text("@bea")).to_be_visible()
    expect(friends.get_by_text("@cal")).to_have_count(0)

    page.goto("/web/upload")
    page.get_by_label("Caption").fill("Only for my friends")
    audience = page.get_by_role("group", name="Audience")
    expect(audience.get_by_role("radio", name="Everyone")).to_be_checked()
    audience.get_by_role("radio", name="Close friends").check()
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_text("Only for my friends")).to_be_visible()
    expect(page.locator(".audience-badge", has_text="Close friends")).to_be_visible()
    post_url = page.url

    friend_page = open_context(PHONE).new_page()
    log_in(friend_page, "bea")
    mine = friend_page.get_by_role("article", name="Post by @amy")
    expect(mine).to_be_visible()
    expect(mine.get_by_text("Only for my friends")).to_be_visible()
    no_horizontal_scroll(friend_page)

    other_page = open_context(DESKTOP).new_page()
    log_in(other_page, "cal")
    expect(other_page.get_by_role("heading", name="Home")).to_be_attached()
    expect(other_page.get_by_text("Only for my friends")).to_have_count(0)
    other_page.goto(post_url)
    expect(other_page.get_by_text("Only for my friends")).to_have_count(0)
    other_page.goto("/web/u/amy")
    expect(other_page.get_by_role("heading", name="amy")).to_be_visible()
    expect(other_page.get_by_text("Only for my friends")).to_have_count(0)

    # Taken off the list: the post leaves the friend's feed at once.
    page.goto("/web/close-friends")
    page.get_by_role("button", name="Remove @bea from close friends").click()
    expect(page.get_by_role("list", name="Close friends").get_by_text("@bea")).to_have_count(0)
    friend_page.goto("/web/")
    expect(friend_page.get_by_role("heading", name="Home")).to_be_attached()
    expect(friend_page.get_by_text("Only for my friends")).to_have_count(0)

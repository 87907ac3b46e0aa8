"""Posting a story from the upload page and watching it from the tray, in a real browser."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import BrowserContext, expect

from tests.e2e.browser import DESKTOP, PHONE, account, log_in, photo, upload

OpenContext = Callable[..., BrowserContext]


def api_ring_seen(api: httpx.Client, viewer: dict[str, Any], username: str) -> bool:
    rings = api.get("/stories", headers=viewer["headers"]).json()
    [ring] = [r for r in rings if r["user"]["username"] == username]
    seen: bool = ring["seen"]
    return seen


def test_a_story_is_posted_watched_from_the_tray_and_its_viewers_listed(
    open_context: OpenContext, api: httpx.Client, tmp_path: Path
) -> None:
    ada = account(api, "ada")
    boris = account(api, "boris")
    assert api.post("/users/ada/follow", headers=boris["headers"]).status_code == 200

    # Ada shares a picture to her story from the upload page, then a second one over the API.
    page = open_context(DESKTOP).new_page()
    log_in(page, "ada")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="New post").click()
    picture = tmp_path / "dawn.jpg"
    picture.write_bytes(photo(720, 1280, seed=3))
    page.get_by_label("Pictures or a video").set_input_files(picture)
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("img", name="Preview of dawn.jpg")).to_be_visible()
    page.get_by_label("Story audience").select_option("everyone")
    page.get_by_role("button", name="Share to story").click()
    expect(page.get_by_text("Your story is up for 24 hours.")).to_be_visible()
    second = upload(api, ada, "dusk.jpg", photo(720, 1280, seed=9), "image/jpeg")
    made = api.post("/stories", json={"media_id": second}, headers=ada["headers"])
    assert made.status_code == 201, made.text

    # Boris finds Ada's ring above his feed. The page's clock is Playwright's: a picture's 5 s pass
    # when the test says so, however slow the machine.
    watcher = open_context(PHONE).new_page()
    watcher.clock.install()
    log_in(watcher, "boris")
    tray = watcher.get_by_role("navigation", name="Stories")
    tray.get_by_role("button", name="Stories of @ada, new").click()
    viewer = watcher.get_by_role("dialog", name="Stories")
    first, last = (viewer.get_by_role("img", name=f"Story {n} of 2 by @ada") for n in (1, 2))
    expect(first).to_be_visible()
    expect(viewer.get_by_role("progressbar")).to_have_count(2)
    watcher.clock.run_for(5100)  # a picture shows for 5 s, then the next one
    expect(last).to_be_visible()
    viewer.get_by_role("button", name="Previous story").click()
    expect(first).to_be_visible()
    viewer.get_by_role("button", name="Next story").click()
    expect(last).to_be_visible()
    watcher.keyboard.press("ArrowLeft")
    expect(first).to_be_visible()
    watcher.keyboard.press("ArrowRight")
    expect(last).to_be_visible()
    # Held down, it waits; let go, it goes on, and after the last story the viewer closes.
    stage = viewer.locator(".story-stage")
    stage.dispatch_event("pointerdown")
    watcher.clock.run_for(300)
    expect(viewer).to_have_attribute("data-paused", "true")
    watcher.clock.run_for(8000)
    expect(last).to_be_visible()
    stage.dispatch_event("pointerup")
    watcher.clock.run_for(5100)
    expect(viewer).to_have_count(0)
    # The client records each view in the background as the story shows; once both are in, a
    # reload shows the ring seen.
    deadline = time.monotonic() + 15
    while not api_ring_seen(api, boris, "ada"):
        assert time.monotonic() < deadline, "the views were not recorded"
        time.sleep(0.1)
    watcher.reload()
    expect(
        watcher.get_by_role("navigation", name="Stories").get_by_role(
            "button", name="Stories of @ada", exact=True
        )
    ).to_be_visible()

    # Ada opens her own ring on her profile and sees that Boris watched.
    page.goto("/web/u/ada")
    page.get_by_role("button", name="Stories of @ada", exact=True).click()
    own = page.get_by_role("dialog", name="Stories")
    own.get_by_role("button", name="Viewers").click()
    expect(own.get_by_role("list", name="Viewers").get_by_text("@boris")).to_be_visible()
    page.keyboard.press("Escape")
    expect(own).to_have_count(0)


def test_the_author_keeps_stories_in_a_new_highlight_then_in_that_one(
    open_context: OpenContext, api: httpx.Client
) -> None:
    hana = account(api, "hana")
    posted = []
    for seed in (4, 5):
        media = upload(api, hana, f"s{seed}.jpg", photo(720, 1280, seed=seed), "image/jpeg")
        made = api.post("/stories", json={"media_id": media}, headers=hana["headers"])
        assert made.status_code == 201, made.text
        posted.append(made.json()["id"])

    # The page's clock stands still: no story goes on by itself while the test fills the form.
    page = open_context(DESKTOP).new_page()
    page.clock.install()
    log_in(page, "hana")
    page.goto("/web/u/hana")
    page.get_by_role("button", name="Stories of @hana", exact=True).click()
    own = page.get_by_role("dialog", name="Stories")
    expect(own.get_by_role("img", name="Story 1 of 2 by @hana")).to_be_visible()
    own.get_by_role("button", name="Add to highlight").click()
    form = own.get_by_role("form", name="Add to highlight")
    choice = form.get_by_label("Highlight", exact=True)
    expect(choice).to_have_value("")  # no highlight yet: a new one
    form.get_by_label("Highlight title").fill("Summer")
    form.get_by_role("button", name="Add").click()
    expect(form.get_by_role("status")).to_have_text("Added to “Summer”.")

    # The next story goes into the highlight just made, chosen from the list.
    own.get_by_role("button", name="Next story").click()
    expect(own.get_by_role("img", name="Story 2 of 2 by @hana")).to_be_visible()
    own.get_by_role("button", name="Add to highlight").click()
    choice.select_option(label="Summer")
    expect(form.get_by_label("Highlight title")).to_be_hidden()
    form.get_by_role("button", name="Add").click()
    expect(form.get_by_role("status")).to_have_text("Added to “Summer”.")
    kept = api.get("/users/hana/highlights", headers=hana["headers"]).json()
    assert [(h["title"], [s["id"] for s in h["stories"]]) for h in kept] == [("Summer", posted)]

    # A new title left empty is refused by the form, and nothing is written.
    own.get_by_role("button", name="Previous story").click()
    own.get_by_role("button", name="Add to highlight").click()
    choice.select_option(label="New highlight")
    form.get_by_role("button", name="Add").click()
    expect(form.get_by_role("status")).to_have_text("")
    assert len(api.get("/users/hana/highlights", headers=hana["headers"]).json()) == 1

    page.keyboard.press("Escape")
    expect(own).to_have_count(0)
    page.reload()
    highlights = page.get_by_role("navigation", name="Highlights")
    expect(highlights.get_by_role("button", name="Summer")).to_be_visible()

"""What the browser tests do again and again: make accounts, sign up and log in, check layout."""

from __future__ import annotations

import io
import time
from typing import Any

import httpx
from PIL import Image, ImageDraw
from playwright.sync_api import Page

from tests.helpers import PASSWORD

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def account(http: httpx.Client, username: str, **changes: Any) -> dict[str, Any]:
    """Register and log in over the API; `changes` go to PATCH /me (e.g. private=True)."""
    created = http.post("/auth/register", json={"username": username, "password": PASSWORD})
    assert created.status_code == 201, created.text
    login = http.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    if changes:
        assert http.patch("/me", json=changes, headers=headers).status_code == 200
    return {"username": username, "headers": headers}


def sign_up(page: Page, username: str, password: str = PASSWORD) -> None:
    """Through the UI, from the log-in page a signed-out visitor lands on."""
    page.goto("/web/")
    page.get_by_role("heading", name="Log in").wait_for()
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign up", exact=True).click()
    page.get_by_role("navigation", name="Main").wait_for()


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/web/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.get_by_role("navigation", name="Main").wait_for()


def no_horizontal_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px"


def photo(width: int = 1200, height: int = 900, seed: int = 0) -> bytes:
    """A JPEG with a sky-to-sea gradient and a sun: big enough that its upload takes a moment."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        top = (255, int(140 + 80 * t), int(60 + 120 * t)) if t < 0.55 else (20, 70 + seed % 50, 140)
        draw.line([(0, y), (width, y)], fill=top)
    draw.ellipse((width * 0.38, height * 0.3, width * 0.62, height * 0.62), fill=(255, 230, 120))
    for x in range(0, width, 7):  # ripples, so the JPEG does not compress to nothing
        draw.line(
            [(x, int(height * 0.6)), (x + 5, height)], fill=(30, 90 + (x * 13 + seed) % 80, 170)
        )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92)
    return out.getvalue()


def upload(http: httpx.Client, user: dict[str, Any], name: str, data: bytes, kind: str) -> str:
    """POST /media and wait until it is ready (videos wait for the media worker's poster)."""
    sent = http.post("/media", files={"file": (name, data, kind)}, headers=user["headers"])
    assert sent.status_code == 201, sent.text
    media: dict[str, Any] = sent.json()
    deadline = time.monotonic() + 30
    while media["status"] == "processing" and time.monotonic() < deadline:
        time.sleep(0.2)
        media = http.get(f"/media/{media['id']}", headers=user["headers"]).json()
    assert media["status"] == "ready", media
    return str(media["id"])


def post(http: httpx.Client, user: dict[str, Any], caption: str, media_ids: list[str]) -> str:
    made = http.post(
        "/posts", json={"caption": caption, "media_ids": media_ids}, headers=user["headers"]
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def image_loaded(page: Page, alt_prefix: str) -> bool:
    """True when an <img> whose alt starts with `alt_prefix` has decoded real pixels."""
    return bool(
        page.evaluate(
            """(prefix) => [...document.images].some(
                   (img) => img.alt.startsWith(prefix) && img.complete && img.naturalWidth > 0)""",
            alt_prefix,
        )
    )

"""The generated picture of an account without an avatar or header: its initial on a colour of
its own (from a hash of the username), the same bytes every time, so it is cached for good."""

from __future__ import annotations

import colorsys
import hashlib
import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

AVATAR_PX = 300
HEADER_SIZE = (1500, 500)


def colour(username: str) -> tuple[int, int, int]:
    """A muted colour picked by the username's hash: readable under white text."""
    digest = hashlib.sha256(username.encode()).digest()
    hue = int.from_bytes(digest[:2], "big") / 65535
    r, g, b = colorsys.hls_to_rgb(hue, 0.42, 0.45)
    return round(r * 255), round(g * 255), round(b * 255)


@lru_cache(maxsize=4096)
def default_avatar(username: str) -> bytes:
    """A square PNG with the username's first letter, upper-case, centred."""
    image = Image.new("RGB", (AVATAR_PX, AVATAR_PX), colour(username))
    initial = (username[:1] or "?").upper()
    font = ImageFont.load_default(size=AVATAR_PX // 2)
    ImageDraw.Draw(image).text(
        (AVATAR_PX / 2, AVATAR_PX / 2), initial, fill=(255, 255, 255), font=font, anchor="mm"
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@lru_cache(maxsize=1024)
def default_header(username: str) -> bytes:
    """A 3:1 PNG in a lighter shade of the avatar's colour."""
    r, g, b = colour(username)
    image = Image.new("RGB", HEADER_SIZE, ((r + 510) // 3, (g + 510) // 3, (b + 510) // 3))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()

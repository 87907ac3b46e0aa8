"""`--with-media`: draw varied pictures with Pillow and upload them through the real media path
(`media.upload.store_upload`: type sniffing, variants, blurhash, object store, Media nodes), then
attach them to seeded posts, so a demo feed shows real images."""

from __future__ import annotations

import asyncio
import io
import random
from collections.abc import AsyncIterator, Callable

from PIL import Image, ImageDraw

from backends import open_backends
from graphgram.settings import Settings
from media.upload import store_upload

PALETTES = (
    ((255, 94, 77), (255, 183, 77), (255, 235, 153)),  # sunset
    ((26, 83, 92), (78, 205, 196), (247, 255, 247)),  # sea
    ((45, 106, 79), (149, 213, 178), (216, 243, 220)),  # forest
    ((38, 70, 83), (42, 157, 143), (233, 196, 106)),  # desert
    ((61, 52, 139), (118, 120, 237), (247, 183, 51)),  # night
)


def draw_picture(rng: random.Random, caption: str) -> bytes:
    """A 1200x900 JPEG: a gradient sky, a sun, hills, in one of a few palettes."""
    width, height = 1200, 900
    top, middle, bottom = rng.choice(PALETTES)
    image = Image.new("RGB", (width, height))
    pen = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        pen.line([(0, y), (width, y)], fill=colour)
    cx, cy, r = rng.randint(150, 1050), rng.randint(120, 400), rng.randint(50, 140)
    pen.ellipse([cx - r, cy - r, cx + r, cy + r], fill=middle)
    for layer in range(rng.randint(2, 4)):
        base = 550 + layer * 90
        points = (
            [(0, height)]
            + [(x, base + rng.randint(-80, 60)) for x in range(0, width + 150, 150)]
            + [(width, height)]
        )
        shade = tuple(max(0, c - 40 * (layer + 1)) for c in middle)
        pen.polygon(points, fill=shade)
    pen.text((24, height - 40), caption[:60], fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


async def _one(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def upload_media(
    settings: Settings, *, posts: int, seed: int, progress: Callable[[int, int], None] | None = None
) -> int:
    """Give up to `posts` of the newest public posts one or two pictures; returns uploads made."""
    rng = random.Random(seed)
    uploaded = 0
    async with open_backends(settings) as backends:
        targets = await backends.graph.read("seed/posts_for_media", {"limit": posts})
        rows = []
        for i, target in enumerate(targets):
            ids = []
            for _ in range(1 if rng.random() < 0.7 else 2):
                picture = await asyncio.to_thread(draw_picture, rng, target["caption"])
                node = await store_upload(backends, target["author"], _one(picture), "image/jpeg")
                ids.append(node["id"])
                uploaded += 1
            rows.append({"post": target["post"], "media": ids})
            if progress:
                progress(i + 1, len(targets))
        await backends.graph.write("seed/attach_media", {"rows": rows})
    return uploaded

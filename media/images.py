"""Pictures: decode, orient, strip metadata, write web variants, compute a blurhash."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import blurhash
import pillow_heif
from PIL import Image, ImageOps

pillow_heif.register_heif_opener()

DISPLAY_PX = 1080
THUMB_PX = 320
WEBP_QUALITY = 82


class ImageRejected(ValueError):
    """The file is not a picture we can safely decode; `reason` is for the client."""


class TooManyPixels(ImageRejected):
    pass


@dataclass(frozen=True)
class Variant:
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedImage:
    display: Variant
    thumb: Variant
    blurhash: str


def _webp(image: Image.Image, long_side: int) -> Variant:
    copy = image.copy()
    copy.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif=/icc_profile= arguments: the encoded variant carries no metadata at all.
    copy.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
    return Variant(out.getvalue(), copy.width, copy.height)


def process_image(path: Path, *, max_pixels: int) -> ProcessedImage:
    """Decode fully (a truncated file fails here), apply EXIF orientation, drop all metadata."""
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as opened:
                width, height = opened.size
                if width * height > max_pixels:
                    raise TooManyPixels(
                        f"{width}x{height} is over the limit of {max_pixels:,} pixels"
                    )
                opened.load()
                oriented = ImageOps.exif_transpose(opened)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooManyPixels(f"over the limit of {max_pixels:,} pixels") from exc
    except ImageRejected:
        raise
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageRejected(f"the picture could not be decoded ({exc})") from exc
    alpha = oriented.mode in ("RGBA", "LA") or (
        oriented.mode == "P" and "transparency" in oriented.info
    )
    mode = "RGBA" if alpha else "RGB"
    clean = oriented.convert(mode)
    thumb = _webp(clean, THUMB_PX)
    with Image.open(io.BytesIO(thumb.data)) as small:
        hashed = blurhash.encode(small.convert("RGB"), x_components=4, y_components=3)
    return ProcessedImage(display=_webp(clean, DISPLAY_PX), thumb=thumb, blurhash=hashed)


def dimensions(head: bytes, *, max_pixels: int) -> tuple[int, int] | None:
    """Width and height read from a picture's first bytes (its header, without decoding); None
    when the header is not within them. Raises TooManyPixels over `max_pixels`."""
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(head)) as opened:
                width, height = opened.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooManyPixels(f"over the limit of {max_pixels:,} pixels") from exc
    except (OSError, ValueError, SyntaxError):
        return None
    if width * height > max_pixels:
        raise TooManyPixels(f"{width}x{height} is over the limit of {max_pixels:,} pixels")
    return width, height

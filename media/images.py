"""Pictures: decode, orient, strip metadata, write web variants, compute a blurhash."""

from __future__ import annotations

import hashlib
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

    @property
    def objects(self) -> dict[str, Variant]:
        """The variants by their content-addressed object keys (display first)."""
        return {
            f"img/{hashlib.sha256(self.display.data).hexdigest()}.webp": self.display,
            f"thumb/{hashlib.sha256(self.thumb.data).hexdigest()}.webp": self.thumb,
        }

    def media_fields(self) -> dict[str, object]:
        """What a ready picture's Media node holds about these variants."""
        display_key, thumb_key = self.objects
        return {
            "status": "ready",
            "content_type": "image/webp",
            "width": self.display.width,
            "height": self.display.height,
            "blurhash": self.blurhash,
            "bytes": len(self.display.data) + len(self.thumb.data),
            "key": display_key,
            "thumb_key": thumb_key,
        }


def _webp(image: Image.Image, long_side: int) -> Variant:
    copy = image.copy()
    copy.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif=/icc_profile= arguments: the encoded variant carries no metadata at all.
    copy.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
    return Variant(out.getvalue(), copy.width, copy.height)


def _decode(path: Path, *, max_pixels: int) -> Image.Image:
    """Decode fully (a truncated file fails here), apply EXIF orientation, drop all metadata:
    the picture as RGB (or RGBA when it has transparency)."""
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
    return oriented.convert("RGBA" if alpha else "RGB")


def _blurhash(variant: Variant) -> str:
    with Image.open(io.BytesIO(variant.data)) as small:
        return str(blurhash.encode(small.convert("RGB"), x_components=4, y_components=3))


def process_image(path: Path, *, max_pixels: int) -> ProcessedImage:
    """Decode fully (a truncated file fails here), apply EXIF orientation, drop all metadata."""
    clean = _decode(path, max_pixels=max_pixels)
    thumb = _webp(clean, THUMB_PX)
    return ProcessedImage(display=_webp(clean, DISPLAY_PX), thumb=thumb, blurhash=_blurhash(thumb))


# A profile picture's variants, (width, height) each, smallest first: an avatar is cropped to a
# square (centre) for a list row, a profile and a retina profile; a header to 3:1.
AVATAR_SIZES = ((48, 48), (150, 150), (300, 300))
HEADER_SIZES = ((600, 200), (1500, 500))


@dataclass(frozen=True)
class ProcessedPicture:
    variants: tuple[Variant, ...]  # in the order of the sizes asked for
    blurhash: str


def process_picture(
    path: Path, sizes: tuple[tuple[int, int], ...], *, max_pixels: int
) -> ProcessedPicture:
    """An avatar or header: decoded as `process_image` does (no metadata survives), cropped
    around the centre to each size's aspect and scaled to exactly that size."""
    clean = _decode(path, max_pixels=max_pixels)
    variants = []
    for width, height in sizes:
        fitted = ImageOps.fit(clean, (width, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        fitted.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
        variants.append(Variant(out.getvalue(), fitted.width, fitted.height))
    return ProcessedPicture(tuple(variants), _blurhash(variants[0]))


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

"""What a file is, decided from its bytes (magic numbers), never from its name or Content-Type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from graphgram.errors import UnsupportedMedia

Kind = Literal["image", "video"]


@dataclass(frozen=True)
class Sniffed:
    kind: Kind
    format: str  # jpeg, png, gif, webp, heif, mp4, mov, webm
    content_type: str


_HEIF_BRANDS = {
    b"heic",
    b"heix",
    b"hevc",
    b"hevx",
    b"heim",
    b"heis",
    b"hevm",
    b"hevs",
    b"mif1",
    b"msf1",
}
_MOV_BRANDS = {b"qt  "}
_MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"M4V ",
    b"M4VH",
    b"M4VP",
    b"dash",
    b"mmp4",
    b"3gp4",
    b"3gp5",
    b"3gp6",
    b"3g2a",
}


def sniff(head: bytes) -> Sniffed | None:
    """The kind and format of a file from its first 32 bytes, or None when unsupported."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image", "jpeg", "image/jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image", "png", "image/png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image", "gif", "image/gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image", "webp", "image/webp")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return Sniffed("video", "webm", "video/webm")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIF_BRANDS:
            return Sniffed("image", "heif", "image/heif")
        if brand in _MOV_BRANDS:
            return Sniffed("video", "mov", "video/quicktime")
        if brand in _MP4_BRANDS:
            return Sniffed("video", "mp4", "video/mp4")
    return None


def check_head(head: bytes, declared: str | None) -> Sniffed:
    """The type of a file from its first bytes; refused (415) when unsupported or when a declared
    picture or video type contradicts the bytes."""
    found = sniff(head[:32])
    if found is None:
        raise UnsupportedMedia(
            "not a supported picture (JPEG, PNG, WebP, GIF, HEIC) or video (MP4, MOV, WebM)",
        )
    declared_kind = (declared or "").split("/", 1)[0].lower()
    if declared_kind in {"image", "video"} and declared_kind != found.kind:
        raise UnsupportedMedia(
            f"declared as {declared} but the bytes are a {found.format.upper()} {found.kind}",
        )
    return found

"""Signed, expiring media URLs checked by nginx's `secure_link` module at the edge.

The token is base64url(md5("<expires><uri> <secret>")) without padding, exactly what
`secure_link_md5 "$secure_link_expires$uri <secret>"` computes. The URL carries no user identity,
so one cached object serves everyone who was handed a valid URL; the API only hands URLs to
viewers allowed to see the post, and they expire after `cdn_url_ttl_s`.
"""

from __future__ import annotations

import base64
import hashlib
import time
from functools import lru_cache
from urllib.parse import quote

from graphgram.settings import Settings

EDGE_PREFIX = "/m/"


def sign_path(uri: str, expires: int, secret: str) -> str:
    digest = hashlib.md5(f"{expires}{uri} {secret}".encode(), usedforsecurity=False).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def url_window_s(ttl_s: int) -> int:
    """Expiries are rounded up to this window: a URL signed now stays valid for at least `ttl_s`,
    and one handed out up to a window after its signing for at least `ttl_s` minus the window."""
    return max(60, ttl_s // 4)


def signed_url(
    settings: Settings,
    key: str,
    *,
    ttl_s: int | None = None,
    now: float | None = None,
    until: float | None = None,
) -> str:
    """The edge URL of object `key`, valid for `ttl_s` seconds, and never past `until` (epoch
    seconds, the machine's clock: a story's media dies with the story)."""
    ttl = settings.cdn_url_ttl_s if ttl_s is None else ttl_s
    # Round expiry up to a window so that repeated views share one URL (browser caches stay warm).
    window = url_window_s(ttl)
    base_now = int(now if now is not None else time.time())
    expires = ((base_now + ttl) // window + 1) * window
    if until is not None:
        expires = min(expires, int(until))
    return _edge_url(settings.cdn_base_url, settings.cdn_secret, key, expires)


@lru_cache(maxsize=16_384)
def _edge_url(base_url: str, secret: str, key: str, expires: int) -> str:
    """A signed URL, kept while its expiry window lasts: a page signs the same objects for every
    viewer in the window (a story tray of 20 rings signs ~100 URLs, ~10 us each)."""
    uri = EDGE_PREFIX + quote(key)
    return f"{base_url}{uri}?e={expires}&s={sign_path(uri, expires, secret)}"


ARCHIVE_EDGE_PREFIX = "/x/"


def archive_signature(uri: str, expires: int, authorization: str, secret: str) -> str:
    """What the edge's `/x/` location computes: `secure_link_md5
    "$secure_link_expires$uri$http_authorization <secret>"`. The request's `Authorization` header
    is part of what is signed, so the link works only for the session it was handed to."""
    return sign_path(f"{uri}{authorization}", expires, secret)


def signed_archive_url(
    settings: Settings, name: str, authorization: str, *, now: float | None = None
) -> tuple[str, int]:
    """The edge URL of a data archive (`export/<name>` in the bucket) for the holder of
    `authorization` (the exact `Authorization` header it must send), valid for
    `export_url_ttl_s`; (url, expires)."""
    expires = int(now if now is not None else time.time()) + settings.export_url_ttl_s
    uri = ARCHIVE_EDGE_PREFIX + quote(name)
    token = archive_signature(uri, expires, authorization, settings.cdn_secret)
    return f"{settings.cdn_base_url}{uri}?e={expires}&s={token}", expires

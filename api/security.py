"""Response headers that tell a browser what a page may do, and a JSON nesting limit checked
before any parser runs (docs/security.md).

- `SecurityHeaders` gives every response `X-Content-Type-Options: nosniff` and
  `X-Frame-Options: DENY` (no response of this API is meant to be framed or sniffed), and the
  web client under `/web/` a strict Content-Security-Policy (`web_csp`): it keeps its session
  token in `localStorage`, so a script that got into the page could read it. A header that the
  route set itself (the docs pages' own CSP, api/web.py) is kept.
- `JsonDepth` reads a JSON body (or one without a Content-Type, which FastAPI parses as JSON)
  and refuses it with a 400 when it nests deeper than `Settings.max_json_depth`, before anyone
  parses it: Python's `json` recurses once per level, so a 1 MB `[[[[...` is a RecursionError
  in whatever parses it (a 500 on the Mastodon surface, a generic 400 on the native one). The
  body is already capped by `BodyCap`, which runs outside this middleware.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_json
from api.mastodon.errors import mastodon_error, on_surface

WEB_PREFIX = "/web"
DEFAULT_MAX_JSON_DEPTH = 32


def origin(url: str) -> str | None:
    """`scheme://host[:port]` of an absolute URL (a CSP source), or None for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def web_csp(edge: str | None, store: str | None = None) -> str:
    """The web client's policy: its own scripts and styles only (no inline code, no eval), the
    JSON API on this origin, media from the edge, and upload parts PUT to the object store
    (`store`, direct uploads). `data:` images are the blurhash placeholders the client paints on
    a canvas (web/src/post.ts); nothing else it shows is inline."""
    here = " ".join(filter(None, ["'self'", origin(edge or "")]))
    store_origin = origin(store or "")
    uploads = here if not store_origin or store_origin in here.split() else f"{here} {store_origin}"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {here} data:",
            f"media-src {here}",
            f"connect-src {uploads}",
            "font-src 'self'",
            "worker-src 'none'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            # No HTML strings reach a DOM sink: the client builds nodes (web/src/dom.ts).
            "require-trusted-types-for 'script'",
        ]
    )


def _on_web(path: str) -> bool:
    return path == WEB_PREFIX or path.startswith(WEB_PREFIX + "/")


# On every response (the feed's hot path, api/feed/hotpath.py, adds them to its own too).
BASE_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp, edge: str | None = None, store: str | None = None) -> None:
        self.app = app
        base = BASE_HEADERS
        self.base = base
        self.web = [
            *base,
            (b"content-security-policy", web_csp(edge, store).encode()),
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.web if _on_web(scope["path"]) else self.base

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                present = {name.lower() for name, _ in raw}
                raw.extend((name, value) for name, value in extra if name not in present)
                message = {**message, "headers": raw}
            await send(message)

        await self.app(scope, receive, send_with_headers)


# A JSON string (an unterminated one runs to the end): a bracket inside one is text.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
# Openers to +1 and closers to -1 (0xff, read as a signed byte).
_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def nests_deeper_than(body: bytes, limit: int) -> bool:
    """True when the JSON text `body` has more than `limit` arrays/objects inside each other.

    Linear, and in C throughout: a body with at most `limit` opening brackets cannot be too
    deep (the usual case: two `count`s). Otherwise strings are cut out, every bracket becomes
    +1 or -1, and the deepest point is the largest running sum. For malformed JSON (a closer
    that closes nothing) that sum can over-count; the parser would refuse such a body anyway.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    try:  # json.loads reads UTF-16 and UTF-32 too: scan the text it would read
        encoding = json.detect_encoding(body)
        if encoding not in {"utf-8", "utf-8-sig"}:
            body = body.decode(encoding).encode()
    except (UnicodeDecodeError, LookupError):
        return False  # not JSON text at all: the parser refuses it without recursing
    steps = _STRING.sub(b"", body).translate(_STEP, _NOT_BRACKET)
    return max(accumulate(memoryview(steps).cast("b")), default=0) > limit


def _parsed_as_json(scope: Scope) -> bool:
    """Bodies some route parses as JSON: FastAPI takes a missing Content-Type as JSON, the
    Mastodon body parser anything that names json. (The raw headers are read as they are: this
    runs on every request.)"""
    has_body = False
    content_type: bytes | None = None
    for name, value in scope["headers"]:
        if name == b"content-length":
            has_body = has_body or bool(value.strip(b"0 "))
        elif name == b"transfer-encoding":
            has_body = True
        elif name == b"content-type":
            content_type = value
    return has_body and (content_type is None or b"json" in content_type.lower())


class JsonDepth:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _parsed_as_json(scope):
            await self.app(scope, receive, send)
            return
        backends = getattr(getattr(scope.get("app"), "state", None), "backends", None)
        limit = backends.settings.max_json_depth if backends else DEFAULT_MAX_JSON_DEPTH
        chunks: list[bytes] = []
        last: Message | None = None
        while True:
            message = await receive()
            if message["type"] != "http.request":
                last = message  # the client went away: the app hears it after the body
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if last is None and nests_deeper_than(body, limit):
            text = f"the JSON body nests deeper than {limit} levels"
            if on_surface(scope["path"]):
                refusal = mastodon_error(400, text)
            else:
                refusal = error_json(400, "bad_request", text)
            await refusal(scope, receive, send)
            return
        pending: list[Message] = [
            {"type": "http.request", "body": body, "more_body": last is not None}
        ]
        if last is not None:
            pending.append(last)

        async def replay() -> Message:
            return pending.pop(0) if pending else await receive()

        await self.app(scope, replay, send)

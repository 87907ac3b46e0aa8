"""Response headers that tell a browser what a page may do (docs/security.md).

- `SecurityHeaders` gives every response `X-Content-Type-Options: nosniff` and
  `X-Frame-Options: DENY` (no response of this API is meant to be framed or sniffed), and the
  web client under `/web/` a strict Content-Security-Policy (`web_csp`): it keeps its session
  token in `localStorage`, so a script that got into the page could read it. A header that the
  route set itself (the docs pages' own CSP, api/web.py) is kept.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

WEB_PREFIX = "/web"


def origin(url: str) -> str | None:
    """`scheme://host[:port]` of an absolute URL (a CSP source), or None for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def web_csp(edge: str | None) -> str:
    """The web client's policy: its own scripts and styles only (no inline code, no eval), the
    JSON API on this origin, media from the edge. `data:` images are the blurhash placeholders
    the client paints on a canvas (web/src/post.ts); nothing else it shows is inline."""
    here = " ".join(filter(None, ["'self'", origin(edge or "")]))
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {here} data:",
            f"media-src {here}",
            f"connect-src {here}",
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


class SecurityHeaders:
    def __init__(self, app: ASGIApp, edge: str | None = None) -> None:
        self.app = app
        base: list[tuple[bytes, bytes]] = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
        ]
        self.base = base
        self.web = [
            *base,
            (b"content-security-policy", web_csp(edge).encode()),
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

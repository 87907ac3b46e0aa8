"""CORS on the Mastodon API, as Mastodon's rack-cors set-up has it: browser apps on any origin
(Elk, Phanpy, ...) call `/api/v1/`, `/api/v2/` and the token endpoints. Tokens travel in the
Authorization header, never in cookies, so any origin may call without credentials. The rest of
the API, and the sign-in page, send no CORS headers."""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

PATHS = ("/api/v1/", "/api/v2/")
EXACT = {"/oauth/token", "/oauth/revoke"}


def applies(path: str) -> bool:
    return path.startswith(PATHS) or path in EXACT


class MastodonCORS:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            expose_headers=[
                "Link",
                "X-RateLimit-Limit",
                "X-RateLimit-Remaining",
                "X-RateLimit-Reset",
                "X-Request-ID",
            ],  # fmt: skip
            max_age=3600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and applies(scope["path"]):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)

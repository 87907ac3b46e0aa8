"""The web client and the offline API docs, served by the API process.

`web/` is a TypeScript single-page app built by Vite into `web/dist/` (`make web`). It is served
under `/web/`, a prefix no API path uses, and talks only to the public JSON API on this same
origin. Unknown paths under `/web/` get `index.html` so the client's own URLs (`/web/p/<id>`,
`/web/u/<name>`) survive a reload. `/docs` and `/redoc` load Swagger UI and ReDoc from
`web/dist/docs-assets/` (copied from their npm packages at build time) instead of a CDN, so they
render on a machine with no internet access.

Every response gets `nosniff` and `X-Frame-Options: DENY`, `/web/` its Content-Security-Policy
(api/security.py); the docs pages get one of their own here, which allows their one inline
script by its hash and the inline styles ReDoc writes (docs/security.md).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from api.security import SecurityHeaders

WEB_DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
PREFIX = "/web"
DOCS_ASSETS = f"{PREFIX}/docs-assets"

# Vite names bundles by content hash, so they never change under the same URL.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8"><title>Graphgram</title>
<h1>The web client is not built</h1>
<p>Run <code>make web</code> (it runs <code>npm ci && npm run build</code> in <code>web/</code>)
and reload. The JSON API works without it.</p></html>"""


# What no file name under dist/ holds: a NUL (which the OS refuses with a ValueError) or any
# other control character.
_UNSERVABLE = re.compile(r"[\x00-\x1f\x7f]")


def _file(dist: Path, relative: str, request: Request) -> Response | None:
    """The built file at `relative`, its gzip twin when the browser accepts it; None if absent."""
    if _UNSERVABLE.search(relative):
        return None
    root = dist.resolve()
    try:
        path = (root / relative).resolve()
        if not path.is_relative_to(root) or not path.is_file() or path.suffix == ".gz":
            return None
    except OSError:  # a name too long for the file system, say: not one of ours
        return None
    cache = IMMUTABLE if relative.startswith("assets/") else REVALIDATE
    headers = {
        "Cache-Control": cache,
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
    }
    zipped = path.with_name(path.name + ".gz")
    if "gzip" in request.headers.get("accept-encoding", "") and zipped.is_file():
        media_type = FileResponse(path).media_type
        headers["Content-Encoding"] = "gzip"
        return FileResponse(zipped, media_type=media_type, headers=headers)
    return FileResponse(path, headers=headers)


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def docs_csp(page: str) -> str:
    """The policy of a docs page: scripts from this server plus the page's own inline ones (by
    hash), inline styles (ReDoc writes its own `<style>` elements), images from here or `data:`
    (Swagger UI's icons), requests to this API only."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(page)
    )
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {hashes}".rstrip(),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "worker-src 'self' blob:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _with_csp(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = docs_csp(bytes(page.body).decode())
    return page


def _drop_default_docs(app: FastAPI) -> None:
    """Remove FastAPI's CDN-backed docs pages, whether or not the app was built without them."""
    paths = {app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url} - {None}
    kept: list[BaseRoute] = [
        route
        for route in app.router.routes
        if not (isinstance(route, Route) and route.path in paths and not route.include_in_schema)
    ]
    app.router.routes[:] = kept


def install_web(
    app: FastAPI, dist: Path = WEB_DIST, *, edge: str | None = None, store: str | None = None
) -> None:
    """Mount the built client at /web/ and the offline /docs and /redoc pages; `edge` is the
    media edge's base URL (`Settings.cdn_base_url`), which the client's policy lets it load
    pictures and videos from, and `store` where it PUTs direct upload parts."""
    app.add_middleware(SecurityHeaders, edge=edge, store=store)
    _drop_default_docs(app)
    openapi_url = app.openapi_url or "/openapi.json"
    title = f"{app.title} API"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=openapi_url,
            title=title,
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/swagger-ui/favicon-32x32.png",
            oauth2_redirect_url="/docs/oauth2-redirect",
        )
        return _with_csp(page)

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return _with_csp(get_swagger_ui_oauth2_redirect_html())

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        page = get_redoc_html(
            openapi_url=openapi_url,
            title=title,
            redoc_js_url=f"{DOCS_ASSETS}/redoc/redoc.standalone.js",
            redoc_favicon_url=f"{DOCS_ASSETS}/swagger-ui/favicon-32x32.png",
            with_google_fonts=False,
        )
        return _with_csp(page)

    @app.get(PREFIX, include_in_schema=False)
    async def web_root() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/")

    @app.get(PREFIX + "/{path:path}", include_in_schema=False)
    async def web_client(path: str, request: Request) -> Response:
        found = _file(dist, path, request) if path else None
        if found is not None:
            return found
        if "." in path.rsplit("/", 1)[-1] or _UNSERVABLE.search(path):
            # A missing asset is a 404, not the app shell (which would fail as a script).
            return Response("not found", status_code=404, media_type="text/plain")
        shell = _file(dist, "index.html", request)
        if shell is None:
            return HTMLResponse(NOT_BUILT, status_code=503)
        # Framing (a hidden Like or Block button under a decoy page), paths to other hosts and
        # scripts from anywhere else are refused by SecurityHeaders' policy for /web/.
        return shell

"""The home feed's common page, answered in front of the framework.

Most `GET /feed` requests are the plain case: a bearer token, at most `limit` and `max_id`, a
viewer whose page one Lua script can serve (`timelines/fastpage.py`: session, merge, rendered
posts and liked flags in one Redis round trip). For those the work left in Python is parsing two
query parameters and sending the script's bytes, so this middleware does just that, before
FastAPI's routing and dependency resolution (which cost more than the page itself: py-spy put
them at about half of a served page). Everything else — other parameters, a value FastAPI would
refuse (its 422 stays the answer), a page the script declines, Redis away — goes on to the
`/feed` route (api/feed/router.py), which answers every case and is the documented one. The
answers are the same either way (`tests/test_timelines.py` compares them with the Cypher feed).

It sits outside the framework's whole middleware stack (`api.app.Graphgram`), inside only
`Observe`, so a page served here has its request id, metrics (under the `/feed` route) and log
line like any other, and the security headers every response has (`api.security.BASE_HEADERS`).
The layers it skips do nothing for it: it reads no body (body cap, JSON depth), has no rate
limit or idempotency, and `/feed` is not a CORS path. py-spy put those layers, each wrapping the
call and the send, at about a quarter of a served page's CPU.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from redis.exceptions import RedisError
from starlette.datastructures import URL
from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth.deps import cache_key
from api.auth.security import session_id
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, link_header
from api.security import BASE_HEADERS
from backends import Backends
from graphgram.metrics import cache_lookup
from timelines import fastpage

log = logging.getLogger(__name__)

PATH = "/feed"
_LIMIT = re.compile(r"^[0-9]{1,3}$")
# Post ids are ULIDs; anything else goes to the route, which handles (or refuses) it.
_ID = re.compile(r"^[0-9A-Za-z]{1,64}$")


def plain_page(query_string: bytes) -> tuple[list[tuple[str, str]], int, str | None] | None:
    """(the query's items, limit, max_id) when the query asks for nothing but the common page
    (`limit`, `max_id`, each at most once and valid), else None."""
    try:
        items = parse_qsl(query_string.decode("ascii"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        return None
    seen: dict[str, str] = {}
    for key, value in items:
        if key in seen or key not in ("limit", "max_id"):
            return None
        seen[key] = value
    limit = DEFAULT_LIMIT
    if "limit" in seen:
        if not _LIMIT.match(seen["limit"]) or not 1 <= int(seen["limit"]) <= MAX_LIMIT:
            return None
        limit = int(seen["limit"])
    max_id = seen.get("max_id")
    if max_id is not None and not _ID.match(max_id):
        return None
    return items, limit, max_id


def bearer_session_key(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            token = token.strip()
            if scheme.lower() != "bearer" or not token:
                return None
            # Not memoized: a cache would keep bearer tokens in the process past their requests.
            return cache_key(session_id(token))
    return None


def request_url(scope: Scope) -> URL:
    """The request's URL without its query (what `link_header` reads: scheme, host, path)."""
    host = None
    for name, value in scope["headers"]:
        if name == b"host":
            host = value
            break
    server = scope.get("server")
    return _url(
        scope.get("scheme", "http"),
        tuple(server) if server is not None else None,
        scope.get("root_path", ""),
        scope["path"],
        host,
    )


@functools.lru_cache(maxsize=256)
def _url(
    scheme: str,
    server: tuple[str, int | None] | None,
    root_path: str,
    path: str,
    host: bytes | None,
) -> URL:
    """`URL(scope=...)` of a request without a query string, made once per address."""
    headers = [(b"host", host)] if host is not None else []
    scope = {
        "type": "http",
        "scheme": scheme,
        "server": server,
        "root_path": root_path,
        "path": path,
        "query_string": b"",
        "headers": headers,
    }
    return URL(scope=scope)


@dataclass(frozen=True)
class Matched:
    """What `Observe` reads of `scope["route"]` (its path, the metrics' route label), for a
    request answered before the router matched one."""

    path: str


class FeedHotPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        hot = scope["type"] == "http" and scope["path"] == PATH and scope["method"] == "GET"
        if hot:
            try:
                answer = await self.answer(scope)
            except Exception:  # the route answers, in the API's own error shape
                log.exception("feed hot path failed; the route answers")
                answer = None
            if answer is not None:
                headers, body = answer
                scope["route"] = Matched(PATH)
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    async def answer(self, scope: Scope) -> tuple[list[tuple[bytes, bytes]], bytes] | None:
        """The common page's headers and body, or None when the route is to answer."""
        backends: Backends | None = getattr(scope["app"].state, "backends", None)
        plain = plain_page(scope["query_string"])
        session_key = bearer_session_key(scope)
        if backends is None or plain is None or session_key is None:
            return None
        if backends.health.suspect:  # Redis may be stale until repaired: the route answers
            return None
        query, limit, max_id = plain
        try:
            found = await fastpage.home_page(
                backends, session_key=session_key, limit=limit, max_id=max_id
            )
        except RedisError as exc:
            # The route answers: from the graph, or with the outage's 503.
            log.warning("feed hot path: Redis failed (%s); the route answers", exc)
            return None
        if found is None:
            return None
        cache_lookup("session", hit=True)
        _, ids, body = found
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *BASE_HEADERS,
        ]
        page = ids[:limit]
        if page:
            link = link_header(
                request_url(scope),
                query,
                limit=limit,
                first=page[0],
                last=page[-1],
                older=len(ids) > limit,
            )
            headers.append((b"link", link.encode("latin-1")))
        return headers, body

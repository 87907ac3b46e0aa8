"""ASGI middleware: request bodies capped while they stream, rate-limit headers, Idempotency-Key.

- `BodyCap` counts the bytes of a request body as they arrive and answers 413 the moment they
  pass the cap (a declared Content-Length over it is refused before reading anything), so a
  chunked upload without Content-Length is never spooled to disk past the cap. Multipart
  uploads may be as large as the largest media cap plus the form's overhead; every other body
  is capped at `max_body_bytes`.
- `RateLimitHeaders` adds `X-RateLimit-Limit/Remaining/Reset` to a response whose request went
  through a limit (api/ratelimit.py records the tightest one in the request's state).
- `Idempotency` makes the creating POSTs safe to retry (Stripe's and Mastodon's header): the
  first request with a key runs and its result (status, headers, body) is kept for
  `idempotency_ttl_s`; a retry with the same key from the same account gets that result again
  with `Idempotent-Replayed: true`, without running. A duplicate that arrives while the first is
  still running is refused (409, Retry-After) instead of running twice: the key is claimed with
  Redis SET NX before anything runs. A key reused for a different request is a 422. Errors that
  a retry may cure (401, 409, 413, 429, 5xx) are not kept. While Redis does not answer, a
  request with a key is refused (503) before its route runs, so nothing is written; once the
  route ran, its answer stands even if Redis then fails to keep the result (docs/outages.md).
  Mastodon's `POST /api/v1/statuses` goes through the same code with Mastodon's documented rule
  (`IdempotentRoute.key_only`): the first status is answered again for an hour whatever the
  retry's body, only a success is kept, and errors come in Mastodon's shape.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any, cast

from redis.exceptions import RedisError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth.deps import viewer_from_header
from api.errors import error_json, unavailable_json
from api.mastodon.errors import VALIDATION_FAILED, mastodon_error, on_surface
from api.ratelimit import STATE_KEY, Outcome, headers
from api.security import JsonDepth
from backends import Backends
from graphgram import redis_keys
from redis_scripts import script

log = logging.getLogger(__name__)

# A multipart form around one file: part headers, boundaries, small fields.
MULTIPART_OVERHEAD = 64 * 1024


@dataclass(frozen=True)
class IdempotentRoute:
    """A POST route that honours Idempotency-Key, and how."""

    path: re.Pattern[str]
    # Where its records live (`<namespace>:<account id>:<sha256 of the key>`). Routes sharing one
    # share keys: a key reused on another of them is a different request (422).
    namespace: str = "idempotency"
    # How long an answer is replayed; None: `idempotency_ttl_s`.
    ttl_s: int | None = None
    # Mastodon's rule: the key alone names the request, so a retry is answered the first result
    # whatever its body, and only a success is kept (a refused request may be sent again,
    # corrected, under the same key).
    key_only: bool = False

    def keeps(self, status: int) -> bool:
        if self.key_only:
            return 200 <= status < 300
        return status < 500 and status not in _NOT_KEPT


# POST routes that honour Idempotency-Key.
IDEMPOTENT_ROUTES: list[IdempotentRoute] = [
    IdempotentRoute(re.compile(r"^/posts$")),
    IdempotentRoute(re.compile(r"^/media$")),
    IdempotentRoute(re.compile(r"^/posts/[^/]+/comments$")),
    # Mastodon keeps a status's key for an hour and answers a retry with that status.
    IdempotentRoute(
        re.compile(r"^/api/v1/statuses$"),
        namespace="idempotency:mastodon-status",
        ttl_s=3600,
        key_only=True,
    ),
]


def idempotent_route(path: str) -> IdempotentRoute | None:
    return next((route for route in IDEMPOTENT_ROUTES if route.path.match(path)), None)


def _refusal(
    scope: Scope, status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> ASGIApp:
    """An error answered by the middleware itself, in the shape of the API the path is on."""
    if on_surface(scope["path"]):
        if status == 422:
            message = VALIDATION_FAILED + message
        return mastodon_error(status, message, headers)
    return error_json(status, code, message, headers=headers)


_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_NOT_KEPT = {401, 409, 413, 429}
_MAX_KEPT_BODY = 1024 * 1024


class BodyTooLarge(HTTPException):
    def __init__(self, cap: int) -> None:
        super().__init__(413, f"the request body is over the cap of {cap} bytes")


def _backends(scope: Scope) -> Backends | None:
    app = scope.get("app")
    return getattr(getattr(app, "state", None), "backends", None)


def body_cap(backends: Backends, content_type: str) -> int:
    s = backends.settings
    if content_type.lower().startswith("multipart/form-data"):
        return max(s.max_image_bytes, s.max_video_bytes) + MULTIPART_OVERHEAD
    return s.max_body_bytes


class BodyCap:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        backends = _backends(scope)
        if scope["type"] != "http" or backends is None:
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        cap = body_cap(backends, request_headers.get("content-type", ""))
        declared = request_headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            exc = BodyTooLarge(cap)
            await error_json(413, "payload_too_large", str(exc.detail))(scope, receive, send)
            return
        received = 0
        started = False
        tripped = False

        def refusal() -> ASGIApp:  # built only when needed: most requests are under the cap
            return error_json(413, "payload_too_large", str(BodyTooLarge(cap).detail))

        async def capped_receive() -> Message:
            nonlocal received, tripped
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    tripped = True
                    raise BodyTooLarge(cap)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if tripped:
                # Whatever the app made of the aborted read (a middleware's task group turns the
                # exception into "error parsing the body"), the answer is the 413.
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await refusal()(scope, receive, send)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, capped_receive, tracking_send)
        except Exception:
            if not tripped or started:
                raise
            await refusal()(scope, receive, send)


class RateLimitHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})

        async def send_with_headers(message: Message) -> None:
            outcome: Outcome | None = state.get(STATE_KEY)
            if message["type"] == "http.response.start" and outcome is not None:
                raw = list(message.get("headers", []))
                present = {name.lower() for name, _ in raw}
                for name, value in headers(outcome).items():
                    if name.lower().encode() not in present:
                        raw.append((name.lower().encode(), value.encode()))
                message = {**message, "headers": raw}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _Fingerprint:
    """sha256 of what makes two requests "the same": method, path, query, media type and
    body. A multipart boundary is random per attempt, so it is taken out of the body."""

    def __init__(self, scope: Scope, content_type: str) -> None:
        self._hash = hashlib.sha256()
        media_type, _, params = content_type.partition(";")
        for part in (
            scope["method"],
            scope["path"],
            scope.get("query_string", b"").decode(),
            media_type.strip().lower(),
        ):
            self._hash.update(part.encode() + b"\0")
        boundary = re.search(r'boundary="?([^";]+)"?', params)
        self._boundary = boundary.group(1).encode() if boundary else b""
        self._tail = b""

    def update(self, chunk: bytes) -> None:
        if not self._boundary:
            self._hash.update(chunk)
            return
        data = (self._tail + chunk).replace(self._boundary, b"")
        keep = len(self._boundary) - 1
        self._hash.update(data[: len(data) - keep] if keep else data)
        self._tail = data[len(data) - keep :] if keep else b""

    def hexdigest(self) -> str:
        self._hash.update(self._tail)
        self._tail = b""
        return self._hash.hexdigest()


# Delete the claim only if it is still ours (a slow request may have lost it to expiry).
_RELEASE = script("idempotency/release").text


class Idempotency:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        backends = _backends(scope)
        route = (
            idempotent_route(scope["path"])
            if scope["type"] == "http" and scope["method"] == "POST" and backends is not None
            else None
        )
        if route is None or backends is None:
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        key = request_headers.get("idempotency-key")
        if key is None:
            await self.app(scope, receive, send)
            return
        if not _KEY.fullmatch(key):
            response = _refusal(
                scope,
                422,
                "validation_error",
                "Idempotency-Key must be 1-255 printable ASCII characters",
            )
            await response(scope, receive, send)
            return
        ran: list[bool] = []  # set once the route runs: its failures are its own
        try:
            await self._handle(scope, receive, send, backends, route, request_headers, key, ran)
        except (RedisError, OSError) as exc:
            if ran:
                raise
            # Refused before the route ran: nothing was written, and the client is told so.
            log.warning("Idempotency-Key refused: Redis unavailable (%s)", exc)
            retry = backends.settings.unavailable_retry_after_s
            if on_surface(scope["path"]):
                response = mastodon_error(
                    503,
                    "Idempotency-Key cannot be checked right now; retry",
                    {"Retry-After": str(retry)},
                )
            else:
                response = unavailable_json("the cache", retry)
            await response(scope, receive, send)

    async def _handle(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        backends: Backends,
        route: IdempotentRoute,
        request_headers: Headers,
        key: str,
        ran: list[bool],
    ) -> None:
        viewer = await viewer_from_header(backends, request_headers.get("authorization"))
        if viewer is None:  # the route answers 401; nothing to remember
            ran.append(True)
            await self.app(scope, receive, send)
            return
        redis = backends.redis
        s = backends.settings
        digest = hashlib.sha256(key.encode()).hexdigest()
        record_key = redis_keys.idempotency(route.namespace, viewer.id, digest)
        fingerprint = _Fingerprint(scope, request_headers.get("content-type", ""))
        claim = "running:" + secrets.token_hex(8)
        for _ in range(3):
            if await redis.set(record_key, claim, nx=True, ex=s.idempotency_lock_s):
                ran.append(True)
                await self._run_first(
                    scope, receive, send, backends, route, record_key, claim, fingerprint
                )
                return
            stored = cast(str | None, await redis.get(record_key))  # decode_responses: text
            if stored is None:
                continue  # expired between the two calls: claim it again
            if stored.startswith("running:"):
                response = _refusal(
                    scope,
                    409,
                    "conflict",
                    "a request with this Idempotency-Key is still in progress; retry shortly",
                    headers={"Retry-After": "1"},
                )
                await response(scope, receive, send)
                return
            await self._replay(scope, receive, send, route, json.loads(stored), fingerprint)
            return
        raise RedisError("could not claim the Idempotency-Key")

    async def _run_first(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        backends: Backends,
        route: IdempotentRoute,
        record_key: str,
        claim: str,
        fingerprint: _Fingerprint,
    ) -> None:
        done = False
        status = 500
        response_headers: list[tuple[bytes, bytes]] = []
        body = bytearray()

        async def hashing_receive() -> Message:
            nonlocal done
            message = await receive()
            if message["type"] == "http.request":
                fingerprint.update(message.get("body", b""))
                done = not message.get("more_body", False)
            return message

        async def capturing_send(message: Message) -> None:
            nonlocal status, response_headers
            if message["type"] == "http.response.start":
                status = message["status"]
                response_headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body" and len(body) <= _MAX_KEPT_BODY:
                body.extend(message.get("body", b""))
            await send(message)

        redis = backends.redis
        try:
            await self.app(scope, hashing_receive, capturing_send)
        except BaseException:
            await _release(redis, record_key, claim)
            raise
        keep = route.keeps(status) and len(body) <= _MAX_KEPT_BODY
        if keep:
            try:
                while not done:  # the route answered before reading everything: hash the rest
                    message = await hashing_receive()
                    if message["type"] != "http.request":
                        keep = False
                        break
            except BodyTooLarge:
                keep = False
        if not keep:
            await _release(redis, record_key, claim)
            return
        record = {
            "fingerprint": fingerprint.hexdigest(),
            "status": status,
            "headers": [
                [name.decode("latin-1"), value.decode("latin-1")]
                for name, value in response_headers
                if not name.lower().startswith(b"x-ratelimit-")
            ],
            "body": base64.b64encode(bytes(body)).decode(),
        }
        try:
            ttl = route.ttl_s or backends.settings.idempotency_ttl_s
            await redis.set(record_key, json.dumps(record), ex=ttl)
        except (RedisError, OSError) as exc:
            # The request did run and answered; only the replay record is lost.
            log.warning("Idempotency-Key result not kept: Redis unavailable (%s)", exc)

    async def _replay(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        route: IdempotentRoute,
        record: dict[str, Any],
        fingerprint: _Fingerprint,
    ) -> None:
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            fingerprint.update(message.get("body", b""))
            if not message.get("more_body", False):
                break
        if not route.key_only and fingerprint.hexdigest() != record["fingerprint"]:
            response = _refusal(
                scope,
                422,
                "validation_error",
                "this Idempotency-Key was used for a different request; use a new key",
            )
            await response(scope, receive, send)
            return
        raw = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in record["headers"]]
        raw.append((b"idempotent-replayed", b"true"))
        await send({"type": "http.response.start", "status": record["status"], "headers": raw})
        await send({"type": "http.response.body", "body": base64.b64decode(record["body"])})


async def _release(redis: Any, record_key: str, claim: str) -> None:
    # If Redis does not answer, the claim expires by itself after idempotency_lock_s.
    with contextlib.suppress(RedisError, OSError):
        await redis.eval(_RELEASE, 1, record_key, claim)


def install(app: Any) -> None:
    """Outermost first: the cap sees every byte, then the JSON depth check (api/security.py)
    reads what passed it, headers go on every response, idempotency runs inside all of them (a
    replay is capped too)."""
    app.add_middleware(Idempotency)
    app.add_middleware(RateLimitHeaders)
    app.add_middleware(JsonDepth)
    app.add_middleware(BodyCap)

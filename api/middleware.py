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
  a retry may cure (401, 409, 413, 429, 5xx) are not kept.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import re
import secrets
from typing import Any, cast

from redis.exceptions import RedisError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth.deps import viewer_from_header
from api.errors import error_json, unavailable_json
from api.ratelimit import STATE_KEY, Outcome, headers
from backends import Backends
from redis_scripts import script

log = logging.getLogger(__name__)

# A multipart form around one file: part headers, boundaries, small fields.
MULTIPART_OVERHEAD = 64 * 1024

# POST routes that honour Idempotency-Key (others may add theirs: POST /api/v1/statuses...).
IDEMPOTENT_ROUTES: list[re.Pattern[str]] = [
    re.compile(r"^/posts$"),
    re.compile(r"^/media$"),
    re.compile(r"^/posts/[^/]+/comments$"),
]

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
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or backends is None
            or not any(p.match(scope["path"]) for p in IDEMPOTENT_ROUTES)
        ):
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        key = request_headers.get("idempotency-key")
        if key is None:
            await self.app(scope, receive, send)
            return
        if not _KEY.fullmatch(key):
            response = error_json(
                422,
                "validation_error",
                "Idempotency-Key must be 1-255 printable ASCII characters",
            )
            await response(scope, receive, send)
            return
        try:
            await self._handle(scope, receive, send, backends, request_headers, key)
        except (RedisError, OSError) as exc:
            log.warning("Idempotency-Key refused: Redis unavailable (%s)", exc)
            retry = backends.settings.unavailable_retry_after_s
            await unavailable_json("the cache", retry)(scope, receive, send)

    async def _handle(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        backends: Backends,
        request_headers: Headers,
        key: str,
    ) -> None:
        viewer = await viewer_from_header(backends, request_headers.get("authorization"))
        if viewer is None:  # the route answers 401; nothing to remember
            await self.app(scope, receive, send)
            return
        redis = backends.redis
        s = backends.settings
        record_key = f"idempotency:{viewer.id}:{hashlib.sha256(key.encode()).hexdigest()}"
        fingerprint = _Fingerprint(scope, request_headers.get("content-type", ""))
        claim = "running:" + secrets.token_hex(8)
        for _ in range(3):
            if await redis.set(record_key, claim, nx=True, ex=s.idempotency_lock_s):
                await self._run_first(
                    scope, receive, send, backends, record_key, claim, fingerprint
                )
                return
            stored = cast(str | None, await redis.get(record_key))  # decode_responses: text
            if stored is None:
                continue  # expired between the two calls: claim it again
            if stored.startswith("running:"):
                response = error_json(
                    409,
                    "conflict",
                    "a request with this Idempotency-Key is still in progress; retry shortly",
                    headers={"Retry-After": "1"},
                )
                await response(scope, receive, send)
                return
            await self._replay(scope, receive, send, json.loads(stored), fingerprint)
            return
        raise RedisError("could not claim the Idempotency-Key")

    async def _run_first(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        backends: Backends,
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
        keep = status < 500 and status not in _NOT_KEPT and len(body) <= _MAX_KEPT_BODY
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
            await redis.set(record_key, json.dumps(record), ex=backends.settings.idempotency_ttl_s)
        except (RedisError, OSError) as exc:
            # The request did run and answered; only the replay record is lost.
            log.warning("Idempotency-Key result not kept: Redis unavailable (%s)", exc)

    async def _replay(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
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
        if fingerprint.hexdigest() != record["fingerprint"]:
            response = error_json(
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
    """Outermost first: the cap sees every byte, headers go on every response, idempotency
    runs inside both (a replay is capped too)."""
    app.add_middleware(Idempotency)
    app.add_middleware(RateLimitHeaders)
    app.add_middleware(BodyCap)

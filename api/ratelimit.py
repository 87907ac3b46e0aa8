"""Rate limits: fixed windows counted atomically in Redis, per account and per client address.

Each attempt is counted and checked in one Lua script (INCR, and the window's expiry on its
first hit), so fifty concurrent requests against a limit of ten let exactly ten through: there
is no gap between "check" and "count" for a race to use. Limits that count only failures
(logins, password changes) reserve an attempt first and refund it on success.

The client address is the direct peer unless that peer is a configured trusted proxy; then it
is the right-most X-Forwarded-For address that is not a trusted proxy, as Mastodon's
`throttleable_remote_ip` (Rails' RemoteIp) does, so a client cannot pick its address by writing
the header. IPv6 clients are counted per /64.

While Redis is away the limits fall back to counters in this process: they stay in force
(limit x processes in the worst case) instead of failing open for every guesser or failing
closed for every user, and logins keep working. Losing the counters only restarts a window.

Every limited response carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
`X-RateLimit-Reset` (the tightest limit applied to the request; set by
`api.middleware.RateLimitHeaders`), and a refusal is 429 with `Retry-After`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network
from typing import Any

from fastapi import Depends, Request
from redis.asyncio import Redis
from redis.exceptions import RedisError

from api.auth.scopes import AnyToken
from api.deps import Backend
from backends import Backends
from graphgram import redis_keys
from graphgram.errors import TooManyRequests
from graphgram.settings import Settings
from redis_scripts import script

log = logging.getLogger(__name__)

STATE_KEY = "graphgram.ratelimit"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Count one attempt: {count after this hit, ms left in the window}.
_HIT = script("ratelimit/hit").text
# Give back a reserved attempt (a login that succeeded), never below zero.
_REFUND = script("ratelimit/refund").text


@dataclass(frozen=True)
class Outcome:
    limit: int
    remaining: int
    reset_s: int  # seconds until the window starts again

    @property
    def allowed(self) -> bool:
        return self.remaining >= 0


class RateLimited(TooManyRequests):
    def __init__(self, message: str, outcome: Outcome) -> None:
        super().__init__(message)
        self.retry_after = max(outcome.reset_s, 1)
        self.headers = headers(outcome)


def headers(outcome: Outcome) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(outcome.limit),
        "X-RateLimit-Remaining": str(max(outcome.remaining, 0)),
        "X-RateLimit-Reset": str(max(outcome.reset_s, 0)),
    }


class _LocalWindows:
    """Per-process fixed windows, used only while Redis does not answer."""

    MAX_KEYS = 50_000

    def __init__(self) -> None:
        self._windows: dict[str, tuple[int, float]] = {}

    def hit(self, key: str, window_s: int) -> tuple[int, float]:
        now = time.monotonic()
        count, reset_at = self._windows.get(key, (0, now + window_s))
        if reset_at <= now:
            count, reset_at = 0, now + window_s
        self._windows[key] = (count + 1, reset_at)
        if len(self._windows) > self.MAX_KEYS:
            self._windows = {k: v for k, v in self._windows.items() if v[1] > now}
        return count + 1, reset_at - now

    def refund(self, key: str) -> None:
        if key in self._windows:
            count, reset_at = self._windows[key]
            self._windows[key] = (max(count - 1, 0), reset_at)


_local = _LocalWindows()


def _key(key: str) -> str:
    return redis_keys.rate_limit(key)


async def hit(redis: Redis, key: str, *, limit: int, window_s: int) -> Outcome:
    """Count one attempt and say whether it is within `limit` for the window."""
    try:
        count, ttl_ms = await redis.eval(_HIT, 1, _key(key), window_s * 1000)
        reset_s = -(-int(ttl_ms) // 1000)
    except (RedisError, OSError) as exc:
        log.warning("rate limit %s counted in-process: Redis unavailable (%s)", key, exc)
        count, left = _local.hit(key, window_s)
        reset_s = int(left) + 1
    return Outcome(limit=limit, remaining=limit - int(count), reset_s=reset_s)


async def refund(redis: Redis, key: str) -> None:
    try:
        await redis.eval(_REFUND, 1, _key(key))
    except (RedisError, OSError):
        _local.refund(key)


async def check(redis: Redis, key: str, *, limit: int, what: str) -> None:
    """Refuse when `limit` attempts were already counted in the window (no counting).

    Kept for callers that count failures afterwards with `count`; that pair leaves a gap
    between the check and the count, so new code uses `enforce` (or `reserve_sign_in`)."""
    try:
        async with redis.pipeline(transaction=False) as pipe:
            pipe.get(_key(key))
            pipe.pttl(_key(key))
            count_now, ttl_ms = await pipe.execute()
    except (RedisError, OSError):
        return
    if count_now is not None and int(count_now) >= limit:
        outcome = Outcome(limit=limit, remaining=-1, reset_s=-(-max(int(ttl_ms), 1) // 1000))
        raise RateLimited(f"too many {what}: try again in {outcome.reset_s} s", outcome)


async def count(redis: Redis, key: str, *, window_s: int) -> None:
    """Count one attempt (atomically with its window's expiry)."""
    await hit(redis, key, limit=0, window_s=window_s)


def record(request: Request, outcome: Outcome) -> None:
    """Keep the tightest outcome of this request for the X-RateLimit-* headers."""
    state: dict[str, Any] = request.scope.setdefault("state", {})
    current: Outcome | None = state.get(STATE_KEY)
    if current is None or outcome.remaining < current.remaining:
        state[STATE_KEY] = outcome


async def enforce(
    request: Request, backends: Backends, key: str, *, limit: int, window_s: int, what: str
) -> Outcome | None:
    """Count the attempt; 429 past the limit. Nothing happens when the limit is off (0)."""
    if not backends.settings.rate_limits or limit <= 0:
        return None
    outcome = await hit(backends.redis, key, limit=limit, window_s=window_s)
    record(request, outcome)
    if not outcome.allowed:
        raise RateLimited(f"too many {what}: try again in {max(outcome.reset_s, 1)} s", outcome)
    return outcome


def _trusted(settings: Settings) -> list[Any]:
    return [ip_network(p, strict=False) for p in settings.trusted_proxies]


def _parse(value: str) -> IPv4Address | IPv6Address | None:
    value = value.strip().strip('"')
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ip_address(value)
    except ValueError:
        return None


def client_address(request: Request, settings: Settings) -> str:
    """The address limits count against: the peer, or the right-most untrusted forwarded one."""
    peer = _parse(request.client.host) if request.client else None
    if peer is None:
        return request.client.host if request.client else "unknown"
    trusted = _trusted(settings)
    address = peer
    if any(peer in net for net in trusted):
        forwarded = ",".join(request.headers.getlist("x-forwarded-for"))
        for raw in reversed([part for part in forwarded.split(",") if part.strip()]):
            hop = _parse(raw)
            if hop is None:
                break  # an unreadable hop: stop believing the chain here
            address = hop
            if not any(hop in net for net in trusted):
                break
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ip_network(f"{address}/64", strict=False))
    return str(address)


async def reserve_sign_in(request: Request, backends: Backends, username: str) -> list[str]:
    """Reserve one failed sign-in try for (client address, username), then one for the client
    address whatever the username (password spraying: one address, many usernames), or 429.

    Both count failures only: the caller gives the tries back with `refund_sign_in` when the
    password turns out right, so people signing in from one shared address (an office, a
    carrier's NAT) are never limited by each other's successes. Returns the keys to refund
    (empty when the limits are off). A try the address limit refuses is given back to the
    username's window: no password was checked."""
    s = backends.settings
    address = client_address(request, s)
    per_address = "failed sign-ins from this address"
    limits = (
        (f"login:{address}:{username.strip().lower()}", s.login_attempts, "failed logins"),
        (f"signin:addr:{address}", s.login_attempts_per_address, per_address),
    )
    reserved: list[str] = []
    for key, limit, what in limits:
        try:
            outcome = await enforce(
                request, backends, key, limit=limit, window_s=s.rate_window_s, what=what
            )
        except RateLimited:
            await refund_sign_in(backends.redis, reserved)
            raise
        if outcome is not None:
            reserved.append(key)
    return reserved


async def refund_sign_in(redis: Redis, keys: list[str]) -> None:
    """Give back the tries `reserve_sign_in` took (the password was right)."""
    for key in keys:
        await refund(redis, key)


# Dependencies, attached per router or per route (`dependencies=WRITE_LIMITS`).


async def limit_writes_by_address(request: Request, backends: Backend) -> None:
    """Writes per client address (before authentication, so bad tokens are counted too)."""
    if request.method in SAFE_METHODS:
        return
    s = backends.settings
    await enforce(
        request,
        backends,
        f"writes:addr:{client_address(request, s)}",
        limit=s.write_limit_per_address,
        window_s=s.write_window_s,
        what="writes from this address",
    )


async def limit_writes_by_account(request: Request, viewer: AnyToken, backends: Backend) -> None:
    if request.method in SAFE_METHODS:
        return
    s = backends.settings
    await enforce(
        request,
        backends,
        f"writes:user:{viewer.id}",
        limit=s.write_limit,
        window_s=s.write_window_s,
        what="writes from this account",
    )


async def limit_uploads(request: Request, viewer: AnyToken, backends: Backend) -> None:
    if request.method in SAFE_METHODS:
        return
    s = backends.settings
    await enforce(
        request,
        backends,
        f"uploads:user:{viewer.id}",
        limit=s.upload_limit,
        window_s=s.upload_window_s,
        what="uploads from this account",
    )


async def limit_search_by_address(request: Request, backends: Backend) -> None:
    s = backends.settings
    await enforce(
        request,
        backends,
        f"search:addr:{client_address(request, s)}",
        limit=s.search_limit_per_address,
        window_s=s.search_window_s,
        what="searches from this address",
    )


async def limit_search_by_account(request: Request, viewer: AnyToken, backends: Backend) -> None:
    s = backends.settings
    await enforce(
        request,
        backends,
        f"search:user:{viewer.id}",
        limit=s.search_limit,
        window_s=s.search_window_s,
        what="searches from this account",
    )


# Writes: every POST/PUT/PATCH/DELETE of the router or route, per address, then per account.
WRITE_LIMITS = [Depends(limit_writes_by_address), Depends(limit_writes_by_account)]
# Uploads count as writes and against their own, smaller budget.
UPLOAD_LIMITS = [*WRITE_LIMITS, Depends(limit_uploads)]
SEARCH_LIMITS = [Depends(limit_search_by_address), Depends(limit_search_by_account)]

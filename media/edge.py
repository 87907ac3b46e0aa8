"""Purging media from the edge cache, so a URL handed out before a deletion stops working at once.

The edge (nginx `proxy_cache`, ops/nginx/nginx.conf.template) keys its cache by the object's path
and slice only, never by the URL's expiry or signature, so every URL ever signed for an object
shares the same cached entries: one per 1 MiB slice (`proxy_cache_key $uri$slice_range`), a
small picture one entry, a video one per slice ever fetched. Purging an object removes each of
them: `PURGE <edge>/purge/<first>-<last>/<key>` per slice and per edge node (`edge_purge_urls`
are the `<edge>/purge/` prefixes), answered by the ngx_cache_purge module (200 removed, 404 was
not cached) for allowed client addresses only.

`purge` is the one entry point: `media.lifecycle` calls it for every object it deletes (a deleted
post, media item or account, a failed upload, the sweep), and a moderation action that takes
content down calls it with the object keys. It never raises: what the edge did not confirm (away,
timed out, refused) is queued in Redis and retried by the media workers (`retry_pending`, every
few seconds in each worker) until confirmed, or until every URL that can have been signed for the
object has expired (the edge checks the signature before its cache, so past that nothing reaches
the copy). A confirmed purge is repeated once `edge_purge_recheck_s` later, for a fetch that began
before the deletion and stored its answer after the purge. docs/edge.md tells the whole story and
how a CDN's purge API takes this module's place.
"""

from __future__ import annotations

import functools
import logging
import math
import ssl
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

import anyio
import anyio.to_thread
import httpx

from backends import Backends
from graphgram import redis_keys
from graphgram.settings import Settings
from media.signing import url_window_s
from media.storage import object_size
from redis_scripts import script

log = logging.getLogger("graphgram.media.edge")

SLICE_BYTES = 1024 * 1024  # the edge's `slice` size: one cache entry per slice of an object
# The edge's purge location marks its answers, so a 404 of some other location (a purge URL
# that points at the wrong place) is never taken for "was not cached".
PURGE_MARK = "x-edge-purge"
PENDING = (
    redis_keys.EDGE_PURGES
)  # sorted set: "<give up at>|<size or -1>|<key>" scored by when it is due
CONCURRENCY = 8  # purge requests (and size look-ups) in flight at once
RETRY_S = 10.0  # a purge the edge did not confirm is tried again this much later
LEASE_S = 60.0  # a claimed retry that was never settled (its worker died) is due again after this
RETRY_BATCH = 200

# Claim the due entries: push them a lease into the future, so concurrent workers skip them and a
# worker that dies leaves them due again later.
_CLAIM = script("media/claim_purges").text


@dataclass
class PurgeReport:
    removed: int = 0  # cache entries the edge dropped
    absent: int = 0  # entries that were not cached
    failed: list[str] = field(default_factory=list)  # keys some edge node did not confirm
    # What the edge answered for each failed key: statuses, negative when not from the purge
    # location, 0 for no answer (away, timed out).
    answers: dict[str, list[int]] = field(default_factory=dict)


def slice_ranges(size: int) -> list[str]:
    """The `<first>-<last>` byte ranges of the slices the edge caches for an object of `size`
    bytes (the last slice's range runs past the end, as nginx's `$slice_range` does)."""
    count = max(1, math.ceil(size / SLICE_BYTES))
    return [f"{i * SLICE_BYTES}-{(i + 1) * SLICE_BYTES - 1}" for i in range(count)]


def largest(settings: Settings, key: str) -> int:
    """The most an object of `key` can weigh, for when its size is not known any more."""
    return settings.max_video_bytes if key.startswith("vid/") else settings.max_image_bytes


def purge_urls(settings: Settings, key: str, size: int | None) -> list[str]:
    """Every purge request one object needs: each of its slices on each edge node."""
    ranges = slice_ranges(largest(settings, key) if size is None else size)
    return [
        f"{base.rstrip('/')}/{first_last}/{quote(key)}"
        for base in settings.edge_purge_urls or []
        for first_last in ranges
    ]


async def object_sizes(backends: Backends, keys: Iterable[str]) -> dict[str, int | None]:
    """Each object's size (None when it is missing or the store did not say)."""
    settings = backends.settings
    found: dict[str, int | None] = {}
    limiter = anyio.CapacityLimiter(CONCURRENCY)

    async def look(key: str) -> None:
        try:
            found[key] = await anyio.to_thread.run_sync(
                object_size, backends.s3, settings.media_bucket, key, limiter=limiter
            )
        except Exception:  # noqa: BLE001 - unknown size: the purge covers the largest possible
            found[key] = None

    async with anyio.create_task_group() as tg:
        for key in dict.fromkeys(keys):
            tg.start_soon(look, key)
    return found


async def purge(
    backends: Backends,
    keys: Iterable[str],
    *,
    sizes: Mapping[str, int | None] | None = None,
    recheck: bool = True,
) -> PurgeReport:
    """Remove every cached copy of the objects `keys` from every edge node, now.

    `sizes` are the objects' sizes when the caller knows them (a deleted object's, looked up
    before its deletion); others are looked up in the store, and one that is gone is purged as
    if it had the largest size its kind allows. Never raises: what is not confirmed is queued and
    retried (see the module's docstring); the report says what happened."""
    wanted = list(dict.fromkeys(keys))
    settings = backends.settings
    if not wanted or not settings.edge_purge_urls:
        return PurgeReport()
    known = dict(sizes or {})
    unknown = [key for key in wanted if known.get(key) is None]
    if unknown:
        known |= await object_sizes(backends, unknown)
    targets = {key: known.get(key) for key in wanted}
    report = await _purge_now(settings, targets)
    now = time.time()
    give_up = now + _signed_url_life(settings)
    failed = set(report.failed)
    if failed:
        log.warning(
            "edge purge not confirmed for %d of %d objects (first: %s, answered %s); queued for "
            "a retry",
            len(failed),
            len(wanted),
            report.failed[0],
            report.answers.get(report.failed[0], "nothing"),
        )
        await _queue(
            backends, {k: v for k, v in targets.items() if k in failed}, now + RETRY_S, give_up
        )
    confirmed = {k: v for k, v in targets.items() if k not in failed}
    if recheck and confirmed and settings.edge_purge_recheck_s > 0:
        await _queue(backends, confirmed, now + settings.edge_purge_recheck_s, give_up)
    return report


async def retry_pending(backends: Backends, *, limit: int = RETRY_BATCH) -> PurgeReport:
    """Purge again the queued objects that are due (the media workers call this every few
    seconds); drops those whose every URL has expired. Raises only when Redis is away."""
    report = PurgeReport()
    now = time.time()
    redis = backends.redis
    claimed = await redis.register_script(_CLAIM)(keys=[PENDING], args=[now, now + LEASE_S, limit])
    entries: dict[str, tuple[str, int | None]] = {}
    expired: list[str] = []
    for member in claimed:
        text = member.decode() if isinstance(member, bytes) else str(member)
        give_up_at, size, key = text.split("|", 2)
        if float(give_up_at) < now:
            expired.append(text)
        else:
            entries[text] = (key, None if int(size) < 0 else int(size))
    if expired:
        log.error(
            "edge purge of %d objects still queued when every URL signed for them had expired "
            "(is the edge reachable from here?); dropped (first: %s)",
            len(expired),
            expired[0],
        )
        await redis.zrem(PENDING, *expired)
    if not entries or not backends.settings.edge_purge_urls:
        if entries:
            await redis.zrem(PENDING, *entries)
        return report
    report = await _purge_now(backends.settings, dict(entries.values()))
    failed = set(report.failed)
    done = [member for member, (key, _) in entries.items() if key not in failed]
    again = {member: now + RETRY_S for member, (key, _) in entries.items() if key in failed}
    if done:
        await redis.zrem(PENDING, *done)
    if again:
        await redis.zadd(PENDING, again, xx=True)
    return report


async def pending(backends: Backends) -> int:
    """Objects queued for a purge (a retry or the recheck)."""
    return int(await backends.redis.zcard(PENDING))


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context per process (for an https edge): building one costs tens of ms."""
    return ssl.create_default_context()


def _signed_url_life(settings: Settings) -> float:
    """The longest a URL signed before now can stay valid (media.signing rounds expiries up)."""
    return settings.cdn_url_ttl_s + url_window_s(settings.cdn_url_ttl_s)


async def _queue(
    backends: Backends, targets: Mapping[str, int | None], due: float, give_up: float
) -> None:
    members = {
        f"{int(give_up)}|{-1 if size is None else size}|{key}": due for key, size in targets.items()
    }
    try:
        await backends.redis.zadd(PENDING, members)
    except Exception:  # noqa: BLE001 - Redis away too: nothing left to record it in
        log.exception(
            "could not queue the edge purge of %d objects (first: %s): their cached copies stay "
            "reachable until the URLs signed for them expire",
            len(members),
            next(iter(targets)),
        )


async def _purge_now(settings: Settings, targets: Mapping[str, int | None]) -> PurgeReport:
    """One pass of purge requests, bounded in time; a key is confirmed when the purge location
    answered every request for it 200 (removed) or 404 (not cached)."""
    report = PurgeReport()
    outcome: dict[str, list[int]] = {key: [] for key in targets}
    requests = [
        (key, url) for key, size in targets.items() for url in purge_urls(settings, key, size)
    ]
    expected = {key: 0 for key in targets}
    for key, _ in requests:
        expected[key] += 1
    limiter = anyio.CapacityLimiter(CONCURRENCY)
    timeout = settings.edge_purge_timeout_s

    async def send(http: httpx.AsyncClient, key: str, url: str) -> None:
        async with limiter:
            try:
                answer = await http.request("PURGE", url)
            except Exception as exc:  # noqa: BLE001 - away, timed out, a malformed purge URL
                log.debug("edge purge %s failed: %r", url, exc)
                outcome[key].append(0)
                return
            # Not from the purge location (no mark): a misrouted URL, whatever its status.
            status = answer.status_code if PURGE_MARK in answer.headers else -answer.status_code
            outcome[key].append(status)
            if status not in (200, 404):
                log.debug("edge purge %s answered %d", url, answer.status_code)

    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(timeout=timeout, limits=limits, verify=_tls()) as http:
        # The whole pass, not only each request, is bounded: a deletion waits seconds at most.
        with anyio.move_on_after(timeout * 2):
            async with anyio.create_task_group() as tg:
                for key, url in requests:
                    tg.start_soon(send, http, key, url)
    for key, codes in outcome.items():
        report.removed += codes.count(200)
        report.absent += codes.count(404)
        if len(codes) < expected[key] or any(code not in (200, 404) for code in codes):
            report.failed.append(key)
            report.answers[key] = sorted(set(codes)) or [0]
    return report

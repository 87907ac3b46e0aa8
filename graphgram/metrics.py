"""The process's Prometheus registry and every metric Graphgram records.

Below every layer that records a figure (the driver wrapper, the backend clients, the API), so
none of them reaches up into the API for it. `/metrics` (api/observability.py) serves it.
"""

from __future__ import annotations

import functools

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

HTTP_REQUESTS = Counter(
    "graphgram_http_requests_total",
    "HTTP requests",
    ["method", "route", "status"],
    registry=REGISTRY,
)
HTTP_LATENCY = Histogram(
    "graphgram_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
CYPHER_LATENCY = Histogram(
    "graphgram_cypher_duration_seconds",
    "Latency of each named Cypher statement",
    ["query", "outcome"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
BACKEND_LATENCY = Histogram(
    "graphgram_backend_call_duration_seconds",
    "Redis and object-store call latency",
    ["backend", "operation"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
BACKEND_ERRORS = Counter(
    "graphgram_backend_errors_total",
    "Failed Redis and object-store calls",
    ["backend", "operation"],
    registry=REGISTRY,
)
CACHE_LOOKUPS = Counter(
    "graphgram_cache_lookups_total",
    "Redis cache lookups (session cache) by result",
    ["cache", "result"],
    registry=REGISTRY,
)
MEDIA_QUEUE_DEPTH = Gauge(
    "graphgram_media_queue_depth", "Media jobs waiting in the Redis queue", registry=REGISTRY
)


# Labelled children looked up once per label set (`labels()` takes a lock and builds a key on
# every call; these two run on every Redis command and cache lookup).
@functools.cache
def _backend_latency(backend: str, operation: str) -> Histogram:
    return BACKEND_LATENCY.labels(backend, operation)


@functools.cache
def _cache_lookups(cache: str, result: str) -> Counter:
    return CACHE_LOOKUPS.labels(cache, result)


def observe_backend(backend: str, operation: str, seconds: float, ok: bool) -> None:
    _backend_latency(backend, operation).observe(seconds)
    if not ok:
        BACKEND_ERRORS.labels(backend, operation).inc()


def cache_lookup(cache: str, hit: bool) -> None:
    _cache_lookups(cache, "hit" if hit else "miss").inc()


TIMELINE_FANOUT_LAG = Histogram(
    "graphgram_timeline_fanout_lag_seconds",
    "Time from POST /posts to the post being in every active follower's home timeline",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
TIMELINE_FANOUT_RECIPIENTS = Histogram(
    "graphgram_timeline_fanout_recipients",
    "Active home timelines one post was pushed into",
    buckets=(0, 1, 10, 100, 1_000, 10_000, 100_000),
    registry=REGISTRY,
)
TIMELINE_REBUILDS = Counter(
    "graphgram_timeline_rebuilds_total",
    "Home timelines rebuilt from the Cypher fan-in (new, inactive or lost from Redis)",
    registry=REGISTRY,
)

"""Metrics (`/metrics`, Prometheus text) and structured JSON logs with a request id.

Each API process exposes its own registry; Prometheus scrapes every process (in Compose, each
`api` replica). The request id comes from `X-Request-ID` (or is minted), is returned in the
response header, appears in every log line, and travels into Neo4j as transaction metadata, so
a slow query in Neo4j's query log maps back to the request that ran it.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TextIO

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pythonjsonlogger.json import JsonFormatter

from graph.driver import add_query_observer, request_id_var
from graphgram.metrics import (
    CYPHER_LATENCY,
    HTTP_LATENCY,
    HTTP_REQUESTS,
    MEDIA_QUEUE_DEPTH,
    REGISTRY,
)

log = logging.getLogger("graphgram.access")


def _observe_cypher(name: str, seconds: float, ok: bool) -> None:
    CYPHER_LATENCY.labels(name, "ok" if ok else "error").observe(seconds)


add_query_observer(_observe_cypher)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def json_handler(stream: TextIO | None = None) -> logging.Handler:
    """One JSON object per line, each with the current request id."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{message}{request_id}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(RequestIdFilter())
    return handler


def configure_logging(level: int = logging.INFO) -> None:
    root = logging.getLogger("graphgram")
    if not any(getattr(h, "graphgram_json", False) for h in root.handlers):
        handler = json_handler()
        handler.graphgram_json = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False


def _route_template(request: Request) -> str:
    """The matched route's template (`/posts/{post_id}`), never the raw path."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "unmatched"


def install(app: FastAPI, queue_depth: Callable[[], Awaitable[int]] | None = None) -> None:
    configure_logging()

    @app.middleware("http")
    async def observe(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        token = request_id_var.set(request_id[:64])
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            response.headers["X-Request-ID"] = request_id_var.get() or ""
            return response
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(request)
            HTTP_REQUESTS.labels(request.method, route, str(status)).inc()
            HTTP_LATENCY.labels(request.method, route).observe(elapsed)
            extra: dict[str, Any] = {
                "method": request.method,
                "route": route,
                "path": request.url.path,
                "status": status,
                "duration_ms": round(elapsed * 1000, 2),
            }
            log.info("request", extra=extra)
            request_id_var.reset(token)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        if queue_depth is not None:
            try:
                MEDIA_QUEUE_DEPTH.set(await queue_depth())
            except Exception:  # noqa: BLE001 - a scrape must not fail because Redis is away
                logging.getLogger("graphgram").warning("media queue depth unavailable")
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

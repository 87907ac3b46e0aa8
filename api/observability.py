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

from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pythonjsonlogger.json import JsonFormatter
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class Observe:
    """Request id, metrics and the access log line for every request.

    A pure ASGI middleware (not `@app.middleware("http")`, whose `BaseHTTPMiddleware` runs each
    request in a task and streams the body through a memory channel: py-spy put that at ~15% of
    a cached feed page)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = ""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                request_id = value.decode("latin-1")[:64]
                break
        token = request_id_var.set(request_id or uuid.uuid4().hex)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id_var.get() or ""
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope["method"]
            HTTP_REQUESTS.labels(method, route, str(status)).inc()
            HTTP_LATENCY.labels(method, route).observe(elapsed)
            extra: dict[str, Any] = {
                "method": method,
                "route": route,
                "path": scope["path"],
                "status": status,
                "duration_ms": round(elapsed * 1000, 2),
            }
            log.info("request", extra=extra)
            request_id_var.reset(token)


def install(app: FastAPI, queue_depth: Callable[[], Awaitable[int]] | None = None) -> None:
    """Logging, and the `/metrics` route. `Observe` itself wraps the app's whole middleware
    stack (`api.app.Graphgram`), so every request is counted, errors included."""
    configure_logging()

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        if queue_depth is not None:
            try:
                MEDIA_QUEUE_DEPTH.set(await queue_depth())
            except Exception:  # noqa: BLE001 - a scrape must not fail because Redis is away
                logging.getLogger("graphgram").warning("media queue depth unavailable")
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

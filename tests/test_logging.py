"""Request ids come back, reach the JSON logs and Neo4j transaction metadata."""

from __future__ import annotations

import io
import json
import logging
import re
from typing import Any

import httpx
from fastapi import FastAPI
from neo4j import AsyncManagedTransaction

from api.observability import json_handler
from backends import Backends
from graph.driver import make_async_driver, request_id_var, run
from graphgram.settings import Settings


async def test_request_id_is_echoed_and_logged(client: httpx.AsyncClient) -> None:
    stream = io.StringIO()
    handler = json_handler(stream)
    logging.getLogger("graphgram").addHandler(handler)
    try:
        response = await client.get("/health", headers={"X-Request-ID": "trace-abc-123"})
        minted = (await client.get("/health")).headers["x-request-id"]
    finally:
        logging.getLogger("graphgram").removeHandler(handler)
    assert response.headers["x-request-id"] == "trace-abc-123"
    assert re.fullmatch(r"[0-9a-f]{32}", minted)
    # The access log's lines: a background worker of the session app may log beside them (the
    # media queue, when the previous test's Redis flush ended its blocking read).
    lines = [
        line
        for line in map(json.loads, stream.getvalue().splitlines())
        if line["logger"] == "graphgram.access"
    ]
    assert [line["request_id"] for line in lines] == ["trace-abc-123", minted]
    assert lines[0]["route"] == "/health"
    assert lines[0]["status"] == 200
    assert {"time", "level", "logger", "message", "duration_ms"} <= set(lines[0])


async def test_request_id_travels_into_neo4j_transaction_metadata(
    app: FastAPI, settings: Settings
) -> None:
    state: Backends = app.state.backends
    observer = make_async_driver(settings)
    seen: list[dict[str, Any]] = []

    async def work(tx: AsyncManagedTransaction) -> None:
        await run(tx, "health/ping")
        async with observer.session(database=settings.neo4j_database) as other:
            result = await other.run("SHOW TRANSACTIONS YIELD metaData RETURN metaData")
            seen.extend([record["metaData"] async for record in result])

    token = request_id_var.set("trace-into-neo4j")
    try:
        await state.graph.in_read("test/metadata", work)
    finally:
        request_id_var.reset(token)
        await observer.close()
    assert {"app": "graphgram", "query": "test/metadata", "request_id": "trace-into-neo4j"} in seen

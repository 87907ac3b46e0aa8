"""graph/warmup.py: every catalog statement is planned ahead with its own example parameters, on
the test stack's Neo4j, and an API process starts that warm-up when the setting says so."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from api.app import create_app
from cypher import catalog, example_params
from graph.warmup import warmable
from graphgram.settings import Settings
from tests.fixtures.plans import warm_catalog


def test_example_params_keep_the_types_the_api_sends() -> None:
    tray = example_params("stories/tray")
    assert tray is not None
    assert isinstance(tray["viewer_id"], str)
    assert isinstance(tray["limit"], int)
    assert isinstance(tray["now"], datetime)  # `datetime("...")` in the header
    assert example_params("health/ping") is None
    # Only the schema, the migrations and statements without parameters lack an example.
    missing = sorted(set(catalog()) - set(warmable()))
    assert all(example_params(name) is None for name in missing)
    assert len(warmable()) > 200


async def test_every_catalog_statement_plans_with_its_example_params(settings: Settings) -> None:
    report = await warm_catalog(settings)
    assert report.failed == {}
    assert report.planned == warmable()


def test_warming_is_on_unless_the_environment_is_test() -> None:
    assert Settings(environment="development").warms_query_plans
    assert not Settings(environment="test").warms_query_plans
    assert Settings(environment="test", warm_query_plans=True).warms_query_plans


async def test_an_api_process_warms_the_plans_when_it_starts(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app: FastAPI = create_app(settings.model_copy(update={"warm_query_plans": True}))
    caplog.set_level(logging.INFO, logger="graph.warmup")
    async with app.router.lifespan_context(app):
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
            assert (await client.get("/health")).status_code == 200  # served meanwhile
        for _ in range(600):
            if any("query plans warmed" in r.getMessage() for r in caplog.records):
                break
            await asyncio.sleep(0.5)
    done = [r.getMessage() for r in caplog.records if "query plans warmed" in r.getMessage()]
    assert done, "the warm-up did not finish within 5 minutes"
    assert f"{len(warmable())} statements" in done[0]
    assert "0 failed" in done[0]

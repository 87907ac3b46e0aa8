"""schemathesis over the whole OpenAPI document, every check, authenticated, against a real
uvicorn on this test stack: no server error, no response the document does not describe.

Two bounded runs (well under two minutes together): every operation but the four that end the
caller's session or account, then those four with a fresh session. The caller is an analyst,
so the analytics routes are fuzzed too. Rate limits are off for the run (they are tested in
tests/test_ratelimit.py; here they would only turn coverage into 429s).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver

from graphgram.settings import Settings
from tests.fixtures.api_server import uvicorn_process
from tests.fixtures.factories import Factory

pytestmark = [pytest.mark.no_clean, pytest.mark.slow]

# Operations after which the fuzzing session's token (or account) is gone.
SESSION_ENDING = "^/(auth/logout|auth/logout-all|me/password|me)$"
# The Mastodon client API (/api/v1, /api/v2, /oauth) keeps Mastodon's own error bodies: its OAuth
# and media routes are fuzzed in tests/test_oauth_security.py, every route's garbage input in
# tests/test_mastodon.py.
MASTODON = "^/(api/|oauth/|\\.well-known/)"
CONFIG = Path(__file__).with_name("schemathesis.toml")
MAIN_BUDGET_S = 60
ENDING_BUDGET_S = 12


@pytest.fixture(scope="module")
def live_api(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API in its own uvicorn process (schemathesis calls it over HTTP), limits off."""
    with uvicorn_process(settings, tmp_path_factory.mktemp("schemathesis") / "api.log") as base:
        yield base


@pytest.fixture(scope="module")
def wiped(neo4j_driver: Driver, settings: Settings, redis_client: object) -> None:
    from graph.admin import wipe

    wipe(neo4j_driver, settings)
    redis_client.flushdb()  # type: ignore[attr-defined]


def fresh_analyst(factory: Factory, driver: Driver, settings: Settings) -> str:
    """A token of the `fuzz` analyst, created again if a DELETE /me removed it."""
    records, _, _ = driver.execute_query(
        "MATCH (u:User {username: 'fuzz'}) RETURN u.id AS id", database_=settings.neo4j_database
    )
    if records:
        return factory.session(records[0]["id"])
    fuzz = factory.user("fuzz", role="analyst")
    factory.post(fuzz, "seed #fuzz @fuzz")
    return str(fuzz["token"])


def schemathesis(base: str, token: str, budget_s: int, *filters: str, report: Path) -> str:
    command = [
        str(Path(sys.executable).parent / "st"), "--config-file", str(CONFIG),
        "run", f"{base}/openapi.json",
        "--checks", "all",
        # See tests/schemathesis.toml: the stateful phase ignores the config's switch for it.
        "--exclude-checks", "use_after_free",
        "--header", f"Authorization: Bearer {token}",
        "--max-time", str(budget_s),
        "--max-examples", "25",
        # One worker: CPython 3.11.7's ast.parse is not thread-safe (hypothesis calls it while
        # describing strategies: "AST constructor recursion depth mismatch").
        "--workers", "1",
        "--seed", "12",
        "--request-timeout", "30",
        "--suppress-health-check", "all",
        "--continue-on-failure",
        "--report", "junit", "--report-junit-path", str(report),
        *filters,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=budget_s + 60)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-12000:]
    return output


def test_the_whole_api_holds_to_its_openapi_document(
    live_api: str,
    wiped: None,
    factory: Factory,
    neo4j_driver: Driver,
    settings: Settings,
    tmp_path: Path,
) -> None:
    started = time.monotonic()
    token = fresh_analyst(factory, neo4j_driver, settings)
    main = schemathesis(
        live_api, token, MAIN_BUDGET_S, "--exclude-path-regex", f"{SESSION_ENDING}|{MASTODON}",
        report=tmp_path / "main.xml",
    )  # fmt: skip
    token = fresh_analyst(factory, neo4j_driver, settings)
    ending = schemathesis(
        live_api, token, ENDING_BUDGET_S, "--include-path-regex", SESSION_ENDING,
        report=tmp_path / "ending.xml",
    )  # fmt: skip
    for output in (main, ending):
        summary = [line for line in output.splitlines() if "generated" in line or "Tested:" in line]
        print("schemathesis:", *summary)  # e.g. "1249 generated, 1249 passed, 52 skipped"
        assert summary, output[-3000:]
    assert time.monotonic() - started < 110

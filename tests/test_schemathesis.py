"""schemathesis over the whole OpenAPI document, every check, authenticated, against a real
uvicorn on this test stack: no server error, no response the document does not describe.

Two bounded runs (well under two minutes together): every operation but the four that end the
caller's session or account, then those four with a fresh session. The caller is an analyst,
so the analytics routes are fuzzed too. Rate limits are off for the run (they are tested in
tests/test_ratelimit.py; here they would only turn coverage into 429s).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from neo4j import Driver

from graphgram.settings import PROJECT_ROOT, Settings
from tests.fixtures.factories import Factory

pytestmark = [pytest.mark.no_clean, pytest.mark.slow]

# Operations after which the fuzzing session's token (or account) is gone.
SESSION_ENDING = "^/(auth/logout|auth/logout-all|me/password|me)$"
# The Mastodon client API (/api/v1, /api/v2, /oauth) keeps Mastodon's own error bodies and is
# fuzzed by its own suite (tests/test_mastodon_zz_fuzz.py).
MASTODON = "^/(api/|oauth/|\\.well-known/)"
CONFIG = Path(__file__).with_name("schemathesis.toml")
MAIN_BUDGET_S = 60
ENDING_BUDGET_S = 12


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live_api(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "GRAPHGRAM_ENVIRONMENT": "test",
        "GRAPHGRAM_STACK_NAME": settings.stack_name,
        "GRAPHGRAM_PORT_OFFSET": str(settings.port_offset),
        "GRAPHGRAM_NEO4J_URI": settings.neo4j_uri,
        "GRAPHGRAM_REDIS_URL": settings.redis_url,
        "GRAPHGRAM_S3_ENDPOINT": settings.s3_endpoint,
        "GRAPHGRAM_CDN_BASE_URL": settings.cdn_base_url,
        "GRAPHGRAM_RATE_LIMITS": "false",
    }
    log = tmp_path_factory.mktemp("schemathesis") / "api.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--no-proxy-headers"],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail(f"uvicorn did not start:\n{log.read_text()[-3000:]}")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


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

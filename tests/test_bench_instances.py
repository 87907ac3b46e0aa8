"""The media benchmark wipes the graph and empties the bucket of the instance it runs on: its
settings must reach its own servers, never the seeded `bench` instance's (a copied Settings keeps
the URLs derived for the first instance)."""

from __future__ import annotations

import pytest

from bench.common import bench_settings
from bench.media_bench import media_bench_settings


def test_the_media_benchmark_reaches_only_its_own_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GRAPHGRAM_BENCH_MEDIA_STACK_NAME", "GRAPHGRAM_BENCH_MEDIA_PORT_OFFSET"):
        monkeypatch.delenv(name, raising=False)
    bench, media = bench_settings(), media_bench_settings()
    assert media.stack_name != bench.stack_name
    assert media.instance_dir != bench.instance_dir
    for each in (bench, media):
        assert each.neo4j_uri.endswith(f":{each.neo4j_bolt_port}")
        assert each.s3_endpoint.endswith(f":{each.s3_port}")
    assert media.neo4j_uri != bench.neo4j_uri
    assert media.s3_endpoint != bench.s3_endpoint
    assert media.redis_url != bench.redis_url

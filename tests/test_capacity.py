"""The capacity estimator: arithmetic checked by hand, unit formatting, CLI, live calibration."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from minio import Minio
from neo4j import Driver
from typer.testing import CliRunner

from capacity import units
from capacity.model import Profile, Row, estimate
from cli.main import app as cli
from graphgram.settings import Settings

# 86,400 DAU makes "per day" equal "per second": one post each per day is 1 write/s.
HAND = Profile(
    dau=86_400,
    posts_per_user=1,
    likes_per_user=0,
    comments_per_user=0,
    follows_per_user=0,
    feed_reads_per_user=1,
    profile_views_per_user=0,
    video_share=0.5,
    avg_photo_mb=2,
    avg_video_mb=10,
    photo_variants_mb=0.5,
    video_served_mb=4,
    posts_per_feed_page=10,
    peak_factor=2,
    replicas=2,
    cache_hit_share=0.75,
    api_rps_per_process=1,
    neo4j_reads_per_s_per_member=1,
    cypher_reads_per_request=1,
    edge_node_gbit_s=0.001,
    retention_years=1,
)


def by_name(rows: list[Row]) -> dict[str, float]:
    return {row.name: row.value for row in rows}


def test_requests_per_second_by_hand() -> None:
    got = by_name(estimate(HAND))
    assert got["write/s avg: post uploads (POST /media + /posts)"] == pytest.approx(1)
    assert got["write/s peak: post uploads (POST /media + /posts)"] == pytest.approx(2)
    assert got["read/s avg: feed reads (GET /feed)"] == pytest.approx(1)
    # (86,400 uploads + 86,400 feed reads) / 86,400 × 2
    assert got["API requests/s at peak (all classes)"] == pytest.approx(4)
    assert got["media GETs/s avg at the edge"] == pytest.approx(10)


def test_bandwidth_by_hand() -> None:
    got = by_name(estimate(HAND))
    # 86,400 × 1 post × (0.5 × 2 MB + 0.5 × 10 MB) = 518.4 GB/day → × 8 / 86,400 = 48 Mbit/s
    assert got["ingress avg (uploads)"] == pytest.approx(48e6)
    assert got["ingress peak"] == pytest.approx(96e6)
    # 864,000 media views × (0.5 × 0.5 MB + 0.5 × 4 MB = 2.25 MB) × 8 / 86,400 = 180 Mbit/s
    assert got["egress avg from the CDN edge"] == pytest.approx(180e6)
    assert got["egress peak from the CDN edge"] == pytest.approx(360e6)
    assert got["egress peak from the origin (cache misses)"] == pytest.approx(90e6)


def test_storage_and_machines_by_hand() -> None:
    got = by_name(estimate(HAND))
    # 86,400 × 0.5 × 10 MB × 2 replicas = 864 GB
    assert got["media originals per day (videos; pictures keep only variants)"] == pytest.approx(
        864e9
    )
    # 86,400 × 0.5 × 0.5 MB × 2 = 43.2 GB
    assert got["media variants per day"] == pytest.approx(43.2e9)
    # nodes 172,800 × 15 + relationships 345,600 × 34 + properties 1,814,400 × 41, × 2 replicas
    assert got["graph store growth per day"] == pytest.approx(177_465_600)
    assert got["all storage per year"] == pytest.approx((864e9 + 43.2e9 + 177_465_600) * 365)
    # (432 GB + 21.6 GB) × 0.25
    assert got["edge: hot media (20% of a day's new media)"] == pytest.approx(113.4e9)
    assert got["API processes at peak"] == 4  # ⌈4 / 1⌉
    assert got["Neo4j read members at peak"] == 2  # ⌈1 read/s × 2 × 1 statement / 1⌉
    assert got["edge nodes at peak"] == 360  # ⌈360 Mbit/s / 1 Mbit/s⌉


def test_read_write_ratio_overrides_per_user_reads() -> None:
    profile = Profile(**{**HAND.__dict__, "read_write_ratio": 3.0, "measured": set()})
    got = by_name(estimate(profile))
    assert got["read/s avg: reads (read_write_ratio × writes)"] == pytest.approx(3)


@pytest.mark.parametrize(
    ("value", "count", "size", "rate"),
    [
        (0, "0", "0 B", "0 bit/s"),
        (999, "999", "999 B", "999 bit/s"),
        (1_000, "1.0K", "1.0 KB", "1.0 Kbit/s"),
        (999_949, "999.9K", "999.9 KB", "999.9 Kbit/s"),
        (999_950, "1.0M", "1.0 MB", "1.0 Mbit/s"),
        (2_500_000_000, "2.5B", "2.5 GB", "2.5 Gbit/s"),
        (1.5e12, "1.5T", "1.5 TB", "1.5 Tbit/s"),
        (2e15, "2000.0T", "2.0 PB", "2000.0 Tbit/s"),
    ],
)
def test_unit_boundaries(value: float, count: str, size: str, rate: str) -> None:
    assert units.count(value) == count
    assert units.size(value) == size
    assert units.rate(value) == rate


def test_cli_flags_json_and_markdown(tmp_path: Path) -> None:
    runner = CliRunner()
    args = [
        "estimate",
        "--dau",
        "86400",
        "--posts-per-user",
        "1",
        "--avg-photo-mb",
        "2",
        "--avg-video-mb",
        "10",
        "--video-share",
        "0.5",
        "--read-write-ratio",
        "3",
        "--peak-factor",
        "2",
        "--replicas",
        "2",
        "--retention-years",
        "1",
        # No result files: every rate is the profile's (the repository's bench/results would
        # make the rows they measure "measured").
        "--results",
        str(tmp_path),
    ]
    out = runner.invoke(cli, [*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["profile"]["dau"] == 86_400
    assert {row["source"] for row in body["rows"]} == {"assumed"}
    md = runner.invoke(cli, [*args, "--format", "markdown"])
    assert md.stdout.startswith("| section | estimate | value | formula | inputs |")
    profile = tmp_path / "p.yaml"
    profile.write_text("dau: 1000\nnot_a_field: 1\n")
    bad = runner.invoke(cli, ["estimate", "--profile", str(profile)])
    assert bad.exit_code != 0
    bench = tmp_path / "api.json"
    bench.write_text(json.dumps({"rps_per_process": {"/health": 900.0, "/feed": 120.0}}))
    measured = runner.invoke(cli, ["estimate", "--from-bench", str(bench), "--format", "json"])
    rows = {r["name"]: r for r in json.loads(measured.stdout)["rows"]}
    assert rows["API processes at peak"]["source"] == "measured"


def test_from_graph_reads_the_live_graph_and_store(
    neo4j_driver: Driver, s3: Minio, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    neo4j_driver.execute_query(
        """
        CREATE (a:User {id: 'a', username: 'a'}), (b:User {id: 'b', username: 'b'}),
               (a)-[:FOLLOWS]->(b), (b)-[:FOLLOWS]->(a),
               (a)-[:POSTED]->(:Post {id: 'p1', created_at: datetime('2026-01-01T00:00:00Z')}),
               (a)-[:POSTED]->(p2:Post {id: 'p2', created_at: datetime('2026-01-02T00:00:00Z')}),
               (b)-[:POSTED]->(:Post {id: 'p3', created_at: datetime('2026-01-02T12:00:00Z')}),
               (b)-[:POSTED]->(:Post {id: 'p4', created_at: datetime('2026-01-03T00:00:00Z')}),
               (a)-[:LIKES]->(p2), (b)-[:LIKES]->(p2)
        """,
        database_=settings.neo4j_database,
    )
    for key, n in (("img/a.webp", 1_000), ("thumb/a.webp", 200), ("vid/b.mp4", 5_000)):
        s3.put_object(settings.media_bucket, key, io.BytesIO(b"x" * n), n)
    for key, value in {
        "GRAPHGRAM_NEO4J_URI": settings.neo4j_uri,
        "GRAPHGRAM_S3_ENDPOINT": settings.s3_endpoint,
    }.items():
        monkeypatch.setenv(key, value)
    out = CliRunner().invoke(cli, ["estimate", "--from-graph", "--format", "json"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    # 4 posts by 2 users over 2 days; 2 likes; 2 follows; one picture (1,000 + 200 B); one video
    assert body["profile"]["posts_per_user"] == pytest.approx(1.0)
    assert body["profile"]["likes_per_user"] == pytest.approx(0.5)
    assert body["profile"]["avg_following"] == pytest.approx(1.0)
    assert body["profile"]["photo_variants_mb"] == pytest.approx(0.0012)
    assert body["profile"]["avg_video_mb"] == pytest.approx(0.005)
    assert body["calibration"]["follower_degrees"]["max"] == 1
    assert "posts_per_user" in body["measured"]
    rows = {r["name"]: r for r in body["rows"]}
    assert rows["media variants per day"]["source"] == "measured"

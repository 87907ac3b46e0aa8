"""`graphgram estimate`'s scaling plan (capacity/plan.py): per-unit rates read from benchmark
result files, each with its source, and the arithmetic of the plan on a small fixture."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from capacity.model import Profile
from capacity.plan import measured_rates, plan
from cli.main import app


def results(tmp_path: Path) -> Path:
    (tmp_path / "feed.json").write_text(
        json.dumps(
            {
                "api_workers": 2,
                "viewers": {
                    "typical": {"routes": {"GET /feed (timeline)": {"rps_c16": 1000.0}}},
                    "heavy": {"routes": {"GET /feed (timeline)": {"rps_c16": 800.0}}},
                },
                "fanout_lag": {
                    "100": {"followers": 100, "every_follower_p50_ms": 10.0},
                    "10000": {"followers": 10_000, "every_follower_p50_ms": 100.0},
                },
            }
        )
    )
    (tmp_path / "reads.json").write_text(
        json.dumps(
            {
                "provenance": {"machine": {"cores": 2}},
                "routes": {
                    "typical": {
                        "GET /health": {"rps_c16": 5000.0},
                        "GET /users/carol": {"rps_c16": 100.0},
                        "GET /users/carol/followers": {"rps_c16": 300.0},
                    }
                },
            }
        )
    )
    return tmp_path


def test_rates_come_from_the_result_files_and_the_rest_is_assumed(tmp_path: Path) -> None:
    rates = measured_rates(results(tmp_path), Profile())
    feed, reads = str(tmp_path / "feed.json"), str(tmp_path / "reads.json")
    assert rates["feed_rps_per_core"].value == 400  # the slowest viewer, 2 workers
    assert rates["feed_rps_per_core"].source == feed
    assert rates["fanout_writes_per_s_per_master"].value == 100_000  # 10,000 in 0.1 s
    assert rates["fanout_writes_per_s_per_master"].source == feed
    assert rates["read_rps_per_core"].value == 75  # harmonic mean 150, 2 cores; /health left out
    assert rates["neo4j_reads_per_s_per_member"].value == 150
    assert rates["read_rps_per_core"].source == reads
    assert rates["timeline_bytes_per_user"].source == "assumed"
    assert rates["timeline_bytes_per_user"].value == 8000  # feed_cache_kb_per_dau
    empty = tmp_path / "none"
    empty.mkdir()
    assert {r.source for r in measured_rates(empty, Profile()).values()} == {"assumed"}


def test_the_feed_rate_is_priced_with_a_post_in_fan_out(tmp_path: Path) -> None:
    """With `inflight.json` (bench/inflight.py) beside `feed.json`, the feed's rate per core is
    the empty-set rate times the slowest viewer's in-flight factor, and says both files."""
    (results(tmp_path) / "inflight.json").write_text(
        json.dumps(
            {
                "viewers": {
                    "typical": {"rps_c16_in_flight_vs_empty": 0.8},
                    "heavy": {"rps_c16_in_flight_vs_empty": 0.5},
                }
            }
        )
    )
    rate = measured_rates(tmp_path, Profile())["feed_rps_per_core"]
    assert rate.value == 200  # 400 × 0.5
    assert rate.source == f"{tmp_path / 'feed.json'} × {tmp_path / 'inflight.json'}"


def test_the_plan_arithmetic(tmp_path: Path) -> None:
    profile = Profile(dau=864_000, peak_factor=1)
    needs = {n.name: n.value for n in plan(profile, measured_rates(results(tmp_path), profile))}
    assert needs["feed requests/s at peak"] == 100  # 864,000 × 10 / 86,400
    assert needs["other reads/s at peak"] == 50
    assert round(needs["writes/s at peak"], 6) == 127  # (0.2 + 10 + 2 + 0.5) × 10
    assert round(needs["fan-out timeline writes/s at peak"], 6) == 400  # 2 posts/s × 200
    assert needs["Redis timeline memory"] == 864_000 * 8000
    assert needs["API cores"] == 3  # 100/400 + 177/75 = 2.61
    assert needs["Redis masters (each with a replica)"] == 1
    assert needs["Neo4j members serving reads"] == 3  # the assumed least
    bigger = Profile(dau=864_000_000, peak_factor=1)
    needs = {n.name: n.value for n in plan(bigger, measured_rates(tmp_path, bigger))}
    assert needs["API cores"] == 2610  # 100,000/400 + 177,000/75
    assert needs["Redis masters (each with a replica)"] == 277  # 6.912 TB ÷ 25 GB
    assert needs["Neo4j members serving reads"] == 334  # 50,000 ÷ 150


def test_estimate_prints_the_plan_with_its_sources(tmp_path: Path) -> None:
    found = CliRunner().invoke(
        app,
        ["estimate", "--dau", "864000", "--results", str(results(tmp_path)), "--format", "json"],
    )
    assert found.exit_code == 0, found.output
    out = json.loads(found.stdout)
    rates = out["plan"]["rates"]
    assert rates["feed_rps_per_core"]["source"] == str(tmp_path / "feed.json")
    assert rates["timeline_bytes_per_user"]["source"] == "assumed"
    assert {n["name"] for n in out["plan"]["needs"]} >= {
        "API cores",
        "Redis masters (each with a replica)",
        "Neo4j members serving reads",
    }


def test_redis_bytes_per_active_user_come_from_the_memory_benchmark(tmp_path: Path) -> None:
    found = results(tmp_path)
    (found / "redis-memory.json").write_text(
        json.dumps({"active_users": 1000, "bytes_per_active_user": 52_000.0, "families": {}})
    )
    rates = measured_rates(found, Profile())
    assert rates["timeline_bytes_per_user"].value == 52_000
    assert rates["timeline_bytes_per_user"].source == str(found / "redis-memory.json")
    profile = Profile(dau=864_000, peak_factor=1)
    needs = {n.name: n.value for n in plan(profile, measured_rates(found, profile))}
    assert needs["Redis timeline memory"] == 864_000 * 52_000
    # A file without the figure (an older format) leaves the rate assumed.
    (found / "redis-memory.json").write_text(json.dumps({"timeline_bytes_per_user": 1.0}))
    assert measured_rates(found, Profile())["timeline_bytes_per_user"].source == "assumed"


def test_estimate_marks_the_redis_memory_measured_in_the_model_and_the_plan(
    tmp_path: Path,
) -> None:
    found = results(tmp_path)
    (found / "redis-memory.json").write_text(json.dumps({"bytes_per_active_user": 52_000.0}))
    ran = CliRunner().invoke(
        app, ["estimate", "--dau", "1000000", "--results", str(found), "--format", "json"]
    )
    assert ran.exit_code == 0, ran.output
    out = json.loads(ran.stdout)
    memory = out["plan"]["rates"]["timeline_bytes_per_user"]
    assert memory["source"] == str(found / "redis-memory.json")
    assert memory["value"] == 52_000
    assert "feed_cache_kb_per_dau" in out["measured"]
    row = next(r for r in out["rows"] if r["name"] == "Redis: hot feeds")
    assert row["source"] == "measured"
    assert row["value"] == 1_000_000 * 52_000


def test_redis_memory_counts_each_key_family_for_the_users_active_within_its_ttl(
    tmp_path: Path,
) -> None:
    found = results(tmp_path)
    families = {
        # an hour-lived cache: resident for the peak hour's users only
        "explore:{u:*}": {"bytes_per_user": 24_000.0, "ttl_s_median": 3540},
        # a day-lived fragment: for the day's users
        "tl:{p:*}:pv": {"bytes_per_user": 10_000.0, "ttl_s_median": 86_334},
        # a timeline that lives 30 days: for the month's users
        "tl:{u:*}:home": {"bytes_per_user": 6_000.0, "ttl_s_median": 2_591_938},
    }
    # 40,000 counted by family, 40,000 × 1.1 measured in all (Redis's per-key overhead).
    (found / "redis-memory.json").write_text(
        json.dumps({"bytes_per_active_user": 44_000.0, "families": families})
    )
    profile = Profile(dau=1_000_000, peak_factor=3, mau_per_dau=1.5)
    rate = measured_rates(found, profile)["timeline_bytes_per_user"]
    # (24,000 × 3/24 + 10,000 × 1 + 6,000 × 1.5) × 1.1 = (3,000 + 10,000 + 9,000) × 1.1
    assert round(rate.value, 6) == 24_200
    assert rate.source == str(found / "redis-memory.json")
    needs = {n.name: n.value for n in plan(profile, measured_rates(found, profile))}
    assert round(needs["Redis timeline memory"]) == 24_200 * 1_000_000
    # Every key living a month would count them all for the month's users.
    for family in families.values():
        family["ttl_s_median"] = 2_591_938
    (found / "redis-memory.json").write_text(
        json.dumps({"bytes_per_active_user": 44_000.0, "families": families})
    )
    assert (
        round(measured_rates(found, profile)["timeline_bytes_per_user"].value) == 66_000
    )  # 40,000 × 1.5 × 1.1

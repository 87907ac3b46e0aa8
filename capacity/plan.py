"""The scaling plan of docs/scaling.md, priced from measured per-unit rates.

`graphgram estimate --dau N` prints, beside the capacity model, how many API cores, Redis
masters and Neo4j members N daily active users need at peak. The per-unit rates come from the
benchmark result files under `bench/results/` (each printed with the file it was read from); a
rate no file holds is the profile's assumed figure, printed as `assumed`:

- feed requests/s per API core: `feed.json`, the timeline's requests/s at concurrency 16 for its
  slowest viewer, divided by the API's worker processes (one per core); measured with no post in
  fan-out, so times `inflight.json`'s factor when that file is there (`python -m bench.inflight`:
  the page's requests/s with a stranger's post in fan-out ÷ without, its slowest viewer), as
  nearly every newest page meets such a post at scale;
- read requests/s per API core: `reads.json`, the harmonic mean of every route's requests/s at
  concurrency 16 over every viewer (an even mix of those reads), divided by the machine's cores;
- fan-out timeline writes/s per Redis master: `feed.json`'s fan-out lag, the most-followed
  author's followers over the median time until every follower had the post (one Redis server);
- Redis bytes per daily user: `redis-memory.json` (`python -m bench.redis_memory`): Redis's
  `used_memory` growth (less its client connections' buffers) while the benchmark's active users
  visit, ÷ their number (`bytes_per_active_user`: timelines, caches, sessions, counters, every key
  family). A key lives as long as its TTL, so each family's bytes are counted for the users
  active within that TTL (`resident_bytes_per_dau`): families that live up to two hours (Explore,
  suggestions, sessions) for the users active in the peak hour (DAU × peak_factor / 24), those up
  to two days (post views) for the DAU, longer ones (home timelines, 30 days) for the monthly
  users (DAU × mau_per_dau, assumed). Without the file, the profile's `feed_cache_kb_per_dau`
  (assumed);
- Neo4j reads/s per member: `reads.json`, the same harmonic mean for the whole machine: every one
  of those reads runs its Cypher statements on the one Neo4j server, which shares the machine with
  the API processes, so this is a lower bound of what a member serves.
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from capacity.model import DAY_S, Profile
from graphgram.settings import PROJECT_ROOT

TIMELINE = "GET /feed (timeline)"
HEALTH = "GET /health"
# Assumed: the memory one Redis master is given (a 32 GiB machine, room for forks and buffers).
REDIS_MASTER_BYTES = 25e9
# Assumed: Neo4j members serving reads, at the least (an Enterprise cluster's 3 primaries).
NEO4J_MIN_MEMBERS = 3


@dataclass(frozen=True)
class Rate:
    name: str
    value: float
    unit: str
    source: str  # the result file it was read from, or "assumed"


@dataclass(frozen=True)
class Need:
    name: str
    value: float
    formula: str
    kind: Literal["count", "rate", "bytes"] = "count"


def _shown(path: Path) -> str:
    """A result file as printed: relative to the project when it is inside it."""
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _load(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return data if isinstance(data, dict) else None


HOUR_S = 3600
# A family whose keys live up to this long is resident for the users active in the peak hour,
# up to DAY_LIVED_S for the day's users, longer for the month's.
HOUR_LIVED_S = 2 * HOUR_S
DAY_LIVED_S = 2 * DAY_S


def resident_bytes_per_dau(memory: dict[str, Any], profile: Profile) -> float:
    """Redis bytes resident per daily active user, from `redis-memory.json`: each key family's
    bytes per active user weighted by how many users are active within its keys' TTL (see the
    module doc). The families' sum is scaled to `bytes_per_active_user` (which also holds Redis's
    per-key overhead); a file without families counts every byte once per daily user."""
    total = float(memory["bytes_per_active_user"])
    families = [f for f in (memory.get("families") or {}).values() if f.get("bytes_per_user")]
    counted = sum(float(f["bytes_per_user"]) for f in families)
    if not counted:
        return total
    weighted = 0.0
    for family in families:
        ttl = float(family.get("ttl_s_median") or 0)
        if 0 < ttl <= HOUR_LIVED_S:
            users = profile.peak_factor / 24
        elif 0 < ttl <= DAY_LIVED_S:
            users = 1.0
        else:  # no TTL, or one longer than two days
            users = profile.mau_per_dau
        weighted += float(family["bytes_per_user"]) * users
    return weighted * total / counted


def measured_rates(results: Path, profile: Profile) -> dict[str, Rate]:
    """The per-unit rates of the plan, from the result files in `results`."""
    rates: dict[str, Rate] = {}
    feed_file = results / "feed.json"
    feed = _load(feed_file)
    if feed is not None:
        workers = float(feed.get("api_workers") or 1)
        viewers = feed["viewers"].values()
        feed_rate = min(v["routes"][TIMELINE]["rps_c16"] for v in viewers) / workers
        source = _shown(feed_file)
        inflight_file = results / "inflight.json"
        inflight = _load(inflight_file)
        if inflight is not None:
            feed_rate *= min(
                float(v["rps_c16_in_flight_vs_empty"]) for v in inflight["viewers"].values()
            )
            source = f"{source} × {_shown(inflight_file)}"
        rates["feed_rps_per_core"] = Rate(
            "feed requests/s per API core (a post in fan-out on the page)"
            if inflight is not None
            else "feed requests/s per API core",
            feed_rate,
            "req/s",
            source,
        )
        lag = feed.get("fanout_lag") or {}
        if lag:
            widest = max(lag.values(), key=lambda item: item["followers"])
            rates["fanout_writes_per_s_per_master"] = Rate(
                "fan-out timeline writes/s per Redis master",
                widest["followers"] / (widest["every_follower_p50_ms"] / 1000),
                "writes/s",
                _shown(feed_file),
            )
    reads_file = results / "reads.json"
    reads = _load(reads_file)
    if reads is not None:
        cores = float(reads.get("provenance", {}).get("machine", {}).get("cores") or 1)
        per_route = [
            figures["rps_c16"]
            for routes in reads["routes"].values()
            for name, figures in routes.items()
            if name != HEALTH
        ]
        mix = statistics.harmonic_mean(per_route)
        rates["read_rps_per_core"] = Rate(
            "read requests/s per API core", mix / cores, "req/s", _shown(reads_file)
        )
        rates["neo4j_reads_per_s_per_member"] = Rate(
            "Neo4j reads/s per member (API reads, a lower bound)",
            mix,
            "reads/s",
            _shown(reads_file),
        )
    memory_file = results / "redis-memory.json"
    memory = _load(memory_file)
    if memory is not None and "bytes_per_active_user" in memory:
        rates["timeline_bytes_per_user"] = Rate(
            "Redis bytes resident per daily user (by key TTL)",
            resident_bytes_per_dau(memory, profile),
            "bytes",
            _shown(memory_file),
        )
    assumed = {
        "feed_rps_per_core": ("feed requests/s per API core", profile.api_rps_per_process, "req/s"),
        "read_rps_per_core": ("read requests/s per API core", profile.api_rps_per_process, "req/s"),
        "fanout_writes_per_s_per_master": (
            "fan-out timeline writes/s per Redis master",
            50_000.0,
            "writes/s",
        ),
        "timeline_bytes_per_user": (
            "Redis bytes resident per daily user",
            profile.feed_cache_kb_per_dau * 1000,
            "bytes",
        ),
        "neo4j_reads_per_s_per_member": (
            "Neo4j reads/s per member",
            profile.neo4j_reads_per_s_per_member,
            "reads/s",
        ),
    }
    for key, (name, value, unit) in assumed.items():
        rates.setdefault(key, Rate(name, value, unit, "assumed"))
    return rates


def plan(profile: Profile, rates: dict[str, Rate]) -> list[Need]:
    """What `profile.dau` daily active users need at peak, from `rates`."""
    peak = profile.peak_factor / DAY_S
    feed = profile.dau * profile.feed_reads_per_user * peak
    reads = profile.dau * profile.profile_views_per_user * peak
    writes = (
        profile.dau
        * (
            profile.posts_per_user
            + profile.likes_per_user
            + profile.comments_per_user
            + profile.follows_per_user
        )
        * peak
    )
    fanout = profile.dau * profile.posts_per_user * profile.avg_following * peak
    memory = profile.dau * rates["timeline_bytes_per_user"].value
    feed_rate = rates["feed_rps_per_core"].value
    read_rate = rates["read_rps_per_core"].value
    cores = math.ceil(feed / feed_rate + (reads + writes) / read_rate)
    masters = max(
        1,
        math.ceil(fanout / rates["fanout_writes_per_s_per_master"].value),
        math.ceil(memory / REDIS_MASTER_BYTES),
    )
    members = max(NEO4J_MIN_MEMBERS, math.ceil(reads / rates["neo4j_reads_per_s_per_member"].value))
    return [
        Need("feed requests/s at peak", feed, "DAU × feed pages per user × peak / 86,400", "rate"),
        Need(
            "other reads/s at peak",
            reads,
            "DAU × profile views per user × peak / 86,400",
            "rate",
        ),
        Need(
            "writes/s at peak",
            writes,
            "DAU × (posts+likes+comments+follows) × peak / 86,400",
            "rate",
        ),
        Need(
            "fan-out timeline writes/s at peak",
            fanout,
            "posts/s at peak × average followers",
            "rate",
        ),
        Need("Redis timeline memory", memory, "DAU × Redis bytes per daily user", "bytes"),
        Need("API cores", cores, "feed/s ÷ feed rate + (reads/s + writes/s) ÷ read rate"),
        Need(
            "Redis masters (each with a replica)",
            masters,
            "max(fan-out ÷ writes per master, memory ÷ 25 GB per master (assumed))",
        ),
        Need(
            "Neo4j members serving reads",
            members,
            "max(3 (assumed), reads/s ÷ reads per member)",
        ),
    ]

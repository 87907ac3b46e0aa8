"""Back-of-the-envelope capacity for Graphgram, as plain arithmetic on a load profile.

Every figure is a formula over the profile; `estimate` returns rows that carry the value, its
unit kind, the formula, and whether its inputs were assumed or measured (by `--from-graph` or
`--from-bench`). Units are decimal (see capacity.units).

Conventions: a day is 86,400 s; a year 365 days; peak = average × peak_factor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, Literal

DAY_S = 86_400
MB = 1e6

# Neo4j 5 record-format store sizes (bytes per record); block format differs.
NODE_RECORD = 15
RELATIONSHIP_RECORD = 34
PROPERTY_RECORD = 41

Kind = Literal["count", "rate", "bytes", "bits", "ratio"]


@dataclass
class Profile:
    """The drivers of load. Field names are the CLI flags (underscores as dashes)."""

    dau: float = 1_000_000
    posts_per_user: float = 0.2  # posts per DAU per day
    video_share: float = 0.2  # share of posts that are videos
    avg_photo_mb: float = 3.0  # uploaded picture, original
    avg_video_mb: float = 20.0  # uploaded video, original (kept)
    photo_variants_mb: float = 0.35  # display + thumbnail WebP we store per picture
    video_served_mb: float = 5.0  # bytes of a video actually watched per view
    feed_reads_per_user: float = 10  # feed pages per DAU per day
    posts_per_feed_page: float = 20
    profile_views_per_user: float = 5
    likes_per_user: float = 10
    comments_per_user: float = 2
    follows_per_user: float = 0.5  # new follows per DAU per day
    avg_following: float = 200  # accounts a user follows (graph size)
    registered_per_dau: float = 2.0  # registered accounts per daily active user
    mau_per_dau: float = 1.6  # accounts active within 30 days per daily active user
    read_write_ratio: float | None = (
        None  # if set, reads = writes × ratio (overrides per-user reads)
    )
    peak_factor: float = 3.0
    cache_hit_share: float = 0.8  # the 80/20 rule: 20% of objects serve 80% of reads
    replicas: float = 3  # copies of every stored byte (object-store replicas/EC and Neo4j members)
    retention_years: float = 5
    api_rps_per_process: float = 500  # requests/s one API process sustains
    neo4j_reads_per_s_per_member: float = 5_000  # graph reads/s one Neo4j member sustains
    cypher_reads_per_request: float = 2  # Cypher statements per API read request
    edge_node_gbit_s: float = 10  # egress one edge node can serve
    feed_cache_kb_per_dau: float = 8  # hot feed ids cached in Redis per DAU
    measured: set[str] = field(default_factory=set)  # which fields came from measurements

    def source(self, *names: str) -> Literal["assumed", "measured"]:
        return "measured" if any(n in self.measured for n in names) else "assumed"

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.name != "measured"]


@dataclass(frozen=True)
class Row:
    section: str
    name: str
    value: float
    kind: Kind
    formula: str
    source: Literal["assumed", "measured"]


def estimate(p: Profile) -> list[Row]:
    rows: list[Row] = []

    def add(section: str, name: str, value: float, kind: Kind, formula: str, *inputs: str) -> float:
        rows.append(Row(section, name, value, kind, formula, p.source(*inputs)))
        return value

    # --- requests per second, per endpoint class --------------------------------------------
    writes_per_day = {
        "post uploads (POST /media + /posts)": p.dau * p.posts_per_user,
        "likes and comments": p.dau * (p.likes_per_user + p.comments_per_user),
        "follows": p.dau * p.follows_per_user,
    }
    total_writes = sum(writes_per_day.values())
    if p.read_write_ratio is not None:
        reads_per_day = {"reads (read_write_ratio × writes)": total_writes * p.read_write_ratio}
    else:
        reads_per_day = {
            "feed reads (GET /feed)": p.dau * p.feed_reads_per_user,
            "profile views (GET /users/…)": p.dau * p.profile_views_per_user,
        }
    for name, per_day in writes_per_day.items():
        avg = add(
            "requests",
            f"write/s avg: {name}",
            per_day / DAY_S,
            "rate",
            "DAU × per-user-per-day / 86,400",
            "dau",
            "posts_per_user",
            "likes_per_user",
        )
        add(
            "requests",
            f"write/s peak: {name}",
            avg * p.peak_factor,
            "rate",
            "avg × peak_factor",
            "dau",
            "posts_per_user",
        )
    for name, per_day in reads_per_day.items():
        avg = add(
            "requests",
            f"read/s avg: {name}",
            per_day / DAY_S,
            "rate",
            "DAU × per-user-per-day / 86,400",
            "dau",
            "feed_reads_per_user",
        )
        add(
            "requests",
            f"read/s peak: {name}",
            avg * p.peak_factor,
            "rate",
            "avg × peak_factor",
            "dau",
            "feed_reads_per_user",
        )
    api_per_day = total_writes + sum(reads_per_day.values())
    api_peak = add(
        "requests",
        "API requests/s at peak (all classes)",
        api_per_day / DAY_S * p.peak_factor,
        "rate",
        "(writes + reads per day) / 86,400 × peak_factor",
        "dau",
    )
    media_views_per_day = sum(reads_per_day.values()) * p.posts_per_feed_page
    add(
        "requests",
        "media GETs/s avg at the edge",
        media_views_per_day / DAY_S,
        "rate",
        "reads/day × posts_per_feed_page / 86,400",
        "dau",
        "feed_reads_per_user",
    )

    # --- bandwidth -----------------------------------------------------------------------------
    upload_bytes_day = (
        p.dau
        * p.posts_per_user
        * MB
        * ((1 - p.video_share) * p.avg_photo_mb + p.video_share * p.avg_video_mb)
    )
    ingress = add(
        "bandwidth",
        "ingress avg (uploads)",
        upload_bytes_day * 8 / DAY_S,
        "bits",
        "DAU × posts × ((1−video_share) × photo + video_share × video) × 8 / 86,400",
        "dau",
        "posts_per_user",
        "avg_photo_mb",
        "avg_video_mb",
        "video_share",
    )
    add("bandwidth", "ingress peak", ingress * p.peak_factor, "bits", "avg × peak_factor", "dau")
    served_mb = (1 - p.video_share) * p.photo_variants_mb + p.video_share * p.video_served_mb
    edge_bytes_day = media_views_per_day * served_mb * MB
    edge = add(
        "bandwidth",
        "egress avg from the CDN edge",
        edge_bytes_day * 8 / DAY_S,
        "bits",
        "media views/day × ((1−video_share) × variants + video_share × watched) × 8 / 86,400",
        "dau",
        "photo_variants_mb",
        "video_share",
    )
    edge_peak = add(
        "bandwidth",
        "egress peak from the CDN edge",
        edge * p.peak_factor,
        "bits",
        "avg × peak_factor",
        "dau",
    )
    add(
        "bandwidth",
        "egress peak from the origin (cache misses)",
        edge_peak * (1 - p.cache_hit_share),
        "bits",
        "edge peak × (1 − cache_hit_share)",
        "cache_hit_share",
    )

    # --- storage -------------------------------------------------------------------------------
    originals_day = p.dau * p.posts_per_user * p.video_share * p.avg_video_mb * MB
    variants_day = p.dau * p.posts_per_user * (1 - p.video_share) * p.photo_variants_mb * MB
    add(
        "storage",
        "media originals per day (videos; pictures keep only variants)",
        originals_day * p.replicas,
        "bytes",
        "DAU × posts × video_share × video_mb × replicas",
        "dau",
        "avg_video_mb",
        "replicas",
    )
    add(
        "storage",
        "media variants per day",
        variants_day * p.replicas,
        "bytes",
        "DAU × posts × (1−video_share) × variants_mb × replicas",
        "dau",
        "photo_variants_mb",
    )
    # graph growth per day: nodes (posts, comments), relationships, properties
    posts_day = p.dau * p.posts_per_user
    comments_day = p.dau * p.comments_per_user
    nodes_day = posts_day * 2 + comments_day  # a post and (on average) one Media node
    rels_day = (
        posts_day * 4  # POSTED, HAS_MEDIA, OWNS, ~1 TAGGED
        + p.dau * p.likes_per_user
        + comments_day * 2
        + p.dau * p.follows_per_user
    )
    props_day = posts_day * 3 + posts_day * 10 + comments_day * 3 + rels_day * 2
    graph_day = (
        nodes_day * NODE_RECORD + rels_day * RELATIONSHIP_RECORD + props_day * PROPERTY_RECORD
    )
    add(
        "storage",
        "graph store growth per day",
        graph_day * p.replicas,
        "bytes",
        "(nodes × 15 + relationships × 34 + properties × 41 bytes) × replicas",
        "dau",
        "replicas",
    )
    total_day = (originals_day + variants_day + graph_day) * p.replicas
    add("storage", "all storage per day", total_day, "bytes", "originals + variants + graph", "dau")
    add("storage", "all storage per year", total_day * 365, "bytes", "per day × 365", "dau")
    users = p.dau * p.registered_per_dau
    base_graph = (
        users * NODE_RECORD
        + users * p.avg_following * RELATIONSHIP_RECORD
        + users * 8 * PROPERTY_RECORD
        + users * p.avg_following * 2 * PROPERTY_RECORD
    )
    add(
        "storage",
        "social graph today (users and follows)",
        base_graph * p.replicas,
        "bytes",
        "(users × (15 + 8 × 41) + users × following × (34 + 2 × 41)) × replicas",
        "dau",
        "avg_following",
    )
    add(
        "storage",
        f"all storage over retention ({p.retention_years:g} years)",
        total_day * 365 * p.retention_years + base_graph * p.replicas,
        "bytes",
        "per year × retention_years + social graph",
        "dau",
        "retention_years",
    )

    # --- cache memory --------------------------------------------------------------------------
    add(
        "cache",
        "Redis: hot feeds",
        p.dau * p.feed_cache_kb_per_dau * 1e3,
        "bytes",
        "DAU × feed_cache_kb",
        "dau",
        "feed_cache_kb_per_dau",
    )
    add(
        "cache",
        "edge: hot media (20% of a day's new media)",
        (originals_day + variants_day) * (1 - p.cache_hit_share),
        "bytes",
        "(originals + variants per day, one copy) × (1 − cache_hit_share)",
        "dau",
        "cache_hit_share",
    )

    # --- machines at peak ----------------------------------------------------------------------
    add(
        "machines",
        "API processes at peak",
        math.ceil(api_peak / p.api_rps_per_process),
        "count",
        "⌈API peak / api_rps_per_process⌉",
        "api_rps_per_process",
        "dau",
    )
    graph_reads_peak = (
        sum(reads_per_day.values()) / DAY_S * p.peak_factor * p.cypher_reads_per_request
    )
    add(
        "machines",
        "Neo4j read members at peak",
        max(1, math.ceil(graph_reads_peak / p.neo4j_reads_per_s_per_member)),
        "count",
        "⌈read peak × cypher_reads_per_request / neo4j_reads_per_s_per_member⌉",
        "neo4j_reads_per_s_per_member",
        "dau",
    )
    add(
        "machines",
        "edge nodes at peak",
        math.ceil(edge_peak / (p.edge_node_gbit_s * 1e9)),
        "count",
        "⌈edge egress peak / edge_node_gbit_s⌉",
        "edge_node_gbit_s",
        "dau",
    )
    return rows


def as_dict(rows: list[Row]) -> list[dict[str, Any]]:
    return [
        {
            "section": r.section,
            "name": r.name,
            "value": r.value,
            "kind": r.kind,
            "formula": r.formula,
            "source": r.source,
        }
        for r in rows
    ]

"""Calibrations: replace assumed constants with figures read from the live system."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from minio import Minio
from neo4j import Driver, RoutingControl

from capacity.model import MB, Profile
from cypher import query
from graphgram.settings import Settings

DAY_S = 86_400


def object_sizes(s3: Minio, bucket: str) -> dict[str, tuple[int, int]]:
    """(objects, bytes) per key prefix (`img`, `thumb`, `vid`, `poster`)."""
    sizes: dict[str, tuple[int, int]] = {}
    for obj in s3.list_objects(bucket, recursive=True):
        prefix = (obj.object_name or "").split("/", 1)[0]
        n, total = sizes.get(prefix, (0, 0))
        sizes[prefix] = (n + 1, total + int(obj.size or 0))
    return sizes


def graph_figures(driver: Driver, settings: Settings) -> dict[str, Any]:
    db = settings.neo4j_database
    activity, _, _ = driver.execute_query(
        query("capacity/graph_profile"), database_=db, routing_=RoutingControl.READ
    )
    degrees, _, _ = driver.execute_query(
        query("capacity/follower_degrees"), database_=db, routing_=RoutingControl.READ
    )
    return {**activity[0].data(), "degrees": degrees[0].data()}


def from_live(
    profile: Profile, figures: dict[str, Any], sizes: dict[str, tuple[int, int]]
) -> dict[str, Any]:
    """Update `profile` in place from measured figures; returns what was measured, for display."""
    users = figures["users"]
    days = max(figures["span_s"] / DAY_S, 1.0)
    measured: dict[str, Any] = {}

    def put(name: str, value: float) -> None:
        setattr(profile, name, value)
        profile.measured.add(name)
        measured[name] = value

    if users:
        put("posts_per_user", figures["posts"] / users / days)
        put("likes_per_user", figures["likes"] / users / days)
        put("comments_per_user", figures["comments"] / users / days)
        put("avg_following", figures["follows"] / users)
    if figures["media_posts"]:
        put("video_share", figures["video_posts"] / figures["media_posts"])
    images, image_bytes = sizes.get("img", (0, 0))
    _, thumb_bytes = sizes.get("thumb", (0, 0))
    if images:
        put("photo_variants_mb", (image_bytes + thumb_bytes) / images / MB)
    videos, video_bytes = sizes.get("vid", (0, 0))
    if videos:
        put("avg_video_mb", video_bytes / videos / MB)
    measured["follower_degrees"] = figures["degrees"]
    return measured


def from_bench(profile: Profile, path: Path) -> float:
    """Take requests/s per API process from `bench/results/api.json` (the heaviest route)."""
    data = json.loads(path.read_text())
    rps = data.get("rps_per_process")
    if isinstance(rps, dict):
        value = float(min(rps.values()))
    elif isinstance(rps, (int, float)):
        value = float(rps)
    else:
        raise ValueError(f"{path}: expected a 'rps_per_process' number or mapping")
    profile.api_rps_per_process = value
    profile.measured.add("api_rps_per_process")
    return value

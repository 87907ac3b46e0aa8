"""`graphgram estimate`: requests, bandwidth, storage, cache and machines for a load profile."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
import yaml
from rich.console import Console
from rich.table import Table

from capacity import units
from capacity.model import Profile, Row, as_dict, estimate
from capacity.plan import Need, Rate, measured_rates, plan
from graphgram.settings import PROJECT_ROOT

console = Console(stderr=True)


def load_profile(path: Path) -> dict[str, Any]:
    text = path.read_text()
    data = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    if not isinstance(data, dict):
        raise typer.BadParameter(f"{path}: expected a mapping of profile fields")
    unknown = sorted(set(data) - set(Profile.field_names()))
    if unknown:
        raise typer.BadParameter(f"{path}: unknown field(s) {', '.join(unknown)}")
    return data


def formatted(row: Row) -> str:
    if row.kind == "count":
        return units.count(row.value)
    if row.kind == "rate":
        return f"{units.count(row.value)}/s"
    if row.kind == "bytes":
        return units.size(row.value)
    if row.kind == "bits":
        return units.rate(row.value)
    return f"{row.value:.2f}"


def markdown(profile: Profile, rows: list[Row]) -> str:
    lines = [
        "| section | estimate | value | formula | inputs |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.section} | {r.name} | {formatted(r)} | {r.formula} | {r.source} |" for r in rows
    ]
    lines += ["", f"Units: {units.CONVERSIONS}."]
    return "\n".join(lines)


def _need(need: Need) -> str:
    if need.kind == "bytes":
        return units.size(need.value)
    if need.kind == "rate":
        return f"{units.count(need.value)}/s"
    return units.count(need.value)


def plan_markdown(rates: dict[str, Rate], needs: list[Need]) -> str:
    lines = ["| per-unit rate | value | source |", "|---|---|---|"]
    lines += [
        f"| {r.name} | {units.count(r.value)} {r.unit} | {r.source} |" for r in rates.values()
    ]
    lines += ["", "| need at peak | value | formula |", "|---|---|---|"]
    lines += [f"| {n.name} | {_need(n)} | {n.formula} |" for n in needs]
    return "\n".join(lines)


def estimate_command(
    dau: Annotated[float | None, typer.Option(help="Daily active users")] = None,
    posts_per_user: Annotated[float | None, typer.Option(help="Posts per DAU per day")] = None,
    avg_photo_mb: Annotated[float | None, typer.Option(help="Uploaded picture size (MB)")] = None,
    avg_video_mb: Annotated[float | None, typer.Option(help="Uploaded video size (MB)")] = None,
    video_share: Annotated[
        float | None, typer.Option(help="Share of posts that are videos")
    ] = None,
    read_write_ratio: Annotated[
        float | None, typer.Option(help="Reads per write (overrides per-user read rates)")
    ] = None,
    peak_factor: Annotated[float | None, typer.Option(help="Peak ÷ average traffic")] = None,
    replicas: Annotated[float | None, typer.Option(help="Copies of every stored byte")] = None,
    retention_years: Annotated[float | None, typer.Option(help="Years media are kept")] = None,
    cache_hit_share: Annotated[float | None, typer.Option(help="Share of reads from cache")] = None,
    feed_reads_per_user: Annotated[
        float | None, typer.Option(help="Feed pages per DAU per day")
    ] = None,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="Any other profile field: name=value")
    ] = None,
    profile_file: Annotated[
        Path | None, typer.Option("--profile", help="YAML or TOML profile (flags override it)")
    ] = None,
    from_graph: Annotated[
        bool, typer.Option(help="Measure sizes and rates from the live graph and object store")
    ] = False,
    from_bench: Annotated[
        Path | None, typer.Option(help="bench/results/api.json: measured requests/s per process")
    ] = None,
    results: Annotated[
        Path,
        typer.Option(help="Benchmark result files the scaling plan's per-unit rates come from"),
    ] = PROJECT_ROOT / "bench" / "results",
    fmt: Annotated[Literal["table", "json", "markdown"], typer.Option("--format")] = "table",
) -> None:
    """Estimate requests/s, bandwidth, storage, cache memory and machines at peak."""
    values: dict[str, Any] = load_profile(profile_file) if profile_file else {}
    flags = {
        "dau": dau,
        "posts_per_user": posts_per_user,
        "avg_photo_mb": avg_photo_mb,
        "avg_video_mb": avg_video_mb,
        "video_share": video_share,
        "read_write_ratio": read_write_ratio,
        "peak_factor": peak_factor,
        "replicas": replicas,
        "retention_years": retention_years,
        "cache_hit_share": cache_hit_share,
        "feed_reads_per_user": feed_reads_per_user,
    }
    values.update({k: v for k, v in flags.items() if v is not None})
    for item in set_ or []:
        name, sep, raw = item.partition("=")
        name = name.replace("-", "_")
        if not sep or name not in Profile.field_names():
            raise typer.BadParameter(f"--set {item!r}: use name=value with a profile field name")
        values[name] = float(raw)
    profile = Profile(**values)
    notes: dict[str, Any] = {}
    if from_graph:
        notes["calibration"] = _measure(profile)
    if from_bench:
        from capacity.calibrate import from_bench as calibrate_bench

        notes["api_rps_per_process"] = calibrate_bench(profile, from_bench)
    rates = measured_rates(results, profile)
    memory = rates["timeline_bytes_per_user"]
    if memory.source != "assumed":
        # The capacity model's Redis row uses the same measured figure as the plan.
        profile.feed_cache_kb_per_dau = memory.value / 1000
        profile.measured.add("feed_cache_kb_per_dau")
        notes["feed_cache_kb_per_dau"] = {"value": memory.value / 1000, "source": memory.source}
    rows = estimate(profile)
    needs = plan(profile, rates)
    if fmt == "json":
        profile_out = {k: getattr(profile, k) for k in Profile.field_names()}
        print(
            json.dumps(
                {
                    "profile": profile_out,
                    "measured": sorted(profile.measured),
                    "rows": as_dict(rows),
                    "units": units.CONVERSIONS,
                    "plan": {
                        "rates": {k: dataclasses.asdict(r) for k, r in rates.items()},
                        "needs": [dataclasses.asdict(n) for n in needs],
                    },
                    **notes,
                },
                indent=2,
                default=str,
            )
        )
        return
    if fmt == "markdown":
        print(markdown(profile, rows))
        print()
        print(plan_markdown(rates, needs))
        return
    table = Table(title=f"Graphgram capacity for {units.count(profile.dau)} DAU")
    for column in ("section", "estimate", "value", "inputs"):
        table.add_column(column, justify="right" if column == "value" else "left")
    for row in rows:
        table.add_row(row.section, row.name, formatted(row), row.source)
    Console().print(table)
    console.print(f"units: {units.CONVERSIONS}")
    rate_table = Table(title="Per-unit rates of the scaling plan (docs/scaling.md)")
    for column in ("rate", "value", "source"):
        rate_table.add_column(column, justify="right" if column == "value" else "left")
    for rate in rates.values():
        rate_table.add_row(rate.name, f"{units.count(rate.value)} {rate.unit}", rate.source)
    Console().print(rate_table)
    need_table = Table(title=f"The plan for {units.count(profile.dau)} DAU at peak")
    for column in ("need", "value", "formula"):
        need_table.add_column(column, justify="right" if column == "value" else "left")
    for need in needs:
        need_table.add_row(need.name, _need(need), need.formula)
    Console().print(need_table)


def _measure(profile: Profile) -> dict[str, Any]:
    from backends import object_store
    from capacity.calibrate import from_live, graph_figures, object_sizes
    from graph.driver import make_driver
    from graphgram.settings import get_settings

    settings = get_settings()
    with make_driver(settings) as driver:
        figures = graph_figures(driver, settings)
    sizes = object_sizes(object_store(settings, timed=False), settings.media_bucket)
    return from_live(profile, figures, sizes)

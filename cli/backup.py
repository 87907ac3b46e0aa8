"""`graphgram backup` / `graphgram restore`: the graph and its media, together (docs/backups.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from graphgram.settings import get_settings

console = Console(stderr=True)


class _Bars:
    """One rich bar per phase, made when the phase first reports."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(phase, total=max(total, 1))
        self.progress.update(self.tasks[phase], completed=done, total=max(total, 1))


def bars() -> Progress:
    return Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
    )


def backup_command() -> None:
    """Stop Neo4j, dump the graph, start it again; mirror the media bucket beside the dump; load
    the dump into the analytics copy to fingerprint it; write the manifest."""
    from ops.backup import BackupError, backup

    settings = get_settings()
    with bars() as progress:
        try:
            manifest = backup(settings, _Bars(progress))
        except BackupError as exc:
            console.print(f"[red]backup failed:[/] {exc}")
            raise typer.Exit(1) from None
    t = manifest.timings_s
    console.print(
        f"backup {settings.backups_dir / manifest.name}: graph dump {manifest.dump_bytes:,} B, "
        f"{len(manifest.objects):,} media objects ({manifest.media_bytes:,} B); Neo4j was down "
        f"{t.get('downtime', 0):.1f} s, media took {t.get('media', 0):.1f} s, the copy's load "
        f"and fingerprint {t.get('verify', 0):.1f} s"
    )


def restore_command(
    backup: Annotated[
        Path | None, typer.Argument(help="A backup directory (default: the latest)")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before overwriting")] = False,
) -> None:
    """Replace the graph, the media bucket and Redis's derived state with a backup's."""
    from ops.backup import BackupError, latest, restore

    settings = get_settings()
    directory = backup or latest(settings)
    if directory is None:
        console.print(f"[red]no backup in {settings.backups_dir}[/]")
        raise typer.Exit(2)
    if not yes:
        typer.confirm(
            f"overwrite the graph at {settings.neo4j_uri} and bucket {settings.media_bucket} "
            f"with {directory}?",
            abort=True,
        )
    with bars() as progress:
        try:
            report = restore(settings, directory, _Bars(progress))
        except BackupError as exc:
            console.print(f"[red]restore refused:[/] {exc}")
            raise typer.Exit(1) from None
    console.print(
        f"restored {report.manifest.name} (made {report.manifest.created_at}): Neo4j was down "
        f"{report.downtime_s:.1f} s; {report.uploaded} objects put back, {report.deleted} "
        f"removed; {report.redis_keys_dropped} derived Redis keys dropped (rebuilt on next read)"
    )

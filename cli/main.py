"""The `graphgram` command line: the local stack, the API server, seeding, analytics."""

from __future__ import annotations

import time

import typer
from rich.console import Console
from rich.table import Table

from capacity.cli import estimate_command
from cli.accounts import app as accounts_app
from cli.analytics import app as analytics_app
from cli.backup import backup_command, restore_command
from cli.cypher import app as cypher_app
from cli.media import app as media_app
from cli.timelines import app as timelines_app
from graphgram.settings import get_settings
from seed.cli import seed_command

app = typer.Typer(
    no_args_is_help=True, help="Graphgram: graph-native photo and video social backend"
)
stack_app = typer.Typer(
    no_args_is_help=True, help="The local stack: Neo4j, MinIO, Redis, nginx, API"
)
app.add_typer(stack_app, name="stack")
app.command("seed")(seed_command)
app.add_typer(cypher_app, name="cypher")
app.add_typer(media_app, name="media")
app.add_typer(timelines_app, name="timelines")
app.add_typer(accounts_app, name="accounts")
app.add_typer(analytics_app, name="analytics")
app.command("estimate")(estimate_command)
app.command("backup")(backup_command)
app.command("restore")(restore_command)

console = Console(stderr=True)


@stack_app.command("up")
def stack_up(
    api: bool = typer.Option(True, help="Also start the API server"),
    seed: bool = typer.Option(True, help="Seed the demo graph when the graph has no users"),
    topology: str = typer.Option(
        "single",
        help="single: one process per server; cluster: 4 MinIO processes as one erasure set, "
        "3 API processes behind an nginx balancer (docs/scaling.md)",
    ),
) -> None:
    """Install what is missing and start every service; a no-op when all already answer."""
    from graph.driver import make_driver
    from ops.cluster import TOPOLOGIES, balancer_port, cluster_settings, up
    from ops.stack import StackError
    from seed.cli import print_report, run_seed
    from seed.loader import user_count

    settings = get_settings()
    started_at = time.monotonic()
    with console.status("bringing the stack up") as status:
        try:
            if topology not in TOPOLOGIES:
                raise StackError(f"--topology is one of {', '.join(TOPOLOGIES)}, not {topology!r}")
            started = up(
                settings,
                topology="cluster" if topology == "cluster" else "single",
                with_api=api,
                progress=lambda msg: status.update(msg),
            )
        except StackError as exc:
            console.print(f"[red]stack up failed:[/red] {exc}")
            raise typer.Exit(1) from exc
    if seed:
        settings = get_settings()
        if topology == "cluster":
            settings = cluster_settings(settings)
        with make_driver(settings) as driver:
            empty = user_count(driver, settings) == 0
        if empty:
            console.print(
                "the graph is empty: seeding the demo preset (about 1,000 users, with pictures)"
            )
            print_report(run_seed(settings, preset="demo", with_media=60))
    elapsed = time.monotonic() - started_at
    if started:
        console.print(f"started {', '.join(started)} in {elapsed:.1f}s")
    else:
        console.print(f"already up ({elapsed:.1f}s): nothing to do")
    _print_status()
    if api:
        base = f"http://{settings.api_host}:{settings.api_port}"
        if topology == "cluster":
            base = f"http://{settings.api_host}:{balancer_port(settings)}"
        console.print(f"web client: {base}/web/   API docs: {base}/docs (offline)")


@stack_app.command("down")
def stack_down() -> None:
    """Stop every service of this stack instance, whichever topology (data is kept)."""
    from ops.cluster import down

    with console.status("stopping the stack") as status:
        down(get_settings(), progress=lambda msg: status.update(msg))
    console.print("stack stopped")


@stack_app.command("status")
def stack_status() -> None:
    """Show each service, its address, and whether it answers."""
    if not _print_status():
        raise typer.Exit(1)


def _print_status() -> bool:
    from ops.cluster import current_topology, status

    settings = get_settings()
    table = Table(title=f"stack '{settings.stack_name}' ({current_topology(settings)} topology)")
    for column in ("service", "state", "address", "log"):
        table.add_column(column)
    all_ready = True
    for item in status(get_settings()):
        state = (
            "[green]ready[/]"
            if item.ready
            else ("[yellow]starting[/]" if item.running else "[red]down[/]")
        )
        all_ready &= item.ready
        table.add_row(item.name, state, item.address, str(item.log))
    Console().print(table)
    return all_ready


@app.command("init")
def init() -> None:
    """Apply the Neo4j schema and create the media bucket (servers you run yourself, Docker)."""
    from backends import object_store
    from graph.schema import apply_schema
    from media.storage import ensure_bucket

    settings = get_settings()
    count = apply_schema(settings)
    ensure_bucket(object_store(settings, timed=False), settings.media_bucket)
    console.print(f"schema applied ({count} statements); bucket {settings.media_bucket} ready")


@app.command("serve")
def serve(
    host: str | None = typer.Option(None, help="Bind address (default from settings)"),
    port: int | None = typer.Option(None, help="Port (default from settings)"),
    workers: int = typer.Option(1, help="Worker processes"),
) -> None:
    """Run the API in the foreground."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host or settings.api_host,
        port=port or settings.api_port,
        workers=workers,
    )


if __name__ == "__main__":
    app()

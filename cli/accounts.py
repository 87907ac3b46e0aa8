"""`graphgram accounts sweep`: expired sessions, app tokens and authorization codes."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from backends import Backends
from cli import with_backends

app = typer.Typer(no_args_is_help=True, help="Account maintenance")
console = Console(stderr=True)


async def sweep_expired(backends: Backends, batch: int) -> int:
    """Delete expired credentials in batches (one write transaction each) until none is left."""
    from services.sessions import sweep_expired

    return await sweep_expired(backends, batch)


@app.command("sweep")
def sweep_command(
    batch: Annotated[int, typer.Option(min=1, help="Nodes of each kind per transaction")] = 1000,
) -> None:
    """Delete expired sessions, app tokens and authorization codes (run it daily, like
    `graphgram media sweep`; an expired one is already refused, this only frees the space)."""
    with console.status("deleting expired sessions, app tokens and authorization codes"):
        deleted = with_backends(lambda backends: sweep_expired(backends, batch))
    console.print(f"deleted {deleted} expired credential nodes")


@app.command("role")
def role_command(
    username: Annotated[str, typer.Argument(help="The account")],
    role: Annotated[str, typer.Argument(help="user, analyst, moderator or admin")],
) -> None:
    """Give an account a role: how a deployment names its first admin (docs/moderation.md)."""
    from graphgram.errors import AppError
    from services.moderation import set_role

    try:
        row = with_backends(lambda backends: set_role(backends, username, role))
    except AppError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"{row['username']} is now {row['role']}")

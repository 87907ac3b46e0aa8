"""Following or blocking, in bulk, the accounts of a Mastodon export: `following_accounts.csv`
(`Account address,Show boosts,Notify on new posts,Languages`) or `blocked_accounts.csv` (one
address a line), run as a job on the media job queue (docs/your-data.md).

The file is checked whole before anything is written: UTF-8 CSV, every row an account address,
at most `import_max_rows` accounts. The job then follows (`services.relationships.follow`: a
private account gets a request, timelines and notifications as for any follow) or blocks each
account that exists here, and records what it skipped and why. It notes its progress every
`NOTE_EVERY` rows, so a redelivered job resumes where the last one stopped; follows and blocks are
idempotent either way.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from redis.exceptions import RedisError

from backends import Backends
from graph import archive as archive_graph
from graph.driver import Row
from graphgram.errors import AppError, Conflict, FieldError, NotFound, Unprocessable
from graphgram.ids import new_id
from media import jobs
from services import relationships
from services.data_export import stale_before

IMPORT_KIND = "import"
ImportType = Literal["following", "blocking"]
TYPES: tuple[ImportType, ...] = ("following", "blocking")
NOTE_EVERY = 50
HEADER = "account address"
# `name`, `@name`, `name@host` or `@name@host` (a host may carry a port).
ADDRESS = re.compile(
    r"@?(?P<user>[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?)"
    r"(?:@(?P<host>[A-Za-z0-9.-]{1,253}(?::[0-9]{1,5})?))?"
)
REMOTE = "a remote account: this server does not federate"
UNKNOWN = "no account by that name here"
SELF = "your own account"


@dataclass(frozen=True)
class ImportRow:
    line: int
    address: str


def _bad(message: str) -> Unprocessable:
    return Unprocessable(message, fields=[FieldError(field="file", message=message)])


def parse(data: bytes, max_rows: int) -> list[ImportRow]:
    """The accounts a Mastodon CSV names, in order, each once; 422 for anything else."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad("the file is not a UTF-8 CSV file") from None
    if "\x00" in text:
        raise _bad("the file is not a CSV file")
    rows: list[ImportRow] = []
    seen: set[str] = set()
    first_line = True
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            first = cells[0].strip()
            if first_line:
                first_line = False
                if first.lower() == HEADER:
                    continue  # following_accounts.csv's header; blocked_accounts.csv has none
            if ADDRESS.fullmatch(first) is None:
                shown = first if len(first) <= 60 else first[:57] + "..."
                raise _bad(f"line {reader.line_num}: {shown!r} is not an account address")
            address = first.lstrip("@").lower()
            if address in seen:
                continue
            seen.add(address)
            rows.append(ImportRow(reader.line_num, address))
            if len(rows) > max_rows:
                raise _bad(f"an import names at most {max_rows:,} accounts")
    except csv.Error as exc:
        raise _bad(f"line {reader.line_num}: not CSV ({exc})") from None
    if not rows:
        raise _bad("the file names no accounts")
    return rows


async def request_import(
    backends: Backends, viewer_id: str, kind: str, data: bytes, domain: str
) -> Row:
    """Check the file, record the import and queue its job; 409 while another import is under
    way, 422 for a bad file (nothing changes either way)."""
    if kind not in TYPES:
        raise Unprocessable(
            f"unknown import type {kind!r}",
            fields=[FieldError(field="type", message="following or blocking")],
        )
    rows = parse(data, backends.settings.import_max_rows)
    row = await archive_graph.start_import(
        backends.graph,
        {"viewer_id": viewer_id, "import_id": new_id(), "type": kind,
         "rows": [r.address for r in rows], "lines": [r.line for r in rows], "domain": domain,
         "stale_before": stale_before(backends)},
    )  # fmt: skip
    if row is None:
        raise NotFound("no such account")
    if not row["created"]:
        raise Conflict(f"an import is already under way: follow it with GET /me/import/{row['id']}")
    try:
        await jobs.enqueue_job(backends, IMPORT_KIND, row["id"])
    except (RedisError, OSError):
        await archive_graph.fail_import(backends.graph, row["id"], "the job queue was unavailable")
        raise
    return row


async def get_import(backends: Backends, viewer_id: str, import_id: str) -> Row:
    row = await archive_graph.get_import(backends.graph, viewer_id, import_id)
    if row is None:
        raise NotFound(f"no import {import_id!r}")
    row["skipped"] = json.loads(row.get("skipped") or "[]")
    return row


def local_username(address: str, domain: str) -> str | None:
    """The username an address names on this server, None for an account elsewhere."""
    user, _, host = address.partition("@")
    if not host:
        return user
    names = {domain.lower(), domain.lower().rsplit(":", 1)[0]} if domain else set()
    return user if host in names else None


async def run_import(backends: Backends, import_id: str) -> None:
    """Follow or block each account of the import that exists here; resumes where it stopped."""
    claimed = await archive_graph.claim_import(backends.graph, import_id)
    if claimed is None:
        return
    owner_id = str(claimed["owner_id"])
    owner = str(claimed["username"])
    domain = str(claimed.get("domain") or "")
    state: dict[str, Any] = {
        "processed": int(claimed["processed"]),
        "followed": int(claimed["followed"]),
        "requested": int(claimed["requested"]),
        "blocked": int(claimed["blocked"]),
    }
    skipped: list[dict[str, Any]] = json.loads(claimed["skipped"] or "[]")
    addresses: list[str] = list(claimed["rows"] or [])
    lines: list[int] = list(claimed["lines"] or [])

    async def note(done: bool) -> bool:
        return await archive_graph.import_progress(
            backends.graph, import_id, {**state, "skipped": json.dumps(skipped)}, done
        )

    for index in range(state["processed"], len(addresses)):
        address, line = addresses[index], lines[index]
        reason = await _one(backends, claimed["type"], owner_id, owner, address, domain, state)
        if reason is not None:
            skipped.append({"line": line, "account": address, "reason": reason})
        state["processed"] = index + 1
        if state["processed"] % NOTE_EVERY == 0 and not await note(False):
            return  # deleted with its account, or replaced
    await note(True)


async def _one(
    backends: Backends,
    kind: str,
    owner_id: str,
    owner: str,
    address: str,
    domain: str,
    state: dict[str, Any],
) -> str | None:
    """Follow or block one account; the reason it was skipped, or None."""
    username = local_username(address, domain)
    if username is None:
        return REMOTE
    if username == owner:
        return SELF
    try:
        if kind == "following":
            followed = await relationships.follow(backends, owner_id, username)
            state["requested" if followed.requested else "followed"] += 1
        else:
            await relationships.block(backends, owner_id, username)
            state["blocked"] += 1
    except NotFound:
        return UNKNOWN
    except AppError as exc:
        if exc.status_code >= 500:
            raise
        return exc.message
    return None


async def give_up_import(backends: Backends, import_id: str, reason: str) -> None:
    await archive_graph.fail_import(backends.graph, import_id, reason)


IMPORT_JOB = jobs.JobHandler(run=run_import, give_up=give_up_import)

"""The bulk path: stream the generated graph to CSV and load it with `neo4j-admin database import`.

For an empty database on the local stack (or `--wipe`): the generator's chunks are written as
they come to one CSV file per node label and relationship type (headers in their own files, in
the importer's `:ID`/`:START_ID`/`:END_ID` format with typed columns), the server is stopped,
`neo4j-admin database import full --overwrite-destination` builds the store, the server starts
with memory sized for the new store, and the schema (`cypher/schema/`) is created and populated.
Nothing but the compact lookups the generator keeps is held in memory.
"""

from __future__ import annotations

import re
import resource
import shutil
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from cypher import names, query, statements
from graph.driver import make_driver
from graph.schema import migrate
from graphgram.settings import Settings
from ops.stack import Neo4jService, store_bytes
from seed.generator import Chunk

# file stem -> (header, node label or relationship type, is a node file)
FILES: dict[str, tuple[str, str, bool]] = {
    "users": (
        "id:ID(User),username,display_name,bio,private:boolean,role,password_hash,"
        "created_at:datetime",
        "User",
        True,
    ),
    "posts": ("id:ID(Post),caption,created_at:datetime,author", "Post", True),
    "comments": (
        "id:ID(Comment),text,created_at:datetime,post,post_owner,reply_owner",
        "Comment",
        True,
    ),
    "hashtags": ("name:ID(Hashtag)", "Hashtag", True),
    "blocks": (":START_ID(User),:END_ID(User),id,since:datetime", "BLOCKS", False),
    "follows": (
        ":START_ID(User),:END_ID(User),id,since:datetime,follower,followee",
        "FOLLOWS",
        False,
    ),
    "requests": (
        ":START_ID(User),:END_ID(User),id,at:datetime,requester,target",
        "REQUESTED",
        False,
    ),
    "posted": (":START_ID(User),:END_ID(Post)", "POSTED", False),
    "tags": (":START_ID(Post),:END_ID(Hashtag),post,tag", "TAGGED", False),
    "mentions": (":START_ID(Post),:END_ID(User),at:datetime,post,user", "MENTIONS", False),
    "likes": (":START_ID(User),:END_ID(Post),id,at:datetime,post,owner", "LIKES", False),
    "wrote": (":START_ID(User),:END_ID(Comment)", "WROTE", False),
    "on": (":START_ID(Comment),:END_ID(Post)", "ON", False),
    "replies": (":START_ID(Comment),:END_ID(Comment)", "REPLY_TO", False),
}

# ISO-8601 instants built from lookup tables: datetime.isoformat per row is the slowest part
# of writing tens of millions of rows.
_SECONDS = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]
_MILLIS = [f"{ms:03d}" for ms in range(1000)]
_DAYS: dict[int, str] = {}


def iso(ts_ms: int) -> str:
    day, ms = divmod(ts_ms, 86_400_000)
    date = _DAYS.get(day)
    if date is None:
        date = _DAYS[day] = datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y-%m-%dT")
    second, ms = divmod(ms, 1000)
    return f"{date}{_SECONDS[second]}.{_MILLIS[ms]}Z"


def _text(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


Progress = Callable[[str, int, int], None]  # (phase, done, total; 0 when unknown)


@dataclass
class CsvReport:
    directory: Path
    rows: dict[str, int]  # per generator phase
    seconds: float
    cpu_s: float  # this process's CPU time: the wall time on an idle machine


def write_csv(
    chunks: Iterable[Chunk], directory: Path, password_hash: str, progress: Progress | None = None
) -> CsvReport:
    """Write every chunk as it arrives; returns rows written per phase."""
    started, cpu = time.perf_counter(), time.process_time()
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    for stem, (header, _, _) in FILES.items():
        (directory / f"{stem}.header.csv").write_text(header + "\n")
    rows: dict[str, int] = {}
    secret = _text(password_hash)
    with ExitStack() as stack:
        out: dict[str, TextIO] = {
            stem: stack.enter_context(
                (directory / f"{stem}.csv").open("w", encoding="utf-8", buffering=1 << 20)
            )
            for stem in FILES
        }

        def put(stem: str, lines: list[str]) -> None:
            if lines:
                out[stem].write("\n".join(lines))
                out[stem].write("\n")

        for phase, chunk in chunks:
            rows[phase] = rows.get(phase, 0) + len(chunk)
            if phase == "users":
                put(
                    "users",
                    [
                        f"{i},{u},{_text(d)},{_text(b)},{'true' if p else 'false'},{r},{secret},"
                        f"{iso(t)}"
                        for i, u, d, b, p, r, t in chunk
                    ],
                )
            elif phase == "hashtags":
                put("hashtags", [_text(name) for (name,) in chunk])
            elif phase == "blocks":
                put(phase, [f"{a},{b},{i},{iso(t)}" for a, b, i, t in chunk])
            elif phase in ("follows", "requests"):
                # the endpoint ids again, as properties: the ordered-page indexes lead with them
                put(phase, [f"{a},{b},{i},{iso(t)},{a},{b}" for a, b, i, t in chunk])
            elif phase == "likes":
                put(phase, [f"{u},{p},{i},{iso(t)},{p},{o}" for u, p, i, t, o in chunk])
            elif phase == "posts":
                put("posts", [f"{i},{_text(c)},{iso(t)},{a}" for i, a, c, t in chunk])
                put("posted", [f"{a},{i}" for i, a, _, _ in chunk])
            elif phase == "tags":
                put("tags", [f"{p},{t},{p},{t}" for p, t in chunk])
            elif phase == "mentions":
                put("mentions", [f"{p},{u},{iso(t)},{p},{u}" for p, u, t in chunk])
            elif phase == "comments":
                put(
                    "comments",
                    [f"{i},{_text(x)},{iso(t)},{p},{o},{r or ''}" for i, _, p, x, t, o, r in chunk],
                )
                put("wrote", [f"{u},{i}" for i, u, *_ in chunk])
                put("on", [f"{i},{p}" for i, _, p, *_ in chunk])
            elif phase == "replies":
                put("replies", [f"{i},{p}" for i, p in chunk])
            else:
                raise ValueError(f"no CSV layout for phase {phase!r}")
            if progress:
                progress(phase, rows[phase], 0)
    return CsvReport(directory, rows, time.perf_counter() - started, time.process_time() - cpu)


def import_arguments(directory: Path, database: str) -> list[str]:
    args = [
        "database",
        "import",
        "full",
        "--overwrite-destination",
        "--id-type=string",
        f"--report-file={directory / 'import.report'}",  # bad entries, if any; not in the CWD
    ]
    for stem, (_, name, is_node) in FILES.items():
        files = f"{directory / stem}.header.csv,{directory / stem}.csv"
        args.append(f"--{'nodes' if is_node else 'relationships'}={name}={files}")
    return [*args, "--skip-duplicate-nodes=false", "--high-parallel-io=on", database]


_STAGE = re.compile(r"\((\d)/(\d)\)\s+(.+?)\s+\d{4}-\d\d-\d\d")
_PERCENT = re.compile(r"(\d+)%")


def children_cpu() -> float:
    """CPU seconds used by this process's finished children (the importer's JVM included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def import_csv(
    service: Neo4jService,
    directory: Path,
    database: str,
    *,
    heap: str = "2g",
    progress: Progress | None = None,
) -> float:
    """Run the importer on a stopped server; reports its stages as "import: <stage>" phases."""
    started = time.perf_counter()
    stage = ["import"]

    def on_line(line: str) -> None:
        found = _STAGE.search(line)
        if found:
            stage[0] = f"import {found[1]}/{found[2]} {found[3].lower()}"
            if progress:
                progress(stage[0], 0, 100)
            return
        percent = _PERCENT.findall(line)
        if percent and progress and line.lstrip().startswith("."):
            progress(stage[0], int(percent[-1]), 100)

    service.admin(*import_arguments(directory, database), heap=heap, on_line=on_line)
    return time.perf_counter() - started


def create_schema(
    settings: Settings, *, timeout_s: float = 3_600, progress: Progress | None = None
) -> float:
    """Create the constraints and indexes of `cypher/schema/` and wait until they are online.

    Polled with short statements: `db.awaitIndexes` would outlive the server's transaction
    timeout while a fresh store of millions of nodes populates."""
    started = time.perf_counter()
    with make_driver(settings) as driver:
        for name in names("schema/"):
            for statement in statements(name):
                driver.execute_query(statement, database_=settings.neo4j_database)
        while True:
            records, _, _ = driver.execute_query(
                query("seed/await_indexes"), database_=settings.neo4j_database
            )
            failed = [r["name"] for r in records if r["state"] == "FAILED"]
            if failed:
                raise RuntimeError(
                    f"index population failed for {failed}: see the Neo4j debug.log, drop them "
                    "(DROP INDEX name) and run `graphgram stack up` to create them again"
                )
            if not records:
                break
            if progress:
                done = min(float(r["populationPercent"] or 0) for r in records)
                progress("indexes", int(done), 100)
            if time.perf_counter() - started > timeout_s:
                raise RuntimeError(
                    f"indexes still populating after {timeout_s:.0f}s: "
                    f"{[r['name'] for r in records]}; they finish in the background"
                )
            time.sleep(2)
    return time.perf_counter() - started


@dataclass
class BulkReport:
    csv: CsvReport
    import_s: float
    import_cpu_s: float
    start_s: float
    schema_s: float
    store_bytes: int
    memory: str

    @property
    def seconds(self) -> float:
        return self.csv.seconds + self.import_s + self.start_s + self.schema_s


def bulk_load(
    settings: Settings,
    chunks: Iterable[Chunk],
    password_hash: str,
    *,
    progress: Progress | None = None,
    keep_csv: bool = False,
) -> BulkReport:
    """Generate to CSV, import into a stopped server, start it and build the schema."""
    service = Neo4jService(settings)
    directory = service.import_dir / "seed"
    csv = write_csv(chunks, directory, password_hash, progress)
    if progress:
        progress("stop server", 0, 1)
    service.install(lambda _: None)
    service.stop()
    if progress:
        progress("stop server", 1, 1)
    cpu = children_cpu()
    import_s = import_csv(
        service, directory, settings.neo4j_database, heap=import_heap(), progress=progress
    )
    import_cpu_s = children_cpu() - cpu
    if not keep_csv:
        shutil.rmtree(directory, ignore_errors=True)
    started = time.perf_counter()
    if progress:
        progress("start server", 0, 1)
    service.boot(lambda _: None)  # re-renders neo4j.conf: memory sized for the new store
    start_s = time.perf_counter() - started
    if progress:
        progress("start server", 1, 1)
        progress("indexes", 0, 100)
    schema_s = create_schema(settings, progress=progress)
    migrate(settings)  # what the rows cannot carry (a post's newest like) and old-graph fixes
    if progress:
        progress("indexes", 100, 100)
    memory = service.memory.reason if service.memory else ""
    store = store_bytes(service.database_dir)
    return BulkReport(csv, import_s, import_cpu_s, start_s, schema_s, store, memory)


def import_heap() -> str:
    """The importer keeps its big structures off heap (`--max-off-heap-memory`, 90% of free
    memory by default); its heap only needs room for the input buffers and id mapping."""
    return "2g"

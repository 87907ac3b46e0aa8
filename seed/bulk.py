"""The bulk path: generate the graph to CSV and load it with `neo4j-admin database import`.

For an empty database on the local stack (or `--wipe`): the generator's blocks are drawn and
written in one forked process per core, each appending to its own part of every file (one
header file plus parts per node label and relationship type, the importer's `:ID`/`:START_ID`/
`:END_ID` format with typed columns). Lines are built as byte arrays (ULIDs, zero-padded node
numbers, ISO instants from array arithmetic) and written whole, except the node files with free
text. Nodes are numbered (`--id-type=integer`); the ULIDs are plain properties. Then the server
is stopped, `neo4j-admin database import full --overwrite-destination` builds the store (its
off-heap memory sized from what is available), the server starts with memory sized for the new
store, and the schema (`cypher/schema/`) is created and populated. The CSV already carries what
the data migrations would fill in, so none runs.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import resource
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from cypher import names, query, statements
from graph.driver import make_driver
from graph.schema import DERIVED, migrate
from graphgram.settings import Settings
from ops.stack import Neo4jService, store_bytes
from seed.generator import (
    BLOCK,
    COMMENTS,
    TAGS,
    Bytes,
    Frame,
    Ints,
    Plan,
    Preset,
    World,
    captions,
    engagement_block,
    follows_block,
    link_follows,
    plan_posts,
    post_columns,
    posts_block,
    set_last_likes,
    set_posts,
    setup,
    texts,
)

# file stem -> (header, node label or relationship type, is a node file). Nodes are numbered
# (`--id-type=integer`: the importer maps numbers far faster than 26-character strings); the
# ULIDs are plain `id` properties.
FILES: dict[str, tuple[str, str, bool]] = {
    "users": (
        ":ID(User),id,username,display_name,bio,private:boolean,role,password_hash,"
        "created_at:datetime,posts_close_friends:int,posts_mutuals:int,"
        "posts_followers_for_days:int",
        "User",
        True,
    ),
    "posts": (
        ":ID(Post),id,caption,created_at:datetime,author,last_like,last_like_at:datetime",
        "Post",
        True,
    ),
    "comments": (
        ":ID(Comment),id,text,created_at:datetime,post,post_owner,reply_owner",
        "Comment",
        True,
    ),
    "hashtags": (":ID(Hashtag),name", "Hashtag", True),
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

DAY_MS = 86_400_000
_DAYS: dict[int, bytes] = {}  # day number -> b"YYYY-MM-DDT"


def _day(day: int) -> bytes:
    text = _DAYS.get(day)
    if text is None:
        text = _DAYS[day] = datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y-%m-%dT").encode()
    return text


def iso(ts_ms: int) -> str:
    """One ISO-8601 instant (UTC, milliseconds), as the CSV writes it."""
    return bytes(isos(np.array([ts_ms], dtype=np.int64))[0]).decode()


def isos(ts: Ints) -> Bytes:
    """ISO-8601 instants as an (m, 24) array of bytes, `YYYY-MM-DDTHH:MM:SS.mmmZ`, built with
    array arithmetic (the dates from a table of the few days the graph spans)."""
    out = np.empty((len(ts), 24), dtype=np.uint8)
    if not len(ts):
        return out
    day, ms = np.divmod(ts, DAY_MS)
    first = int(day.min())
    table = np.frombuffer(
        b"".join(_day(d) for d in range(first, int(day.max()) + 1)), dtype=np.uint8
    ).reshape(-1, 11)
    out[:, :11] = table[day - first]
    for at, value in (
        (11, ms // 3_600_000),
        (14, ms // 60_000 % 60),
        (17, ms // 1000 % 60),
    ):
        out[:, at] = value // 10 + 48
        out[:, at + 1] = value % 10 + 48
    out[:, 13] = out[:, 16] = ord(":")
    out[:, 19] = ord(".")
    frac = ms % 1000
    out[:, 20] = frac // 100 + 48
    out[:, 21] = frac // 10 % 10 + 48
    out[:, 22] = frac % 10 + 48
    out[:, 23] = ord("Z")
    return out


def digits(values: Ints) -> Bytes:
    """Non-negative integers as an (m, width) array of ASCII digits, zero-padded to the widest."""
    width = len(str(int(values.max()))) if len(values) else 1
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers % 10 + 48).astype(np.uint8)


def lines(*fields: Bytes) -> memoryview:
    """CSV lines from fixed-width byte columns (m, width_i): one array, written as it is."""
    m = len(fields[0])
    out = np.empty((m, sum(f.shape[1] for f in fields) + len(fields)), dtype=np.uint8)
    at = 0
    for f in fields:
        out[:, at : at + f.shape[1]] = f
        at += f.shape[1]
        out[:, at] = ord(",")
        at += 1
    out[:, -1] = ord("\n")
    return out.data


def constant(m: int, value: str) -> Bytes:
    """The same text on m rows, as an (m, len) byte column."""
    row = np.frombuffer(value.encode(), dtype=np.uint8)
    return np.broadcast_to(row, (m, len(row)))


def _text(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


Progress = Callable[[str, int, int], None]  # (phase, done, total; 0 when unknown)


@dataclass
class CsvReport:
    directory: Path
    rows: dict[str, int]  # per generator phase
    seconds: float
    cpu_s: float  # this process's and its workers' CPU time


def _write_frame(out: _Parts, frame: Frame, secret: str) -> None:
    w, c, ids, phase = frame.world, frame.cols, frame.ids, frame.phase
    if not len(frame):
        return
    if phase == "users":
        users = c["user"]
        out["users"].write(
            "".join(
                f'{i},{uid},{w.usernames[i]},{_text(w.display[i])},"",'
                # Seeded posts are all for everyone: no posts for a narrower audience to count
                # (admin/backfill_audience_counts, which the online path runs, finds the same).
                f"{'true' if p else 'false'},{w.roles[i]},{secret},{t},0,0,0\n"
                for i, uid, p, t in zip(
                    users.tolist(),
                    texts(w.uid[users]),
                    w.private[users].tolist(),
                    texts(isos(w.joined[users])),
                    strict=True,
                )
            ).encode()
        )
    elif phase == "hashtags":
        out["hashtags"].write(
            "".join(f"{t},{_text(TAGS[t])}\n" for t in c["tag"].tolist()).encode()
        )
    elif phase == "blocks":
        out[phase].write(lines(digits(c["a"]), digits(c["b"]), ids["id"], isos(c["ts"])))
    elif phase in ("follows", "requests"):
        # the endpoint ids again, as properties: the ordered-page indexes lead with them
        a, b = w.uid[c["a"]], w.uid[c["b"]]
        out[phase].write(lines(digits(c["a"]), digits(c["b"]), ids["id"], isos(c["ts"]), a, b))
    elif phase == "likes":
        owner = w.uid[w.post_owner[c["post"]]]
        post = w.post_uid[c["post"]]
        out[phase].write(
            lines(digits(c["user"]), digits(c["post"]), ids["id"], isos(c["ts"]), post, owner)
        )
    elif phase == "posts":
        out["posted"].write(lines(digits(c["author"]), digits(c["post"])))
    elif phase == "tags":
        # grouped by tag, so the name is a fixed-width column within each group
        post, tag = digits(c["post"]), digits(c["tag"])
        for t in np.unique(c["tag"]).tolist():
            at = c["tag"] == t
            name = constant(int(at.sum()), _text(TAGS[t]))
            out[phase].write(lines(post[at], tag[at], ids["post"][at], name))
    elif phase == "mentions":
        user = w.uid[c["user"]]
        out[phase].write(
            lines(digits(c["post"]), digits(c["user"]), isos(c["ts"]), ids["post"], user)
        )
    elif phase == "comments":
        # grouped by text and by whether it replies, so every column is fixed-width per group
        comment, when, post = digits(c["comment"]), isos(c["ts"]), w.post_uid[c["post"]]
        owner = w.uid[w.post_owner[c["post"]]]
        replying = c["reply_owner"] >= 0
        for x in np.unique(c["text"]).tolist():
            for reply in (False, True):
                at = (c["text"] == x) & (replying if reply else ~replying)
                m = int(at.sum())
                if not m:
                    continue
                to = w.uid[c["reply_owner"][at]] if reply else constant(m, "")
                text = constant(m, _text(COMMENTS[x]))
                out["comments"].write(
                    lines(comment[at], ids["id"][at], text, when[at], post[at], owner[at], to)
                )
        out["wrote"].write(lines(digits(c["user"]), digits(c["comment"])))
        out["on"].write(lines(digits(c["comment"]), digits(c["post"])))
    elif phase == "replies":
        out["replies"].write(lines(digits(c["comment"]), digits(c["parent"])))
    else:
        raise ValueError(f"no CSV layout for phase {phase!r}")


def _write_posts(out: BinaryIO, w: World, start: int, end: int) -> None:
    """Posts start..end, written with their engagement: each carries its newest like (known
    once the likes are drawn), which the notifications migration would otherwise compute for
    every post of the new store."""
    post = np.arange(start, end, dtype=np.int64)
    liked = w.last_like_ts[post] >= 0
    last = [""] * len(post)
    last_at = [""] * len(post)
    for at, lid, lts in zip(
        np.flatnonzero(liked).tolist(),
        texts(w.last_like[post[liked]]),
        texts(isos(w.last_like_ts[post[liked]])),
        strict=True,
    ):
        last[at], last_at[at] = lid, lts
    out.write(
        "".join(
            f"{i},{pid},{_text(x)},{t},{a},{ll},{la}\n"
            for i, pid, x, t, a, ll, la in zip(
                post.tolist(),
                texts(w.post_uid[post]),
                captions(w, w.post_code[post], w.post_mention[post]),
                texts(isos(w.post_ts[post])),
                texts(w.uid[w.post_owner[post]]),
                last,
                last_at,
                strict=True,
            )
        ).encode()
    )


@dataclass(frozen=True)
class Spec:
    """Which graph to write: a preset, cut to `users` if given, from `seed`."""

    preset: Preset
    seed: int
    days: int
    end_ms: int
    users: int | None = None
    nodes_only: bool = False  # only the users and hashtags (a reset for benchmarks)


class _Parts:
    """One worker's part of each CSV file (the importer reads a header and any parts)."""

    def __init__(self, directory: Path, name: str) -> None:
        self.directory, self.name = directory, name
        self.files: dict[str, BinaryIO] = {}

    def __getitem__(self, stem: str) -> BinaryIO:
        if stem not in self.files:
            path = self.directory / f"{stem}.part-{self.name}.csv"
            self.files[stem] = path.open("ab", buffering=1 << 20)
        return self.files[stem]

    def close(self) -> None:
        for f in self.files.values():
            f.close()
        self.files.clear()


# What forked workers see: set before each phase's pool is forked, read-only in the workers.
_JOB: tuple[Plan, Path, str] | None = None


def _task(phase: str, block: int) -> tuple[dict[str, int], Any]:
    """One block of one phase, written to this worker's parts; returns rows per generator
    phase and what the parent needs for the next phases."""
    assert _JOB is not None
    plan, directory, secret = _JOB
    parts = _Parts(directory, str(os.getpid()))
    keep: Any = None
    try:
        if phase == "users":
            w = plan.world
            made = [Frame("users", w, {"user": np.arange(block, min(block + BLOCK, w.n))})]
        elif phase == "follows":
            made = follows_block(plan, block)
            keep = (made[0].cols["a"].astype(np.int32), made[0].cols["b"].astype(np.int32))
        elif phase == "posts":
            made = posts_block(plan, block)
            keep = post_columns(made[0])
        else:
            made, last = engagement_block(plan, block)
            set_last_likes(plan, block, last)
            end = min(block + BLOCK, len(plan.world.post_owner))
            _write_posts(parts["posts"], plan.world, block, end)
        for frame in made:
            _write_frame(parts, frame, secret)
    finally:
        parts.close()
    counts: dict[str, int] = {}
    for frame in made:
        counts[frame.phase] = counts.get(frame.phase, 0) + len(frame)
    return counts, keep


def _run(
    phase: str, blocks: range, workers: int, progress: Progress | None, rows: dict[str, int]
) -> list[Any]:
    """Every block of a phase, in `workers` forked processes (each sees the plan as it is
    now); returns what each block kept, in block order."""
    jobs = [(phase, block) for block in blocks]
    kept: list[Any] = []

    def collect(results: Iterable[tuple[dict[str, int], Any]]) -> None:
        for counts, keep in results:
            for name, count in counts.items():
                rows[name] = rows.get(name, 0) + count
                if progress:
                    progress(name, rows[name], 0)
            kept.append(keep)

    if workers <= 1 or len(jobs) <= 1:
        collect(_task(*job) for job in jobs)
    else:
        pool = multiprocessing.get_context("fork").Pool(workers)
        try:
            collect(pool.imap(_star, jobs))
        finally:
            pool.close()
            pool.join()
    return kept


def _star(job: tuple[str, int]) -> tuple[dict[str, int], Any]:
    return _task(*job)


def write_csv(
    spec: Spec,
    directory: Path,
    password_hash: str,
    progress: Progress | None = None,
    workers: int = 0,
) -> CsvReport:
    """Generate the graph and write it as CSV parts, block by block in `workers` processes
    (default: one per core); returns rows written per generator phase."""
    global _JOB
    started, cpu, children = time.perf_counter(), time.process_time(), children_cpu()
    workers = workers or os.cpu_count() or 1
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    for stem, (header, _, _) in FILES.items():
        (directory / f"{stem}.header.csv").write_text(header + "\n")
    plan, first = setup(
        spec.preset, seed=spec.seed, days=spec.days, end_ms=spec.end_ms, users=spec.users
    )
    rows: dict[str, int] = {}
    secret = _text(password_hash)
    _JOB = (plan, directory, secret)
    try:
        parts = _Parts(directory, "main")
        for frame in first:
            if frame.phase != "users" and not (spec.nodes_only and frame.phase == "blocks"):
                rows[frame.phase] = rows.get(frame.phase, 0) + len(frame)
                _write_frame(parts, frame, secret)
        for stem in FILES:
            parts[stem]  # every file has a part, if only an empty one
        parts.close()
        _run("users", plan.user_blocks(), workers, progress, rows)
        if not spec.nodes_only:
            link_follows(plan, _run("follows", plan.user_blocks(), workers, progress, rows))
            plan_posts(plan)
            set_posts(plan, _run("posts", plan.user_blocks(), workers, progress, rows))
            _run("engagement", plan.post_blocks(), workers, progress, rows)
    finally:
        _JOB = None
    cpu_s = time.process_time() - cpu + children_cpu() - children
    return CsvReport(directory, rows, time.perf_counter() - started, cpu_s)


def import_arguments(directory: Path, database: str) -> list[str]:
    args = [
        "database",
        "import",
        "full",
        "--overwrite-destination",
        "--id-type=integer",
        f"--report-file={directory / 'import.report'}",  # bad entries, if any; not in the CWD
    ]
    for stem, (_, name, is_node) in FILES.items():
        parts = sorted(directory.glob(f"{stem}.part-*.csv"))
        files = ",".join(str(f) for f in [directory / f"{stem}.header.csv", *parts])
        args.append(f"--{'nodes' if is_node else 'relationships'}={name}={files}")
    return [
        *args,
        "--skip-duplicate-nodes=false",
        "--high-parallel-io=on",
        f"--max-off-heap-memory={off_heap_memory()}",
        database,
    ]


def off_heap_memory() -> str:
    """What the importer may use off its heap: 70% of the memory available now, less its heap.

    Its default, 90% of *free* memory, counts the page cache holding the CSV just written as
    taken: on a busy machine that left 1.4 GiB for an import that estimates needing 1 GiB per
    6M relationships."""
    try:
        meminfo = Path("/proc/meminfo").read_text()
    except OSError:
        return "90%"
    found = re.search(r"^MemAvailable:\s+(\d+) kB", meminfo, re.MULTILINE)
    if not found:
        return "90%"
    heap = int(import_heap().rstrip("g")) * 1024**3
    return f"{max(1024**3, int(int(found[1]) * 1024 * 0.7) - heap) // 1024**2}m"


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
    spec: Spec,
    password_hash: str,
    *,
    progress: Progress | None = None,
    keep_csv: bool = False,
    workers: int = 0,
) -> BulkReport:
    """Generate to CSV, import into a stopped server, start it and build the schema."""
    service = Neo4jService(settings)
    directory = service.import_dir / "seed"
    csv = write_csv(spec, directory, password_hash, progress, workers)
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
    # No other data migration (graph.schema.MIGRATIONS): the CSV already carries what they fill
    # in (endpoint ids, each post's newest like), and on xl their scans alone take minutes. The
    # kept hashtag counts (Hashtag.public_posts, USES_TAG) it does not carry: that migration
    # runs, one pass over the tagged posts, counted in schema_s.
    started = time.perf_counter()
    migrate(settings, DERIVED)
    schema_s += time.perf_counter() - started
    if progress:
        progress("indexes", 100, 100)
    memory = service.memory.reason if service.memory else ""
    store = store_bytes(service.database_dir)
    return BulkReport(csv, import_s, import_cpu_s, start_s, schema_s, store, memory)


def import_heap() -> str:
    """The importer keeps its big structures off heap (`--max-off-heap-memory`, 90% of free
    memory by default); its heap only needs room for the input buffers and id mapping."""
    return "2g"

"""Your data, taken away: an archive (zip) of everything an account made and its relationships,
built by a job on the media job queue and downloaded through the edge (docs/your-data.md).

`request_export` records an `Archive` (409 while another is under way) and queues the job;
`run_export` builds the zip page by page into a temporary file on disk (media objects are copied
into it in chunks, never held whole in memory), stores it as `export/<user>/<archive>.zip` and
marks the archive ready, dropping the account's older archives. Deleting the account deletes its
archives and their objects (`remove_archives`); a job still running for a deleted account finds
its archive gone and deletes what it stored.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import tempfile
import time
import zipfile
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import anyio.to_thread
from minio.error import S3Error
from redis.exceptions import RedisError

from backends import Backends
from graph import archive as archive_graph
from graph.driver import Row
from graphgram import clock
from graphgram.errors import Conflict, NotFound
from graphgram.ids import new_id
from media import jobs
from media.signing import signed_archive_url
from media.storage import ARCHIVE_KEY_PREFIX as ARCHIVE_PREFIX
from media.storage import delete_objects

log = logging.getLogger(__name__)

EXPORT_KIND = "export"
PAGE = 500
CHUNK = 1024 * 1024
FOLLOWING_CSV_HEADER = ["Account address", "Show boosts", "Notify on new posts", "Languages"]
MUTED_CSV_HEADER = ["Account address", "Hide notifications"]
# Where each step of the job starts, in percent (media copying fills 15..80).
STEPS = {"profile": 1, "posts": 5, "media": 15, "comments": 80, "likes": 83, "saved": 85,
         "stories": 87, "relationships": 90, "upload": 95}  # fmt: skip


class NoLongerWanted(Exception):
    """The archive was deleted with its account, or replaced, while the job ran."""


def archive_key(user_id: str, archive_id: str) -> str:
    return f"{ARCHIVE_PREFIX}{user_id}/{archive_id}.zip"


def stale_before(backends: Backends) -> str:
    at = datetime.now(UTC) - timedelta(seconds=backends.settings.data_job_stale_s)
    return at.isoformat().replace("+00:00", "Z")


async def request_export(backends: Backends, viewer_id: str, domain: str) -> Row:
    """Start an archive of the viewer's data; 409 while one is being made (nothing changes)."""
    row = await archive_graph.start_export(
        backends.graph, viewer_id, new_id(), domain, stale_before(backends)
    )
    if row is None:
        raise NotFound("no such account")
    if not row["created"]:
        raise Conflict(
            f"an archive of your data is already being made ({row['id']}): "
            "follow it with GET /me/export"
        )
    try:
        await jobs.enqueue_job(backends, EXPORT_KIND, row["id"])
    except (RedisError, OSError):
        # Nothing will build it: the archive is failed (it blocks nothing), the request a 503.
        await archive_graph.fail_export(backends.graph, row["id"], "the job queue was unavailable")
        raise
    return row


async def export_state(
    backends: Backends, viewer_id: str, authorization: str
) -> tuple[Row, str | None, int | None]:
    """The viewer's newest archive, and when it is ready its download link: signed for the edge,
    valid for `export_url_ttl_s` and only with the same `Authorization` header (the session that
    asked); (row, url, expires)."""
    row = await archive_graph.latest_export(backends.graph, viewer_id)
    if row is None:
        raise NotFound("no archive of your data yet: POST /me/export makes one")
    if row["status"] != "ready" or not row.get("key"):
        return row, None, None
    url, expires = signed_archive_url(
        backends.settings, str(row["key"]).removeprefix(ARCHIVE_PREFIX), authorization
    )
    return row, url, expires


async def remove_archives(backends: Backends, user_id: str) -> None:
    """Delete every archive object of the account (`export/<user>/…`)."""
    bucket = backends.settings.media_bucket
    prefix = f"{ARCHIVE_PREFIX}{user_id}/"

    def remove() -> None:
        keys = [
            o.object_name
            for o in backends.s3.list_objects(bucket, prefix=prefix, recursive=True)
            if o.object_name
        ]
        delete_objects(backends.s3, bucket, keys)

    await anyio.to_thread.run_sync(remove)


# The job


class Archive:
    """The zip being written to a local file: one entry open at a time, written from a thread."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.names: list[str] = []

    def open(self, name: str, *, stored: bool = False) -> IO[bytes]:
        info = zipfile.ZipInfo(name, date_time=time.gmtime()[:6])
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        self.names.append(name)
        return self.zip.open(info, "w", force_zip64=True)

    def write_bytes(self, name: str, data: bytes) -> None:
        with self.open(name) as out:
            out.write(data)

    def close(self) -> None:
        self.zip.close()


def _copy_object(backends: Backends, key: str, archive: Archive, name: str) -> bool:
    """Copy one stored object into the zip in chunks; False when the store has no such object."""
    try:
        response = backends.s3.get_object(backends.settings.media_bucket, key)
    except S3Error as exc:
        if exc.code in {"NoSuchKey", "NoSuchObject"}:
            return False
        raise
    try:
        with archive.open(name, stored=True) as out:
            for chunk in response.stream(CHUNK):
                out.write(chunk)
    finally:
        response.close()
        response.release_conn()
    return True


def _extension(key: str) -> str:
    tail = key.rsplit("/", 1)[-1]
    return tail.rsplit(".", 1)[-1] if "." in tail else "bin"


def media_name(post_id: str, item: Row) -> str:
    return f"media/{post_id}/{item['position']}-{item['id']}.{_extension(str(item['key']))}"


def story_media_name(story_id: str, item: Row) -> str:
    return f"stories/{story_id}/{item['position']}-{item['id']}.{_extension(str(item['key']))}"


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(rows)
    return out.getvalue().encode()


class Job:
    """One run of an export job."""

    def __init__(self, backends: Backends, claimed: Row, archive: Archive) -> None:
        self.backends = backends
        self.archive_id = str(claimed["id"])
        self.user_id = str(claimed["owner_id"])
        self.domain = str(claimed.get("domain") or "")
        self.archive = archive
        self.last_note = 0.0

    async def note(self, step: str, progress: int, *, force: bool = True) -> None:
        now = time.monotonic()
        if not force and now - self.last_note < 2:
            return
        self.last_note = now
        wanted = await archive_graph.export_progress(
            self.backends.graph, self.archive_id, progress, step
        )
        if not wanted:
            raise NoLongerWanted()

    async def pages(self, what: str) -> AsyncIterator[Row]:
        """Every row of one part of the account's data, page by page."""
        _, cursor = archive_graph.EXPORT_PAGES[what]
        # Which stories are still live is the service's clock's call (graphgram/clock.py).
        extra = {"now": clock.now(self.backends.settings)} if what == "stories" else {}
        after = ""
        while True:
            rows = await archive_graph.export_page(
                self.backends.graph, what, self.user_id, after, PAGE, **extra
            )
            for row in rows:
                yield row
            if len(rows) < PAGE:
                return
            after = str(rows[-1][cursor])

    async def json_list(
        self, name: str, what: str, shape: Callable[[Row], Row | None] = lambda r: r
    ) -> int:
        """A JSON array entry written a page at a time; returns how many items it holds."""
        out = await anyio.to_thread.run_sync(self.archive.open, name)
        count = 0
        try:
            await anyio.to_thread.run_sync(out.write, b"[")
            buffer: list[bytes] = []
            async for row in self.pages(what):
                item = shape(row)
                if item is None:
                    continue
                buffer.append((b",\n" if count else b"\n") + json.dumps(item).encode())
                count += 1
                if len(buffer) >= PAGE:
                    await anyio.to_thread.run_sync(out.write, b"".join(buffer))
                    buffer = []
            await anyio.to_thread.run_sync(out.write, b"".join(buffer) + b"\n]\n")
        finally:
            await anyio.to_thread.run_sync(out.close)
        return count

    async def write(self, name: str, data: bytes) -> None:
        await anyio.to_thread.run_sync(self.archive.write_bytes, name, data)

    async def copy(self, key: str, name: str) -> bool:
        return await anyio.to_thread.run_sync(_copy_object, self.backends, key, self.archive, name)

    def address(self, username: str) -> str:
        return f"{username}@{self.domain}" if self.domain else username

    async def build(self) -> None:
        graph = self.backends.graph
        await self.note("profile", STEPS["profile"])
        profile = await archive_graph.profile(graph, self.user_id)
        if profile is None:
            raise NoLongerWanted()
        pictures = {}
        for picture in profile.pop("pictures"):
            name = f"profile/{picture['kind']}.{_extension(str(picture['key']))}"
            if picture.get("key") and await self.copy(str(picture["key"]), name):
                pictures[picture["kind"]] = name
        profile["address"] = self.address(profile["username"])
        profile["avatar"] = pictures.get("avatar")
        profile["header"] = pictures.get("header")
        profile["exported_at"] = datetime.now(UTC).isoformat()
        await self.write("profile.json", json.dumps(profile, indent=2).encode())

        await self.note("posts", STEPS["posts"])
        media_total = 0

        def post(row: Row) -> Row:
            nonlocal media_total
            media_total += len(row["media"])
            files = [
                {k: v for k, v in item.items() if k not in {"key", "position"}}
                | {"file": media_name(row["id"], item) if item.get("key") else None}
                for item in row["media"]
            ]
            return {**row, "media": files}

        await self.json_list("posts.json", "posts", post)

        # Second pass over the posts: each media object copied into the zip as it is stored.
        await self.note("media", STEPS["media"])
        done = 0
        span = STEPS["comments"] - STEPS["media"]
        async for row in self.pages("posts"):
            for item in row["media"]:
                if item.get("key"):
                    found = await self.copy(str(item["key"]), media_name(row["id"], item))
                    if not found:
                        log.warning("archive %s: media %s is missing", self.archive_id, item["id"])
                done += 1
                progress = STEPS["media"] + span * done // max(media_total, 1)
                await self.note("media", progress, force=False)

        await self.note("comments", STEPS["comments"])
        await self.json_list("comments.json", "comments", lambda r: r)
        await self.note("likes", STEPS["likes"])
        await self.json_list("likes.json", "likes", _without_cursor)
        await self.note("saved", STEPS["saved"])
        await self.json_list("saved_posts.json", "saved", _without_cursor)

        # Live stories and highlighted ones, their media copied on a second pass as the posts'.
        await self.note("stories", STEPS["stories"])

        def story(row: Row) -> Row:
            files = [
                {k: v for k, v in item.items() if k not in {"key", "position"}}
                | {"file": story_media_name(row["id"], item) if item.get("key") else None}
                for item in row["media"]
            ]
            return {**row, "media": files}

        if await self.json_list("stories.json", "stories", story):
            async for row in self.pages("stories"):
                for item in row["media"]:
                    if not item.get("key"):
                        continue
                    if not await self.copy(str(item["key"]), story_media_name(row["id"], item)):
                        log.warning("archive %s: media %s is missing", self.archive_id, item["id"])
        await self.json_list("highlights.json", "highlights")

        await self.note("relationships", STEPS["relationships"])
        following: list[list[str]] = [FOLLOWING_CSV_HEADER]

        def followed(row: Row) -> Row | None:
            if row["suspended"]:
                return None
            following.append([self.address(row["username"]), "true", "false", ""])
            return {"username": row["username"], "address": self.address(row["username"]),
                    "since": row["since"]}  # fmt: skip

        await self.json_list("following.json", "following", followed)
        await self.write("following_accounts.csv", _csv(following))
        following.clear()
        await self.json_list(
            "followers.json", "followers",
            lambda r: None if r["suspended"] else {"username": r["username"], "since": r["since"]},
        )  # fmt: skip
        blocked: list[list[str]] = []

        def block(row: Row) -> Row:
            blocked.append([self.address(row["username"])])
            return {"username": row["username"], "since": row["since"]}

        await self.json_list("blocks.json", "blocks", block)
        await self.write("blocked_accounts.csv", _csv(blocked))
        muted: list[list[str]] = [MUTED_CSV_HEADER]

        def mute(row: Row) -> Row:
            muted.append([self.address(row["username"]), str(bool(row["notifications"])).lower()])
            return _without_cursor(row)

        await self.json_list("mutes.json", "mutes", mute)
        await self.write("muted_accounts.csv", _csv(muted))
        await self.write("README.txt", _readme(self.archive.names).encode())


def _without_cursor(row: Row) -> Row:
    return {k: v for k, v in row.items() if k != "cursor"}


def _readme(names: list[str]) -> str:
    top = sorted({n.split("/", 1)[0] + ("/" if "/" in n else "") for n in names})
    return (
        "Your Graphgram data.\n\n"
        "profile.json, posts.json (each post's media files are under media/<post id>/),\n"
        "comments.json, likes.json, saved_posts.json, stories.json (live stories and those\n"
        "kept in highlights; their media files are under stories/<story id>/), highlights.json,\n"
        "following.json, followers.json, blocks.json and mutes.json; following_accounts.csv,\n"
        "blocked_accounts.csv and muted_accounts.csv in Mastodon's import format.\n\n"
        "Contents: " + ", ".join(top) + "\n"
    )


async def run_export(backends: Backends, archive_id: str) -> None:
    """Build, store and record one archive; safe to run again (a redelivered job starts over)."""
    claimed = await archive_graph.claim_export(backends.graph, archive_id)
    if claimed is None:
        return  # finished, replaced, or deleted with its account
    bucket = backends.settings.media_bucket
    key = archive_key(str(claimed["owner_id"]), archive_id)
    with tempfile.TemporaryDirectory(prefix="graphgram-export-") as tmp:
        path = Path(tmp) / "archive.zip"
        archive = await anyio.to_thread.run_sync(Archive, path)
        job = Job(backends, claimed, archive)
        try:
            await job.build()
            await anyio.to_thread.run_sync(archive.close)
            await job.note("upload", STEPS["upload"])
        except NoLongerWanted:
            return
        finally:
            await anyio.to_thread.run_sync(archive.close)
        size = path.stat().st_size
        await anyio.to_thread.run_sync(
            lambda: backends.s3.fput_object(
                bucket, key, str(path), content_type="application/zip", part_size=16 * CHUNK
            )
        )
    replaced = await archive_graph.finish_export(backends.graph, archive_id, key, size)
    stale = [key] if replaced is None else [k for k in replaced if k and k != key]
    if stale:
        await anyio.to_thread.run_sync(delete_objects, backends.s3, bucket, stale)


async def give_up_export(backends: Backends, archive_id: str, reason: str) -> None:
    await archive_graph.fail_export(backends.graph, archive_id, reason)


EXPORT_JOB = jobs.JobHandler(run=run_export, give_up=give_up_export)

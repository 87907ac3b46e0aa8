"""The media bucket copied beside a graph backup, and put back exactly on restore.

Objects are content-addressed and never change once written, so a key names its bytes for
good: a backup copies each object into `<backup>/media/<key>` over the S3 API, hard-linking
the file from the previous backup when that one already holds the same key with the same
size and ETag (each backup stays a whole, self-contained directory; only new objects cost
a download). A restore uploads what the bucket lacks or holds differently, and deletes
what the backup does not list.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from minio import Minio

from media.storage import delete_objects

Tick = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class MirroredObject:
    key: str
    size: int
    etag: str
    content_type: str


def _plain_md5(etag: str) -> bool:
    """A single-part upload's ETag is its bytes' MD5; a multipart one's has a `-N` suffix."""
    return len(etag) == 32 and "-" not in etag


def file_md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _safe_path(root: Path, key: str) -> Path:
    target = (root / key).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ValueError(f"object key {key!r} leaves the backup directory")
    return target


def mirror_bucket(
    client: Minio,
    bucket: str,
    target: Path,
    previous: tuple[Path, list[MirroredObject]] | None,
    tick: Tick,
) -> list[MirroredObject]:
    """Copy every object of `bucket` under `target`; returns what was copied. `previous`: an
    earlier backup's media directory and objects, whose unchanged files are hard-linked."""
    before = {o.key: (o.etag, o.size) for o in previous[1]} if previous else {}
    listed = [o for o in client.list_objects(bucket, recursive=True) if o.object_name]
    copied: list[MirroredObject] = []
    for done, obj in enumerate(listed, 1):
        key = str(obj.object_name)
        etag = (obj.etag or "").strip('"')
        size = int(obj.size or 0)
        path = _safe_path(target, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        old = _safe_path(previous[0], key) if previous is not None else None
        if old is not None and before.get(key) == (etag, size) and old.is_file():
            os.link(old, path)
        else:
            client.fget_object(bucket, key, str(path))
        stat = client.stat_object(bucket, key) if not obj.content_type else None
        content_type = obj.content_type or (stat.content_type if stat else None)
        copied.append(MirroredObject(key, size, etag, content_type or "application/octet-stream"))
        tick(done, len(listed))
    return copied


def missing_or_damaged(target: Path, objects: list[MirroredObject]) -> list[str]:
    """Keys whose file is absent, of the wrong size, or (single-part ETag) of the wrong MD5."""
    bad = []
    for obj in objects:
        path = _safe_path(target, obj.key)
        damaged = not path.is_file() or path.stat().st_size != obj.size
        if damaged or (_plain_md5(obj.etag) and file_md5(path) != obj.etag):
            bad.append(obj.key)
    return bad


def restore_bucket(
    client: Minio, bucket: str, source: Path, objects: list[MirroredObject], tick: Tick
) -> tuple[int, list[str]]:
    """Make `bucket` hold exactly `objects`: upload the missing or different ones, delete the
    rest. Returns (uploaded, deleted keys)."""
    present = {
        str(o.object_name): ((o.etag or "").strip('"'), int(o.size or 0))
        for o in client.list_objects(bucket, recursive=True)
        if o.object_name
    }
    wanted = {obj.key for obj in objects}
    uploaded = 0
    for done, obj in enumerate(objects, 1):
        if present.get(obj.key) != (obj.etag, obj.size):
            client.fput_object(
                bucket, obj.key, str(_safe_path(source, obj.key)), content_type=obj.content_type
            )
            uploaded += 1
        tick(done, len(objects))
    extra = sorted(set(present) - wanted)
    delete_objects(client, bucket, extra)
    return uploaded, extra

"""The object store, spoken to over the plain S3 API (the `minio` SDK).

It runs unchanged against MinIO, SeaweedFS or AWS S3. Objects are immutable and content-addressed;
the bucket allows anonymous GetObject because only the edge (nginx) can reach the store, and the
edge checks a signed, expiring URL before it proxies or serves from cache.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from minio import Minio
from minio.error import S3Error
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

PART_SIZE = 16 * 1024 * 1024  # S3 multipart part size for large originals
# A person's data archives (services/data_export.py): `export/<user id>/<archive id>.zip`, no
# Media's; served only through the edge's `/x/` location (media.signing.signed_archive_url).
ARCHIVE_KEY_PREFIX = "export/"
# The only answers that mean "this object is not there"; any other error is raised, so a store
# that is down or misconfigured is never mistaken for a missing object.
_MISSING = {"NoSuchKey", "NoSuchObject", "NotFound", "ResourceNotFound"}


def object_exists(client: Minio, bucket: str, key: str) -> bool:
    """True when the object is stored, False only when the store says it is missing."""
    try:
        client.stat_object(bucket, key)
        return True
    except S3Error as exc:
        if exc.code in _MISSING:
            return False
        raise


def object_size(client: Minio, bucket: str, key: str) -> int | None:
    """The object's size in bytes, None only when the store says it is missing."""
    try:
        size = client.stat_object(bucket, key).size
    except S3Error as exc:
        if exc.code in _MISSING:
            return None
        raise
    return int(size) if size is not None else None


def put_bytes(client: Minio, bucket: str, key: str, data: bytes, content_type: str) -> bool:
    """Store an immutable, content-addressed object; False when it was already there."""
    if object_exists(client, bucket, key):
        return False
    client.put_object(bucket, key, io.BytesIO(data), len(data), content_type=content_type)
    return True


def put_file(client: Minio, bucket: str, key: str, path: Path, content_type: str) -> bool:
    """Like `put_bytes`, streaming a local file (multipart for large ones)."""
    if object_exists(client, bucket, key):
        return False
    client.fput_object(bucket, key, str(path), content_type=content_type, part_size=PART_SIZE)
    return True


def _read_policy(bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ["*"]},
                    "Action": ["s3:GetObject"],
                    "Resource": [f"arn:aws:s3:::{bucket}/*"],
                }
            ],
        }
    )


def ensure_bucket(client: Minio, bucket: str) -> None:
    """Create the media bucket with its edge-read policy; safe to call on every start."""
    try:
        if not client.bucket_exists(bucket):
            client.make_bucket(bucket)
    except S3Error as exc:
        if exc.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
            raise
    client.set_bucket_policy(bucket, _read_policy(bucket))


def empty_bucket(client: Minio, bucket: str) -> int:
    """Remove every object and abort every unfinished multipart upload (tests and `stack
    reset`); returns how many objects were removed."""
    while uploads := client._list_multipart_uploads(bucket, max_uploads=1000).uploads:
        for upload in uploads:
            client._abort_multipart_upload(bucket, str(upload.object_name), str(upload.upload_id))
    keys = [o.object_name for o in client.list_objects(bucket, recursive=True) if o.object_name]
    delete_objects(client, bucket, keys)
    return len(keys)


# Per-object answers of a batch delete that mean "not now" (an erasure set whose restarted
# member is not writable yet answers SlowDownWrite): those keys are sent again, with a backoff.
SLOW_DOWN_CODES = frozenset({"SlowDown", "SlowDownWrite", "SlowDownRead", "ServiceUnavailable"})


class _NotNow(Exception):
    """Some keys of a batch delete were answered "slow down"."""


def delete_objects(client: Minio, bucket: str, keys: list[str]) -> None:
    """Delete the given keys (missing ones are fine); keys the store answers "slow down" for are
    sent again (up to 6 tries over about 6 s); raises when the store reports other errors, or
    still those after the last try."""
    from minio.deleteobjects import DeleteObject

    left = list(keys)
    for attempt in Retrying(
        retry=retry_if_exception_type(_NotNow),
        stop=stop_after_attempt(6),
        wait=wait_exponential(multiplier=0.2, max=3.2),
        reraise=True,
    ):
        with attempt:
            if not left:
                return
            errors = list(client.remove_objects(bucket, [DeleteObject(k) for k in left]))
            if any(e.code not in SLOW_DOWN_CODES for e in errors):
                raise RuntimeError(f"could not delete {len(errors)} objects: {errors[0]}")
            left = [e.name for e in errors if e.name]
            if errors:
                raise _NotNow(f"could not delete {len(errors)} objects yet: {errors[0]}")

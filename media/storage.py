"""The object store, spoken to over the plain S3 API (the `minio` SDK).

It runs unchanged against MinIO, SeaweedFS or AWS S3. Objects are immutable and content-addressed;
the bucket allows anonymous GetObject because only the edge (nginx) can reach the store, and the
edge checks a signed, expiring URL before it proxies or serves from cache.
"""

from __future__ import annotations

import json

from minio import Minio
from minio.error import S3Error

from graphgram.settings import Settings


def make_client(settings: Settings, cls: type[Minio] = Minio) -> Minio:
    return cls(
        settings.s3_endpoint,
        access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key,
        secure=settings.s3_secure,
        region=settings.s3_region,
    )


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
    """Remove every object (tests and `stack reset`); returns how many were removed."""
    keys = [o.object_name for o in client.list_objects(bucket, recursive=True) if o.object_name]
    delete_objects(client, bucket, keys)
    return len(keys)


def delete_objects(client: Minio, bucket: str, keys: list[str]) -> None:
    """Delete the given keys (missing ones are fine); raises when the store reports errors."""
    from minio.deleteobjects import DeleteObject

    if not keys:
        return
    errors = list(client.remove_objects(bucket, [DeleteObject(k) for k in keys]))
    if errors:
        raise RuntimeError(f"could not delete {len(errors)} objects: {errors[0]}")

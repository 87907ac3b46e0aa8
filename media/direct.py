"""Direct uploads: S3 multipart uploads whose parts the client sends straight to the store.

The API starts a multipart upload, hands out one presigned `UploadPart` URL per part, lists the
parts the store holds (`ListParts`, so a client resumes without re-sending), completes it from
that list (never from what the client claims) and aborts it. No byte of the upload passes
through the API process.

Each part URL is signed for its exact `Content-Length` (the header is in `X-Amz-SignedHeaders`),
so a body of any other length fails the store's signature check: a part URL cannot be used to
store more than the declared size. The `minio` SDK presigns with the host header only, so the
URL is assembled here from the SDK's own SigV4 primitives with `content-length;host` signed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import SplitResult, urlsplit

from minio import Minio
from minio import time as s3time
from minio.datatypes import Part
from minio.error import S3Error
from minio.helpers import queryencode, sha256_hash
from minio.signer import (
    _get_canonical_query_string,
    _get_scope,
    _get_signature,
    _get_signing_key,
    _get_string_to_sign,
)

from graphgram.settings import Settings

MIN_PART = 5 * 1024 * 1024  # S3's smallest part (every part but the last)
MAX_PARTS = 10_000  # S3's most parts per upload
_NO_UPLOAD = {"NoSuchUpload"}


@dataclass(frozen=True)
class StoredPart:
    number: int
    size: int
    etag: str


def part_sizes(size: int, part_size: int) -> list[int]:
    """The size of each part of an upload of `size` bytes cut into `part_size` parts."""
    count = max(1, -(-size // part_size))
    return [part_size] * (count - 1) + [size - part_size * (count - 1)]


def public_base(settings: Settings) -> str:
    """Where clients send parts (the signature covers this host): `s3_public_url`, else the
    media edge, which passes part PUTs (and nothing else) to the store, else the store itself."""
    if settings.s3_public_url:
        return settings.s3_public_url.rstrip("/")
    if settings.cdn_base_url:
        return settings.cdn_base_url.rstrip("/")
    scheme = "https" if settings.s3_secure else "http"
    return f"{scheme}://{settings.s3_endpoint}"


def presign_part(
    settings: Settings,
    key: str,
    upload_id: str,
    number: int,
    length: int,
    *,
    expires_s: int,
    now: datetime | None = None,
) -> str:
    """A URL that PUTs part `number` of `upload_id`, valid for `expires_s` and only for a body
    of exactly `length` bytes (SigV4 query signing with `content-length` among signed headers)."""
    date = now or datetime.now(UTC).replace(microsecond=0)
    base = urlsplit(public_base(settings))
    path = f"{base.path.rstrip('/')}/{settings.media_bucket}/{queryencode(key, safe='/')}"
    scope = _get_scope(date, settings.s3_region, "s3")
    signed_headers = "content-length;host"
    query = (
        f"partNumber={number}&uploadId={queryencode(upload_id)}"
        f"&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential={queryencode(settings.s3_access_key + '/' + scope)}"
        f"&X-Amz-Date={s3time.to_amz_date(date)}"
        f"&X-Amz-Expires={expires_s}"
        f"&X-Amz-SignedHeaders={queryencode(signed_headers)}"
    )
    canonical = (
        f"PUT\n{path}\n{_get_canonical_query_string(query)}\n"
        f"content-length:{length}\nhost:{base.netloc}\n\n"
        f"{signed_headers}\nUNSIGNED-PAYLOAD"
    )
    string_to_sign = _get_string_to_sign(date, scope, sha256_hash(canonical))
    signing_key = _get_signing_key(settings.s3_secret_key, date, settings.s3_region, "s3")
    signature = _get_signature(signing_key, string_to_sign)
    url = SplitResult(base.scheme, base.netloc, path, f"{query}&X-Amz-Signature={signature}", "")
    return url.geturl()


def create(client: Minio, bucket: str, key: str, content_type: str) -> str:
    """Start a multipart upload; its S3 upload id."""
    return client._create_multipart_upload(bucket, key, {"Content-Type": content_type})


def list_parts(client: Minio, bucket: str, key: str, upload_id: str) -> list[StoredPart] | None:
    """Every part the store holds for the upload (all pages), None when it has no such upload."""
    parts: list[StoredPart] = []
    marker = 0
    while True:
        try:
            result = client._list_parts(
                bucket, key, upload_id, max_parts=1000, part_number_marker=str(marker)
            )
        except S3Error as exc:
            if exc.code in _NO_UPLOAD:
                return None
            raise
        parts.extend(
            StoredPart(int(p.part_number), int(p.size or 0), str(p.etag)) for p in result.parts
        )
        if not result.is_truncated or not result.parts:
            return parts
        marker = int(result.next_part_number_marker or parts[-1].number)


def complete(client: Minio, bucket: str, key: str, upload_id: str, parts: list[StoredPart]) -> bool:
    """Join the parts into the object; False when the store no longer has the upload (a
    concurrent completion joined it first, or it was aborted)."""
    try:
        client._complete_multipart_upload(
            bucket, key, upload_id, [Part(p.number, p.etag) for p in parts]
        )
    except S3Error as exc:
        if exc.code in _NO_UPLOAD:
            return False
        raise
    return True


def abort(client: Minio, bucket: str, key: str, upload_id: str) -> None:
    """Abort the upload and drop its parts; an upload the store no longer has is fine."""
    try:
        client._abort_multipart_upload(bucket, key, upload_id)
    except S3Error as exc:
        if exc.code not in _NO_UPLOAD:
            raise


def in_progress(client: Minio, bucket: str, prefix: str = "") -> list[tuple[str, str]]:
    """(key, upload id) of every multipart upload the store holds under `prefix` (first 1000)."""
    result = client._list_multipart_uploads(bucket, prefix=prefix, max_uploads=1000)
    return [(str(u.object_name), str(u.upload_id)) for u in result.uploads]


def head(client: Minio, bucket: str, key: str, length: int) -> tuple[bytes, int | None]:
    """The first `length` bytes of an object (a ranged GET; the rest is never read) and the
    object's whole size from the answer's Content-Range; None when the store has no object."""
    try:
        response = client.get_object(bucket, key, offset=0, length=length)
    except S3Error as exc:
        if exc.code in {"NoSuchKey", "NoSuchObject"}:
            return b"", None
        raise
    try:
        total = response.headers.get("Content-Range", "").rpartition("/")[2]
        return bytes(response.read()), int(total) if total.isdigit() else None
    finally:
        response.close()
        response.release_conn()

"""The S3 side of uploads: signing, checking and reading objects.

boto3 calls that touch the network run in a worker thread, so a slow S3 never stalls
the event loop. Signing is local computation.
"""

from __future__ import annotations

{% if cookiecutter.use_background_jobs == "y" -%}
import hashlib
{% endif -%}
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import structlog
from starlette.concurrency import run_in_threadpool

from {{ cookiecutter.package_name }}.core.aws import s3_client
from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.core.errors import ServiceUnavailableError

if TYPE_CHECKING:
    from botocore.exceptions import ClientError

log = structlog.get_logger(__name__)

# Short-lived on purpose: a leaked URL is useless minutes later.
UPLOAD_URL_EXPIRES_SECONDS = 300
DOWNLOAD_URL_EXPIRES_SECONDS = 300
{%- if cookiecutter.use_background_jobs == "y" %}
READ_CHUNK_BYTES = 1024 * 1024
{%- endif %}


@dataclass(frozen=True)
class StoredObject:
    size: int
    content_type: str
{%- if cookiecutter.use_background_jobs == "y" %}


@dataclass(frozen=True)
class ObjectDigest:
    sha256: str
    size: int
{%- endif %}


# What S3 answers for a key that is not there: 404 (HEAD) / NoSuchKey (GET) to a caller
# allowed s3:ListBucket, 403 (HEAD) / AccessDenied (GET) to one that is not ("If you
# don't have the s3:ListBucket permission, Amazon S3 returns an HTTP status code 403",
# HeadObject in the S3 API reference). The app role may list its uploads prefix, so a 403
# should not happen; it still means "not there for us", never an error page.
NOT_THERE = frozenset({"404", "NoSuchKey", "NotFound"})
NOT_THERE_FOR_US = frozenset({"403", "AccessDenied"})


def object_absent(error: ClientError, key: str) -> bool:
    """Whether S3's error means the object is not there (or not readable by this role)."""
    code = error.response.get("Error", {}).get("Code", "")
    if code in NOT_THERE_FOR_US:
        # Not a user error: a policy that lost s3:ListBucket or s3:GetObject shows here.
        log.warning("storage_access_denied", key=key, code=code)
    return code in NOT_THERE or code in NOT_THERE_FOR_US


def bucket(settings: Settings) -> str:
    if not settings.uploads_bucket:
        raise ServiceUnavailableError("Uploads are not configured: UPLOADS_BUCKET is empty")
    return settings.uploads_bucket


def presigned_post(settings: Settings, key: str, content_type: str) -> dict[str, Any]:
    """A POST policy S3 enforces: this key, this exact type, 1..UPLOAD_MAX_BYTES bytes."""
    post: dict[str, Any] = s3_client(settings).generate_presigned_post(
        Bucket=bucket(settings),
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[
            {"Content-Type": content_type},
            ["content-length-range", 1, settings.upload_max_bytes],
        ],
        ExpiresIn=UPLOAD_URL_EXPIRES_SECONDS,
    )
    return post


async def stored_object(settings: Settings, key: str) -> StoredObject | None:
    """The object's size and type as S3 has them, or None when nothing is there (yet)."""
    from botocore.exceptions import BotoCoreError, ClientError

    client = s3_client(settings)
    try:
        head = await run_in_threadpool(client.head_object, Bucket=bucket(settings), Key=key)
    except ClientError as error:
        if object_absent(error, key):
            return None
        raise
    except BotoCoreError:
        raise ServiceUnavailableError("Storage is unreachable") from None
    return StoredObject(size=head["ContentLength"], content_type=head.get("ContentType", ""))


def presigned_download(settings: Settings, key: str, filename: str) -> str:
    url: str = s3_client(settings).generate_presigned_url(
        "get_object",
        Params={
            "Bucket": bucket(settings),
            "Key": key,
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
        },
        ExpiresIn=DOWNLOAD_URL_EXPIRES_SECONDS,
    )
    return url
{%- if cookiecutter.use_background_jobs == "y" %}


async def object_digest(settings: Settings, key: str) -> ObjectDigest | None:
    """The object's SHA-256 and byte count, read in chunks (never whole into memory), or
    None when the object does not exist."""
    from botocore.exceptions import ClientError

    client = s3_client(settings)

    def read() -> ObjectDigest | None:
        try:
            body = client.get_object(Bucket=bucket(settings), Key=key)["Body"]
        except ClientError as error:
            if object_absent(error, key):
                return None
            raise
        digest, size = hashlib.sha256(), 0
        with body:
            for chunk in body.iter_chunks(READ_CHUNK_BYTES):
                digest.update(chunk)
                size += len(chunk)
        return ObjectDigest(sha256=digest.hexdigest(), size=size)

    return await run_in_threadpool(read)
{%- endif %}

"""Upload logic, free of HTTP. Every query is scoped to its owner, and every key lives
under `uploads/<owner id>/`, so no user can read, confirm or sign another's file."""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Any

from {{ cookiecutter.package_name }}.core.clock import utcnow
from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.core.errors import ConflictError, InvalidInputError, NotFoundError
from {{ cookiecutter.package_name }}.core.ids import PageRequest, new_id
{%- if cookiecutter.use_background_jobs == "y" %}
from {{ cookiecutter.package_name }}.jobs.base import JobQueue
{%- endif %}
from {{ cookiecutter.package_name }}.uploads import storage
{%- if cookiecutter.use_background_jobs == "y" %}
from {{ cookiecutter.package_name }}.uploads.jobs import ProcessUpload
{%- endif %}
from {{ cookiecutter.package_name }}.uploads.models import Upload
from {{ cookiecutter.package_name }}.uploads.repository import UploadRepository
from {{ cookiecutter.package_name }}.uploads.schemas import PresignedUpload, UploadCreate
from {{ cookiecutter.package_name }}.uploads.status import UploadStatus
from {{ cookiecutter.package_name }}.users.models import User

MAX_KEY_FILENAME_LENGTH = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(filename: str) -> str:
    """The last path segment, reduced to ASCII letters, digits, dot, dash and underscore."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = _UNSAFE.sub("_", name).strip("._")
    return name[-MAX_KEY_FILENAME_LENGTH:] or "file"


def object_key(owner_id: uuid.UUID, upload_id: uuid.UUID, filename: str) -> str:
    return f"uploads/{owner_id}/{upload_id}/{safe_filename(filename)}"


def check_limits(settings: Settings, data: UploadCreate) -> str:
    """The normalised content type, or a 422 saying which limit the request breaks."""
    content_type = data.content_type.strip().lower()
    if content_type not in settings.upload_allowed_types:
        allowed = ", ".join(settings.upload_allowed_types)
        raise InvalidInputError(
            f"content type {content_type!r} is not allowed (allowed: {allowed})",
            field="body.content_type",
        )
    if data.size > settings.upload_max_bytes:
        raise InvalidInputError(
            f"size {data.size} exceeds the limit of {settings.upload_max_bytes} bytes",
            field="body.size",
        )
    return content_type


def document_limits(openapi: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The OpenAPI document with check_limits' rules in UploadCreate's schema: clients and
    the generated API tests see the types and the size this deployment accepts."""
    properties = openapi["components"]["schemas"]["UploadCreate"]["properties"]
    properties["content_type"]["enum"] = list(settings.upload_allowed_types)
    properties["size"]["maximum"] = settings.upload_max_bytes
    return openapi


async def start_upload(
    uploads: UploadRepository, settings: Settings, owner: User, data: UploadCreate
) -> PresignedUpload:
    content_type = check_limits(settings, data)
    upload_id = new_id()
    upload = Upload(
        id=upload_id,
        owner_id=owner.id,
        key=object_key(owner.id, upload_id, data.filename),
        filename=data.filename,
        content_type=content_type,
        size=data.size,
    )
    post = storage.presigned_post(settings, upload.key, content_type)
    await uploads.add(upload)
    return PresignedUpload(
        id=upload_id,
        url=post["url"],
        fields=post["fields"],
        expires_in=storage.UPLOAD_URL_EXPIRES_SECONDS,
    )


async def get_upload(uploads: UploadRepository, owner: User, upload_id: uuid.UUID) -> Upload:
    upload = await uploads.get(owner.id, upload_id)
    if upload is None:
        raise NotFoundError("Upload not found")
    return upload
{%- if cookiecutter.use_background_jobs == "y" %}


async def complete_upload(
    uploads: UploadRepository, settings: Settings, upload: Upload, jobs: JobQueue
) -> Upload:
    """Marks the upload done once S3 holds the object with the declared size and type, and
    queues its processing.

    Completing again is harmless, and queues the processing again until it has run, so a
    retry after a queue outage still gets the upload processed (the job ignores repeats).
    """
    if upload.status == UploadStatus.PENDING:
        await _confirm_stored(uploads, settings, upload)
    if upload.status == UploadStatus.UPLOADED:
        await jobs.enqueue(ProcessUpload(owner_id=upload.owner_id, upload_id=upload.id))
        upload = await uploads.reload(upload)  # an inline job has processed it by now
    return upload
{%- else %}


async def complete_upload(uploads: UploadRepository, settings: Settings, upload: Upload) -> Upload:
    """Marks the upload done once S3 holds the object with the declared size and type.

    Completing twice is harmless: a finished upload is returned as it is.
    """
    if upload.status == UploadStatus.PENDING:
        await _confirm_stored(uploads, settings, upload)
    return upload
{%- endif %}


async def _confirm_stored(uploads: UploadRepository, settings: Settings, upload: Upload) -> None:
    stored = await storage.stored_object(settings, upload.key)
    if stored is None:
        raise ConflictError("The file has not been uploaded yet")
    if stored.size != upload.size:
        raise ConflictError(
            f"The stored file has {stored.size} bytes, not the declared {upload.size}"
        )
    if stored.content_type.lower() != upload.content_type:
        raise ConflictError(
            f"The stored file is {stored.content_type!r}, not the declared {upload.content_type!r}"
        )
    await uploads.mark_uploaded(upload, completed_at=utcnow())


async def list_uploads(
    uploads: UploadRepository, owner: User, page: PageRequest
) -> tuple[list[Upload], str | None]:
    return await uploads.page(owner.id, page)


def download_url(settings: Settings, upload: Upload) -> str:
    if upload.status == UploadStatus.PENDING:
        raise ConflictError("The upload is not complete")
    return storage.presigned_download(settings, upload.key, safe_filename(upload.filename))

"""Background work on uploads: checksum a completed upload."""

from __future__ import annotations

import uuid
from typing import ClassVar

import structlog

from {{ cookiecutter.package_name }}.core.clock import utcnow
from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.jobs.base import Job, JobContext, JobError
from {{ cookiecutter.package_name }}.uploads import storage
from {{ cookiecutter.package_name }}.uploads.repository import UploadRepository
from {{ cookiecutter.package_name }}.uploads.status import UploadStatus

log = structlog.get_logger(__name__)


class ProcessUpload(Job):
    """Reads the completed upload's object, records its SHA-256 and byte size, and marks
    it processed. A processed upload is left as it is, so a redelivered message is harmless."""

    name: ClassVar[str] = "process_upload"

    owner_id: uuid.UUID
    upload_id: uuid.UUID

    async def run(self, context: JobContext) -> None:
{%- if cookiecutter.database == "dynamodb" %}
        await self.process(UploadRepository(context.database), context.settings)
{%- else %}
        async with context.database.session() as session:
            await self.process(UploadRepository(session), context.settings)
{%- endif %}

    async def process(self, uploads: UploadRepository, settings: Settings) -> None:
        upload = await uploads.get(self.owner_id, self.upload_id)
        if upload is None:
            log.warning("upload_gone", upload_id=str(self.upload_id))
            return
        if upload.status == UploadStatus.PROCESSED:
            return
        if upload.status != UploadStatus.UPLOADED:
            raise JobError(f"upload {self.upload_id} is {upload.status}, not uploaded")
        digest = await storage.object_digest(settings, upload.key)
        if digest is None:
            raise JobError(f"the object of upload {self.upload_id} is missing")
        await uploads.mark_processed(
            upload, sha256=digest.sha256, size=digest.size, processed_at=utcnow()
        )

"""Background work on uploads: checksum a completed upload."""

from __future__ import annotations

import uuid
from typing import ClassVar

import structlog
from sqlalchemy import update

from {{ cookiecutter.package_name }}.core.db import utcnow
from {{ cookiecutter.package_name }}.jobs.base import Job, JobContext, JobError
from {{ cookiecutter.package_name }}.uploads import storage
from {{ cookiecutter.package_name }}.uploads.models import Upload, UploadStatus

log = structlog.get_logger(__name__)


class ProcessUpload(Job):
    """Reads the completed upload's object, records its SHA-256 and byte size, and marks
    it processed. A processed upload is left as it is, so a redelivered message is harmless."""

    name: ClassVar[str] = "process_upload"

    upload_id: uuid.UUID

    async def run(self, context: JobContext) -> None:
        async with context.database.session() as session:
            upload = await session.get(Upload, self.upload_id)
            if upload is None:
                log.warning("upload_gone", upload_id=str(self.upload_id))
                return
            if upload.status == UploadStatus.PROCESSED:
                return
            if upload.status != UploadStatus.UPLOADED:
                raise JobError(f"upload {self.upload_id} is {upload.status}, not uploaded")
            digest = await storage.object_digest(context.settings, upload.key)
            if digest is None:
                raise JobError(f"the object of upload {self.upload_id} is missing")
            # Only an upload still waiting changes, so of two concurrent runs one writes.
            await session.execute(
                update(Upload)
                .where(Upload.id == self.upload_id, Upload.status == UploadStatus.UPLOADED)
                .values(
                    sha256=digest.sha256,
                    size=digest.size,
                    status=UploadStatus.PROCESSED,
                    processed_at=utcnow(),
                )
            )
            await session.commit()

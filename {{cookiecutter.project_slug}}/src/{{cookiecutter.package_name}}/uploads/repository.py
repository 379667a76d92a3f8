"""The uploads table. Every read names the owner, so no user can read, confirm or sign
another's file."""

from __future__ import annotations

import uuid
from datetime import datetime

{% if cookiecutter.use_background_jobs == "y" -%}
from sqlalchemy import select, update
{%- else -%}
from sqlalchemy import select
{%- endif %}
from sqlalchemy.ext.asyncio import AsyncSession

from {{ cookiecutter.package_name }}.core.db import fetch_page
from {{ cookiecutter.package_name }}.core.ids import PageRequest
from {{ cookiecutter.package_name }}.uploads.models import Upload
from {{ cookiecutter.package_name }}.uploads.status import UploadStatus


class UploadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, upload: Upload) -> None:
        self._session.add(upload)
        await self._session.commit()

    async def get(self, owner_id: uuid.UUID, upload_id: uuid.UUID) -> Upload | None:
        upload: Upload | None = await self._session.scalar(
            select(Upload).where(Upload.id == upload_id, Upload.owner_id == owner_id)
        )
        return upload

    async def page(self, owner_id: uuid.UUID, page: PageRequest) -> tuple[list[Upload], str | None]:
        owned = select(Upload).where(Upload.owner_id == owner_id)
        return await fetch_page(self._session, owned, Upload.id, page)

    async def mark_uploaded(self, upload: Upload, completed_at: datetime) -> None:
        upload.status = UploadStatus.UPLOADED
        upload.completed_at = completed_at
        await self._session.commit()
{%- if cookiecutter.use_background_jobs == "y" %}

    async def reload(self, upload: Upload) -> Upload:
        """The upload as stored now (a job may have changed it since it was read)."""
        await self._session.refresh(upload)
        return upload

    async def mark_processed(
        self, upload: Upload, *, sha256: str, size: int, processed_at: datetime
    ) -> None:
        """Records the checksum, if the upload is still waiting for it: of two concurrent
        runs, one writes."""
        await self._session.execute(
            update(Upload)
            .where(
                Upload.id == upload.id,
                Upload.owner_id == upload.owner_id,
                Upload.status == UploadStatus.UPLOADED,
            )
            .values(
                sha256=sha256, size=size, status=UploadStatus.PROCESSED, processed_at=processed_at
            )
        )
        await self._session.commit()
{%- endif %}

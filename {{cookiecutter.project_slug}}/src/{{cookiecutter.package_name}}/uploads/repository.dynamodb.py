"""The uploads table. Every key names the owner, so no user can read, confirm or sign
another's file.

A pending upload's item carries `expires_at`, the time DynamoDB's TTL may delete it (in
seconds since the epoch, as TTL reads it: DynamoDB Developer Guide, "Time to Live"): a
day after its upload URL expired, when no client can finish it any more. Completing an
upload removes the attribute, so what was uploaded stays.
"""

from __future__ import annotations

{% if cookiecutter.use_background_jobs == "y" -%}
import contextlib
{% endif -%}
import uuid
from datetime import datetime, timedelta

from {{ cookiecutter.package_name }}.core.db import (
{%- if cookiecutter.use_background_jobs == "y" %}
    ConditionFailedError,
{%- endif %}
    Database,
    Item,
    owned_item,
    owned_key,
    owned_page,
    timestamp,
)
from {{ cookiecutter.package_name }}.core.ids import PageRequest
from {{ cookiecutter.package_name }}.uploads.models import Upload
from {{ cookiecutter.package_name }}.uploads.status import UploadStatus
from {{ cookiecutter.package_name }}.uploads.storage import UPLOAD_URL_EXPIRES_SECONDS

PENDING_UPLOAD_LIFETIME = timedelta(seconds=UPLOAD_URL_EXPIRES_SECONDS, days=1)
TTL_ATTRIBUTE = "expires_at"


def upload_item(upload: Upload) -> Item:
    """The upload as stored: a pending one with the time DynamoDB may delete it."""
    item = upload.to_item()
    if upload.status == UploadStatus.PENDING:
        expires_at = int((upload.created_at + PENDING_UPLOAD_LIFETIME).timestamp())
        item[TTL_ATTRIBUTE] = {"N": str(expires_at)}
    return item


class UploadRepository:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._table = database.table("uploads")

    async def add(self, upload: Upload) -> None:
        await self._database.run(
            self._database.client.put_item,
            TableName=self._table,
            Item=upload_item(upload),
            ConditionExpression="attribute_not_exists(id)",
        )

    async def get(self, owner_id: uuid.UUID, upload_id: uuid.UUID) -> Upload | None:
        item = await owned_item(self._database, self._table, owner_id, upload_id)
        return Upload.from_item(item) if item is not None else None

    async def page(self, owner_id: uuid.UUID, page: PageRequest) -> tuple[list[Upload], str | None]:
        items, cursor = await owned_page(self._database, self._table, owner_id, page)
        return [Upload.from_item(item) for item in items], cursor

    async def mark_uploaded(self, upload: Upload, completed_at: datetime) -> None:
        await self._database.run(
            self._database.client.update_item,
            TableName=self._table,
            Key=owned_key(upload.owner_id, upload.id),
            UpdateExpression=f"SET #status = :uploaded, completed_at = :at REMOVE {TTL_ATTRIBUTE}",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={
                ":uploaded": {"S": UploadStatus.UPLOADED},
                ":at": {"S": timestamp(completed_at)},
            },
        )
        upload.status = UploadStatus.UPLOADED
        upload.completed_at = completed_at
{%- if cookiecutter.use_background_jobs == "y" %}

    async def reload(self, upload: Upload) -> Upload:
        """The upload as stored now (a job may have changed it since it was read)."""
        return await self.get(upload.owner_id, upload.id) or upload

    async def mark_processed(
        self, upload: Upload, *, sha256: str, size: int, processed_at: datetime
    ) -> None:
        """Records the checksum, if the upload is still waiting for it: of two concurrent
        runs, one writes."""
        with contextlib.suppress(ConditionFailedError):
            await self._database.run(
                self._database.client.update_item,
                TableName=self._table,
                Key=owned_key(upload.owner_id, upload.id),
                UpdateExpression=(
                    "SET sha256 = :sha256, #size = :size, #status = :processed, processed_at = :at"
                ),
                ConditionExpression="#status = :uploaded",
                ExpressionAttributeNames={"#status": "status", "#size": "size"},
                ExpressionAttributeValues={
                    ":sha256": {"S": sha256},
                    ":size": {"N": str(size)},
                    ":processed": {"S": UploadStatus.PROCESSED},
                    ":uploaded": {"S": UploadStatus.UPLOADED},
                    ":at": {"S": timestamp(processed_at)},
                },
            )
{%- endif %}

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from {{ cookiecutter.package_name }}.core.clock import utcnow
from {{ cookiecutter.package_name }}.core.db import Record
from {{ cookiecutter.package_name }}.core.ids import new_id
from {{ cookiecutter.package_name }}.uploads.status import UploadStatus


@dataclass(kw_only=True)
class Upload(Record):
    """An item of the uploads table (key: owner_id, then id), so an upload is found only
    under its owner. A pending upload's item also holds the time DynamoDB may delete it
    (uploads/repository.py)."""

    owner_id: uuid.UUID
    key: str
    filename: str
    content_type: str
    size: int
    id: uuid.UUID = field(default_factory=new_id)
    status: UploadStatus = UploadStatus.PENDING
    created_at: datetime = field(default_factory=utcnow)
    completed_at: datetime | None = None
{%- if cookiecutter.use_background_jobs == "y" %}
    sha256: str | None = None
    processed_at: datetime | None = None
{%- endif %}

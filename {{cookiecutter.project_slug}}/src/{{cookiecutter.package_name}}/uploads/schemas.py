from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from {{ cookiecutter.package_name }}.api.fields import NoNul, PageMeta
from {{ cookiecutter.package_name }}.uploads.status import UploadStatus


class UploadCreate(BaseModel):
    filename: Annotated[str, StringConstraints(min_length=1, max_length=255), NoNul]
    # UPLOAD_ALLOWED_TYPES and UPLOAD_MAX_BYTES are checked in the service, and shown in
    # the OpenAPI schema by `document_limits`.
    content_type: Annotated[str, StringConstraints(min_length=1, max_length=127), NoNul]
    size: int = Field(ge=1, le=2**63 - 1)  # what an int column holds


class PresignedUpload(BaseModel):
    """Where and how to POST the file: a multipart form of `fields` plus `file` to `url`."""

    id: uuid.UUID
    url: str
    fields: dict[str, str]
    expires_in: int


class UploadRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    filename: str
    content_type: str
    size: int
    status: UploadStatus
    created_at: datetime
    completed_at: datetime | None
{%- if cookiecutter.use_background_jobs == "y" %}
    sha256: str | None
    processed_at: datetime | None
{%- endif %}


class UploadPage(PageMeta):
    items: list[UploadRead]


class DownloadLink(BaseModel):
    url: str
    expires_in: int

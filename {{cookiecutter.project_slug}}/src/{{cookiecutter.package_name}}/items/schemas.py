from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic.json_schema import SkipJsonSchema

from {{ cookiecutter.package_name }}.api.fields import LongText, PageMeta, Title


class ItemCreate(BaseModel):
    title: Title
    description: LongText | None = None


class ItemUpdate(BaseModel):
    """Partial update: only the fields sent are changed. A title may be left out, never
    set to null, so the schema does not offer null."""

    title: Title | SkipJsonSchema[None] = None
    description: LongText | None = None

    @field_validator("title")
    @classmethod
    def _title_not_null(cls, title: str | None) -> str:
        if title is None:
            raise ValueError("title cannot be null")
        return title


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    description: str | None
    created_at: datetime
    updated_at: datetime


class ItemPage(PageMeta):
    items: list[ItemRead]

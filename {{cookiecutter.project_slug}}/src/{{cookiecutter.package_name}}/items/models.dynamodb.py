from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from {{ cookiecutter.package_name }}.core.clock import utcnow
from {{ cookiecutter.package_name }}.core.db import Record
from {{ cookiecutter.package_name }}.core.ids import new_id


@dataclass(kw_only=True)
class Item(Record):
    """An item of the items table (key: owner_id, then id): an owner's items are one
    partition, in id order, which is creation order."""

    owner_id: uuid.UUID
    title: str
    description: str | None = None
    id: uuid.UUID = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from {{ cookiecutter.package_name }}.core.clock import utcnow
from {{ cookiecutter.package_name }}.core.db import Base
from {{ cookiecutter.package_name }}.core.ids import new_id
from {{ cookiecutter.package_name }}.uploads.status import UploadStatus


class Upload(Base):
    __tablename__ = "uploads"
    # An owner's list, in id order, read from the index alone.
    __table_args__ = (Index("ix_uploads_owner_id", "owner_id", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(1024), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[UploadStatus] = mapped_column(
        Enum(
            UploadStatus,
            name="upload_status",
            native_enum=False,
            create_constraint=True,
            length=16,
            values_callable=lambda statuses: [status.value for status in statuses],
        ),
        default=UploadStatus.PENDING,
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
{%- if cookiecutter.use_background_jobs == "y" %}
    sha256: Mapped[str | None] = mapped_column(String(64))
    processed_at: Mapped[datetime | None]
{%- endif %}

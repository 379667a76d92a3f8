"""Where an upload is in its life: stored as text on every backend."""

from __future__ import annotations

import enum


class UploadStatus(enum.StrEnum):
    PENDING = "pending"  # signed, not yet confirmed in S3
    UPLOADED = "uploaded"  # the object exists with the declared size
{%- if cookiecutter.use_background_jobs == "y" %}
    PROCESSED = "processed"  # the processing job recorded its checksum
{%- endif %}

"""The one clock the app reads: timezone-aware UTC, the only kind of time it stores."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)

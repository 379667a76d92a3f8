"""Rows as canonical JSON lines, the same whichever database a row was read from: what
every copy's checksums hash."""

from __future__ import annotations

import enum
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)

# Types JSON holds as they are: their values need no canonical form.
JSON_VALUES = frozenset({str, int, bool, float, type(None)})

# With ensure_ascii=False, Python escapes strings exactly as Postgres's escape_json does
# (only ", \ and control characters: \n, \t… or \u00xx) and json_build_array also
# separates items by ", ", so both sides write the same bytes for the same row.
CANONICAL_JSON = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def canonical(value: Any) -> Any:
    """A column value as JSON holds it, the same whichever backend it was read from.
    A timestamp is its integer microseconds since the epoch in UTC (a naive one read as
    UTC, as Postgres's extract(epoch) reads a timestamp without time zone)."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return (aware - EPOCH) // MICROSECOND
    if isinstance(value, date | time | uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, bytes):
        return value.hex()
    return value


def canonical_line(row: Sequence[Any]) -> str:
    """The row as a line of JSON: the array of its canonical values."""
    return CANONICAL_JSON.encode(
        [value if type(value) in JSON_VALUES else canonical(value) for value in row]
    )

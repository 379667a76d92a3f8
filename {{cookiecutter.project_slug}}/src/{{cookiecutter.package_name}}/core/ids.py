"""Ids and page cursors, the same on every backend.

Every id is a UUIDv7 the app draws (RFC 9562, 5.7: 48 bits of Unix milliseconds, then
counter and random bits), so ids sort in creation order and a list ordered by id is the
order rows were made in. A cursor names the last id of a page; the next page starts after
it, so rows added meanwhile never shift what a client has not read yet.
"""

from __future__ import annotations

import base64
import binascii
import os
import threading
import time
import uuid
from dataclasses import dataclass

# RFC 9562, 6.2, method 1 ("fixed bit-length dedicated counter"), laid out as Python
# 3.14's uuid.uuid7: a 42-bit counter (12 bits of rand_a and the top 30 of rand_b),
# seeded at random each millisecond with its top bit clear so it has room to grow, then
# 32 random bits.
_COUNTER_BITS = 42
_COUNTER_LIMIT = 1 << _COUNTER_BITS
_lock = threading.Lock()
_last_millisecond = 0
_counter = 0


def new_id() -> uuid.UUID:
    """A fresh UUIDv7; within this process each one sorts after the one before."""
    global _last_millisecond, _counter
    with _lock:
        millisecond = time.time_ns() // 1_000_000
        if millisecond > _last_millisecond:
            _last_millisecond = millisecond
            _counter = int.from_bytes(os.urandom(6)) >> (48 - _COUNTER_BITS + 1)
        else:  # the same millisecond, or the clock stepped back: keep counting from there
            _counter += 1
            if _counter == _COUNTER_LIMIT:  # 2**41 ids in one millisecond at least
                _last_millisecond += 1
                _counter = 0
        millisecond, counter = _last_millisecond, _counter
    tail = int.from_bytes(os.urandom(4))
    value = (millisecond & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76 | (counter >> 30) << 64  # version 7, then the counter's top 12 bits
    value |= 0b10 << 62 | (counter & ((1 << 30) - 1)) << 32 | tail  # the variant, the rest
    return uuid.UUID(int=value)


@dataclass(frozen=True)
class PageRequest:
    limit: int
    after: uuid.UUID | None = None  # the last id the client has seen


class InvalidCursorError(ValueError):
    """A cursor this API did not hand out."""


def encode_cursor(last_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(last_id.bytes).rstrip(b"=").decode()


def decode_cursor(cursor: str) -> uuid.UUID:
    try:
        raw = base64.urlsafe_b64decode(cursor + "==")
    except (binascii.Error, ValueError):
        raise InvalidCursorError("not a cursor of this API") from None
    if len(raw) != 16 or encode_cursor(uuid.UUID(bytes=raw)) != cursor:
        raise InvalidCursorError("not a cursor of this API")
    return uuid.UUID(bytes=raw)

"""Each table's row count and checksum, the same on both sides of the copy.

A row is a line: the JSON array of its record's canonical values (copy_db/canonical.py).
A table's checksum is the sum, modulo 2**256, of its lines' SHA-256: a Scan returns
items in no particular order, and a sum needs none, so neither side sorts its table in
memory. Tables with the same lines, as often each, have the same checksum.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable

from {{ cookiecutter.package_name }}.copy_db.canonical import canonical_line
from {{ cookiecutter.package_name }}.core.db import Record

MODULUS = 2**256


def record_line(record: Record) -> str:
    """The record as a line: its fields' canonical values, in the fields' order."""
    return canonical_line([getattr(record, field.name) for field in dataclasses.fields(record)])


class Checksum:
    def __init__(self) -> None:
        self._sum = 0
        self.rows = 0

    def add(self, records: Iterable[Record]) -> None:
        for record in records:
            digest = hashlib.sha256(record_line(record).encode()).digest()
            self._sum = (self._sum + int.from_bytes(digest)) % MODULUS
            self.rows += 1

    def hexdigest(self) -> str:
        return f"{self._sum:064x}"

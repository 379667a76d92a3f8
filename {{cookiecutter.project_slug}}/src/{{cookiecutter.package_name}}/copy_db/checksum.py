"""Each table's row count and checksum, the same whichever backend computes it: SHA-256
of every row's canonical values as JSON, in primary-key order."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    DateTime,
    Enum,
    Integer,
    String,
    Table,
    Text,
    Uuid,
    cast,
    extract,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from {{ cookiecutter.package_name }}.copy_db import BATCH_SIZE
from {{ cookiecutter.package_name }}.copy_db.canonical import canonical_line
from {{ cookiecutter.package_name }}.copy_db.report import TableResult
from {{ cookiecutter.package_name }}.core.db import UTCDateTime

# Postgres's FUNC_MAX_ARGS: json_build_array takes no more columns than this.
MAX_FUNCTION_ARGUMENTS = 100


def canonical_sql(column: Column[Any]) -> ColumnElement[Any] | None:
    """The column's canonical value as Postgres computes it, for the types whose values
    it computes exactly as `canonical` does; None for the others."""
    column_type = column.type
    if isinstance(column_type, DateTime | UTCDateTime):
        # extract(epoch) is numeric, so exact, on Postgres 14 and later.
        return cast(extract("epoch", column) * 1_000_000, BigInteger)
    if isinstance(column_type, Enum):
        members = column_type.enum_class
        values = None if members is None else [member.value for member in members]
        return column if values in (None, column_type.enums) else None
    if isinstance(column_type, Integer | String | Boolean):
        return column
    if isinstance(column_type, Uuid) and column_type.as_uuid:
        return column
    return None


def canonical_json(table: Table) -> ColumnElement[str] | None:
    """Each row's line of `Checksum`, written by Postgres, so verifying a table decodes
    no value; None when a column's type has no exact equivalent (`canonical_sql`)."""
    values = [canonical_sql(column) for column in table.columns]
    if len(values) > MAX_FUNCTION_ARGUMENTS or any(value is None for value in values):
        return None
    return cast(func.json_build_array(*values), Text)


class Checksum:
    """SHA-256 of a table's rows in primary-key order, each a line of JSON: the array of
    its canonical values."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.rows = 0

    def add(self, rows: Sequence[Sequence[Any]]) -> None:
        self.add_lines([canonical_line(row) for row in rows])

    def add_lines(self, lines: Sequence[str]) -> None:
        """Adds rows already written as lines (by `canonical_json`)."""
        self._hash.update("".join(f"{line}\n" for line in lines).encode())
        self.rows += len(lines)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def primary_key_order(table: Table, dialect: str) -> list[ColumnElement[Any]]:
    """The primary key, with text compared bytewise on Postgres as SQLite compares it, so
    both sides list rows in the same order."""
    columns: list[ColumnElement[Any]] = list(table.primary_key.columns)
    if dialect != "postgresql":
        return columns
    return [
        column.collate("C") if isinstance(column.type, String) else column for column in columns
    ]


async def table_checksum(
    connection: AsyncConnection, table: Table, batch_size: int = BATCH_SIZE
) -> Checksum:
    checksum = Checksum()
    order = primary_key_order(table, connection.dialect.name)
    lines = canonical_json(table) if connection.dialect.name == "postgresql" else None
    if lines is None:
        result = await connection.stream(select(table).order_by(*order))
        async for batch in result.partitions(batch_size):
            checksum.add(batch)
    else:
        line_result = await connection.stream(select(lines).order_by(*order))
        async for line_batch in line_result.scalars().partitions(batch_size):
            checksum.add_lines(line_batch)
    return checksum


async def verify(
    target: AsyncEngine, tables: Sequence[Table], results: Sequence[TableResult]
) -> None:
    """Fills in each result's target row count and checksum."""
    async with target.connect() as connection:
        for table, result in zip(tables, results, strict=True):
            checksum = await table_checksum(connection, table)
            result.target_rows, result.target_checksum = checksum.rows, checksum.hexdigest()

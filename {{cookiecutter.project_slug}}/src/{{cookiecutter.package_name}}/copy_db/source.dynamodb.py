"""The source: a database of the SQL variant, read with SQLAlchemy Core through tables
derived from the records, so each column is read as its field's type whatever the
database stored (SQLite's hex UUIDs, 0/1 booleans and offset-less UTC timestamps)."""

from __future__ import annotations

import dataclasses
import enum
import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    DateTime,
    MetaData,
    String,
    Table,
    Uuid,
    column,
    func,
    inspect,
    select,
    table,
)
from sqlalchemy.types import TypeEngine

from {{ cookiecutter.package_name }}.copy_db import ROWS_PER_READ
from {{ cookiecutter.package_name }}.core.db import Record

# The table in which Alembic keeps the revision.
REVISION_TABLE = "alembic_version"


def column_type(field_type: type) -> TypeEngine[Any]:
    """The SQL type a field of `field_type` is read as."""
    if field_type is uuid.UUID:
        return Uuid()
    if field_type is datetime:
        return DateTime(timezone=True)
    if field_type is bool:
        return Boolean()
    if field_type is int:
        return BigInteger()
    if issubclass(field_type, str):  # text, and enums stored as their values
        return String()
    raise TypeError(f"no SQL column for a {field_type.__name__}")


def source_table(name: str, record: type[Record], columns: Sequence[str]) -> Table:
    """The source table `name` as the copy reads it: `columns`, typed by `record`'s fields."""
    field_types = record.field_types()
    return Table(
        name,
        MetaData(),
        *(Column(column, column_type(field_types[column])) for column in columns),
    )


def optional(record: type[Record], name: str) -> bool:
    """Whether a row may lack the field: it is None unless given."""
    (field,) = (field for field in dataclasses.fields(record) if field.name == name)
    return field.default is None


def revisions(connection: Connection) -> list[str] | None:
    """The source's Alembic revisions (several only on a branched history); None when it
    has no revision table."""
    if REVISION_TABLE not in inspect(connection).get_table_names():
        return None
    versions = select(column("version_num", String)).select_from(table(REVISION_TABLE))
    return list(connection.execute(versions).scalars())


def columns(connection: Connection) -> dict[str, list[str]]:
    """Each table of the source (but the revision table) and its columns."""
    inspector = inspect(connection)
    return {
        table: [column["name"] for column in inspector.get_columns(table)]
        for table in inspector.get_table_names()
        if table != REVISION_TABLE
    }


def count_rows(connection: Connection, table: Table) -> int:
    return connection.scalar(select(func.count()).select_from(table)) or 0


def field_value(field_type: type, value: Any) -> Any:
    """A column's value as its field holds it: a timestamp without an offset is UTC, as
    the app stored it, and an enum's value its member (a value it lacks raises)."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if value is not None and issubclass(field_type, enum.Enum):
        return field_type(value)
    return value


def as_record(record: type[Record], row: Mapping[str, Any]) -> Record:
    field_types = record.field_types()
    return record(**{name: field_value(field_types[name], value) for name, value in row.items()})


def read_records(
    connection: Connection, table: Table, record: type[Record], batch_size: int = ROWS_PER_READ
) -> Iterator[list[Record]]:
    """The table's rows as records, `batch_size` at a time, streamed (a server-side cursor
    on Postgres), so a table of any size takes one batch of memory."""
    result = connection.execution_options(yield_per=batch_size).execute(select(table))
    for rows in result.mappings().partitions():
        yield [as_record(record, dict(row)) for row in rows]

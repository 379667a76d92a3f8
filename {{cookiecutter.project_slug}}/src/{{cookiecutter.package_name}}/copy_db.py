"""Copy this app's data from SQLite to Postgres: `python -m {{ cookiecutter.package_name }}.copy_db`.

    python -m {{ cookiecutter.package_name }}.copy_db --source sqlite:///app.db [--target postgresql://…]
        [--truncate-target] [--dry-run] [--batch-size 5000]

Without --target the target is DATABASE_URL or DATABASE_SECRET_ARN, read as the app
reads them. Stop the app's writes first: rows written to the source later are not copied.

1. Checks, before anything is written: the source is at a migration this checkout knows
   and has the models' tables and columns; the target is at that revision or an earlier
   one, and holds no rows in the app's tables (--truncate-target deletes them, after
   saying how many). --dry-run stops here and reports what would be copied.
2. `alembic upgrade <source revision>` on the target.
3. Each table of the models, parents before children, in batches written with binary
   COPY and in one transaction per table, keeping primary keys; the next batch is read
   while one is written. Rows are read and written through the models' column types, so
   what SQLite stores loosely (0/1 booleans, timestamps with or without an offset, hex
   UUIDs) arrives typed. Each id sequence then continues after the largest id.
4. Verification: each table's row count and checksum, on both sides: SHA-256 of every
   row's values as canonical JSON, in primary-key order. The source's rows are hashed as
   they are copied; Postgres writes the target's JSON itself.

Exit status: 0 copied and verified; 1 a table failed to copy or differs (a failed
table is left as it was; the tables before it stay copied); 2 refused, nothing written.
"""

from __future__ import annotations

import argparse
import asyncio
import enum
import hashlib
import json
import sys
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from pydantic import ValidationError
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    Connection,
    DateTime,
    Enum,
    Integer,
    Row,
    Select,
    String,
    Table,
    Text,
    Uuid,
    cast,
    delete,
    extract,
    func,
    select,
    text,
)
from sqlalchemy import inspect as inspect_database
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from {{ cookiecutter.package_name }}.config import (
    Settings,
    SettingsError,
    describe,
    get_settings,
    normalise_database_url,
)
from {{ cookiecutter.package_name }}.db import UTCDateTime, build_engine, database_url
from {{ cookiecutter.package_name }}.migrate import BOOKKEEPING_TABLES, alembic_config
from {{ cookiecutter.package_name }}.models import Base

BATCH_SIZE = 5000
EXIT_FAILED = 1
EXIT_REFUSED = 2
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
# Types JSON holds as they are: their values need no canonical form.
JSON_VALUES = frozenset({str, int, bool, float, type(None)})
# With ensure_ascii=False, Python escapes strings exactly as Postgres's escape_json does
# (only ", \ and control characters: \n, \t… or \u00xx) and json_build_array also
# separates items by ", ", so both sides write the same bytes for the same row.
CANONICAL_JSON = json.JSONEncoder(ensure_ascii=False, check_circular=False)
# Postgres's FUNC_MAX_ARGS: json_build_array takes no more columns than this.
MAX_FUNCTION_ARGUMENTS = 100


class CopyRefusedError(Exception):
    """The copy cannot start; nothing has been written."""


@dataclass(frozen=True)
class Plan:
    """What the checks found: the source's revision and what each side holds."""

    revision: str
    target_revision: str | None
    source_rows: dict[str, int]  # every table of the models, in copy order
    target_rows: dict[str, int]  # only the target's tables that hold rows
    unmodelled: list[str]  # source tables no model describes: not copied


@dataclass
class TableResult:
    name: str
    source_rows: int
    source_checksum: str
    target_rows: int = 0
    target_checksum: str = ""

    @property
    def matches(self) -> bool:
        return (self.source_rows, self.source_checksum) == (self.target_rows, self.target_checksum)


def without_password(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def resolve_source(source: str) -> str:
    """The source's async URL; it must name an existing SQLite file (SQLite would
    otherwise create an empty one)."""
    try:
        url = normalise_database_url(source)
    except ValueError as error:
        raise CopyRefusedError(f"--source: {error}") from None
    if url.get_backend_name() != "sqlite":
        raise CopyRefusedError("--source: give the SQLite database, e.g. sqlite:///app.db")
    if not url.database or not Path(url.database).is_file():
        raise CopyRefusedError(f"--source: no SQLite file at {url.database or '(none)'}")
    return url.render_as_string(hide_password=False)


def resolve_target(target: str | None) -> tuple[Settings, str]:
    """The settings to connect with and the target's URL: --target when given, else
    DATABASE_URL or DATABASE_SECRET_ARN as the app resolves them."""
    if target is not None:
        try:
            normalise_database_url(target)
        except ValueError as error:
            raise CopyRefusedError(f"--target: {error}") from None
    try:
        if target is None:
            settings = get_settings()
        else:
            # --target stands in for whatever DATABASE_URL / DATABASE_SECRET_ARN say.
            settings = Settings(database_url=target, database_secret_arn="")
        url = database_url(settings)
    except ValidationError as error:
        raise CopyRefusedError(f"invalid configuration: {describe(error)}") from None
    except SettingsError as error:
        raise CopyRefusedError(f"invalid configuration: {error}") from None
    if make_url(url).get_backend_name() != "postgresql":
        raise CopyRefusedError(
            "the target must be Postgres: give --target postgresql://… "
            "or set DATABASE_URL / DATABASE_SECRET_ARN"
        )
    return settings, url


def current_revision(connection: Connection, side: str) -> str | None:
    heads = MigrationContext.configure(connection).get_current_heads()
    if len(heads) > 1:
        raise CopyRefusedError(f"the {side} is at several migration heads: {', '.join(heads)}")
    return heads[0] if heads else None


def check_revisions(script: ScriptDirectory, source: str | None, target: str | None) -> str:
    """The source's revision, if this checkout knows it and the target can be upgraded to it."""
    if source is None:
        raise CopyRefusedError(
            "the source has no migration revision (no alembic_version row): only a "
            "database created by this app's migrations can be copied"
        )
    try:
        script.get_revision(source)
    except CommandError:
        raise CopyRefusedError(
            f"the source is at revision {source}, which this release's migrations do not "
            "have: run the copy from the release that wrote it"
        ) from None
    ancestry = [revision.revision for revision in script.iterate_revisions(source, "base")]
    if target is not None and target not in ancestry:
        raise CopyRefusedError(
            f"the target is at revision {target}, which is not {source} or before it: "
            "upgrade a copy of the source first (DATABASE_URL=sqlite:///copy.db "
            "python -m {{ cookiecutter.package_name }}.migrate) and copy that"
        )
    return source


def check_source_tables(connection: Connection, tables: Sequence[Table]) -> list[str]:
    """Refuses a source whose tables or columns differ from the models' (its schema is
    not the one the copy reads); returns its tables that no model describes."""
    inspector = inspect_database(connection)
    present = set(inspector.get_table_names())
    problems = []
    for table in tables:
        if table.name not in present:
            problems.append(f"no table {table.name}")
            continue
        found = {column["name"] for column in inspector.get_columns(table.name)}
        expected = {column.name for column in table.columns}
        problems += [f"{table.name} lacks {name}" for name in sorted(expected - found)]
        problems += [
            f"{table.name} has {name}, which the models lack" for name in sorted(found - expected)
        ]
    if problems:
        raise CopyRefusedError(
            f"the source's schema differs from the models ({'; '.join(problems)}): "
            "migrate a copy of it to the latest revision and copy that"
        )
    return sorted(present - {table.name for table in tables} - BOOKKEEPING_TABLES)


def existing_tables(connection: Connection, tables: Sequence[Table]) -> list[Table]:
    present = set(inspect_database(connection).get_table_names())
    return [table for table in tables if table.name in present]


async def count_rows(connection: AsyncConnection, tables: Sequence[Table]) -> dict[str, int]:
    counts = {}
    for table in tables:
        counts[table.name] = await connection.scalar(select(func.count()).select_from(table)) or 0
    return counts


async def make_plan(source: AsyncConnection, target: AsyncEngine, tables: Sequence[Table]) -> Plan:
    """Runs every check (raising CopyRefusedError); writes nothing."""
    script = ScriptDirectory.from_config(alembic_config())
    source_revision = await source.run_sync(current_revision, "source")
    async with target.connect() as connection:
        target_revision = await connection.run_sync(current_revision, "target")
        revision = check_revisions(script, source_revision, target_revision)
        unmodelled = await source.run_sync(check_source_tables, tables)
        present = await connection.run_sync(existing_tables, tables)
        target_rows = await count_rows(connection, present)
    return Plan(
        revision=revision,
        target_revision=target_revision,
        source_rows=await count_rows(source, tables),
        target_rows={name: rows for name, rows in target_rows.items() if rows},
        unmodelled=unmodelled,
    )


def upgrade_target(url: str, settings: Settings, revision: str) -> None:
    command.upgrade(alembic_config(url, settings=settings), revision)


async def delete_rows(target: AsyncEngine, tables: Sequence[Table]) -> None:
    """Empties the tables in one transaction, children first."""
    async with target.begin() as connection:
        for table in reversed(tables):
            await connection.execute(delete(table))


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
        self.add_lines(
            [
                CANONICAL_JSON.encode(
                    [value if type(value) in JSON_VALUES else canonical(value) for value in row]
                )
                for row in rows
            ]
        )

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


def reset_sequence(table: Table) -> Select[tuple[int]] | None:
    """Moves the id sequence past the largest copied id (to 1 for an empty table)."""
    column = table.autoincrement_column
    if column is None:
        return None
    highest = func.max(column)
    sequence = func.pg_get_serial_sequence(table.name, column.name)
    return select(func.setval(sequence, func.coalesce(highest, 1), highest.is_not(None)))


class Progress:
    """A bar on a terminal; otherwise a line at each tenth of the table."""

    WIDTH = 30

    def __init__(self, name: str, total: int, stream: TextIO | None = None) -> None:
        self._name = name
        self._total = total
        self._stream = stream or sys.stderr
        self._bar = self._stream.isatty()
        self._done = 0
        self._tenths = 0

    def __enter__(self) -> Progress:
        self._show()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._bar:
            self._stream.write("\n")
            self._stream.flush()

    def advance(self, rows: int) -> None:
        self._done += rows
        tenths = self._done * 10 // max(self._total, 1)
        if self._bar or tenths > self._tenths:
            self._tenths = tenths
            self._show()

    def _show(self) -> None:
        counts = f"{self._done}/{self._total} rows"
        if not self._bar:
            print(f"{self._name}: {counts}", file=self._stream)
            return
        filled = self.WIDTH * min(self._done, self._total) // max(self._total, 1)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self._stream.write(f"\r{self._name:<16} [{bar}] {counts}")
        self._stream.flush()


async def read_ahead(
    batches: AsyncIterator[Sequence[Row[Any]]],
) -> AsyncGenerator[Sequence[Row[Any]]]:
    """Yields each batch while the next one is being read, so that reading the source
    overlaps writing the target."""
    reading = asyncio.ensure_future(anext(batches, None))
    try:
        while (batch := await reading) is not None:
            reading = asyncio.ensure_future(anext(batches, None))
            yield batch
    finally:
        # A copy that stops early waits for the read under way: none outlives the copy.
        await asyncio.gather(reading, return_exceptions=True)


class RowWriter:
    """Writes rows to a table over the target's asyncpg connection with binary COPY
    (Connection.copy_records_to_table), each value first bound by its column's type as
    an INSERT would bind it: an enum member becomes its stored string, and a timestamp an
    aware one in UTC (asyncpg's binary encoder would read a naive one as local time)."""

    def __init__(self, driver_connection: Any, table: Table, dialect: Dialect) -> None:
        self._driver = driver_connection
        self._table = table
        self._columns = [column.name for column in table.columns]
        processors = [
            column.type.dialect_impl(dialect).bind_processor(dialect) for column in table.columns
        ]
        self._processors: list[tuple[int, Callable[[Any], Any]]] = [
            (index, process) for index, process in enumerate(processors) if process is not None
        ]

    async def write(self, rows: Sequence[Row[Any]]) -> None:
        records = []
        for row in rows:
            record = list(row)
            for index, process in self._processors:
                record[index] = process(record[index])
            records.append(record)
        await self._driver.copy_records_to_table(
            self._table.name,
            records=records,
            columns=self._columns,
            schema_name=self._table.schema,
        )


async def copy_table(
    source: AsyncConnection, target: AsyncEngine, table: Table, total: int, batch_size: int
) -> Checksum:
    """Copies one table in one transaction; returns the checksum of the rows read."""
    checksum = Checksum()
    query = select(table).order_by(*primary_key_order(table, source.dialect.name))
    with Progress(table.name, total) as progress:
        async with target.begin() as connection:
            # SQLAlchemy's asyncpg adapter begins the transaction at the first statement it
            # runs, so this lock begins it before the COPYs, which bypass the adapter; it
            # also keeps other writers out until the table's rows and sequence are in place.
            name = connection.dialect.identifier_preparer.format_table(table)
            await connection.execute(text(f"LOCK TABLE {name} IN EXCLUSIVE MODE"))
            raw = await connection.get_raw_connection()
            writer = RowWriter(raw.driver_connection, table, connection.dialect)
            result = await source.stream(query)
            async with aclosing(read_ahead(result.partitions(batch_size))) as batches:
                async for batch in batches:
                    checksum.add(batch)
                    await writer.write(batch)
                    progress.advance(len(batch))
            sequence = reset_sequence(table)
            if sequence is not None:
                await connection.execute(sequence)
    return checksum


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


def describe_error(error: BaseException) -> str:
    """The database's own message (and detail, such as the duplicate key), without the
    SQL and row values SQLAlchemy adds."""
    if isinstance(error, StatementError) and error.orig is not None:
        error = error.orig
    message = str(error) or type(error).__name__
    detail = getattr(error, "detail", None)
    return f"{message} ({detail})" if detail else message


def print_plan(plan: Plan) -> None:
    print(f"Source revision {plan.revision}; target revision {plan.target_revision or 'none'}.")
    width = max(len(name) for name in plan.source_rows)
    print("Tables, in copy order:")
    for name, rows in plan.source_rows.items():
        print(f"  {name.ljust(width)}  {rows:>10} rows")
    if plan.unmodelled:
        print(f"Not copied (no model describes them): {', '.join(plan.unmodelled)}")


def check_target_empty(plan: Plan, *, truncate: bool) -> None:
    if plan.target_rows and not truncate:
        raise CopyRefusedError(
            f"the target already holds rows: {held_rows(plan)}. Nothing was written; "
            "--truncate-target deletes them before copying"
        )


def held_rows(plan: Plan) -> str:
    return ", ".join(f"{name} ({rows})" for name, rows in plan.target_rows.items())


def print_report(results: Sequence[TableResult]) -> None:
    width = max([len("table"), *(len(result.name) for result in results)])
    print(f"{'table'.ljust(width)}  {'source rows':>11}  {'target rows':>11}  checksum")
    for result in results:
        counts = f"{result.source_rows:>11}  {result.target_rows:>11}"
        source, target = result.source_checksum[:12], result.target_checksum[:12]
        verdict = f"ok {source}" if result.matches else f"MISMATCH {source} != {target}"
        print(f"{result.name.ljust(width)}  {counts}  {verdict}")


def print_failure(
    copied: Sequence[str], failed: str, rest: Sequence[str], error: BaseException
) -> None:
    print(f"Copying {failed} failed: {describe_error(error)}", file=sys.stderr)
    print(f"  copied:      {', '.join(copied) or 'none'}", file=sys.stderr)
    print(f"  rolled back: {failed}", file=sys.stderr)
    print(f"  not copied:  {', '.join(rest) or 'none'}", file=sys.stderr)
    print("Fix the source, then copy again with --truncate-target.", file=sys.stderr)


async def copy_tables(
    source: AsyncConnection,
    target: AsyncEngine,
    plan: Plan,
    tables: Sequence[Table],
    batch_size: int,
) -> list[TableResult] | None:
    """Copies table after table; on a failure reports what was copied and returns None."""
    results: list[TableResult] = []
    for index, table in enumerate(tables):
        try:
            checksum = await copy_table(
                source, target, table, plan.source_rows[table.name], batch_size
            )
        except BaseException as error:
            rest = [later.name for later in tables[index + 1 :]]
            print_failure([result.name for result in results], table.name, rest, error)
            if not isinstance(error, Exception):
                raise  # Ctrl-C: reported, and still an interrupt
            return None
        results.append(TableResult(table.name, checksum.rows, checksum.hexdigest()))
    return results


async def copy_database(
    source_url: str,
    target_url: str,
    settings: Settings,
    *,
    truncate: bool = False,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Checks, copies and verifies (see the module's docstring); returns the exit status."""
    tables = Base.metadata.sorted_tables
    source = build_engine(settings, url=source_url, pooled=False)
    target = build_engine(settings, url=target_url, pooled=False)
    try:
        async with source.connect() as reader:
            try:
                plan = await make_plan(reader, target, tables)
            except (OSError, DBAPIError) as error:
                raise CopyRefusedError(
                    f"cannot read the databases: {describe_error(error)}"
                ) from None
            print_plan(plan)
            check_target_empty(plan, truncate=truncate)
            deleted = f"{sum(plan.target_rows.values())} rows from the target: {held_rows(plan)}"
            if dry_run:
                if plan.target_rows:
                    print(f"--truncate-target would delete {deleted}")
                print("Dry run: nothing was written.")
                return 0
            try:
                print(f"Bringing the target to revision {plan.revision} (alembic upgrade).")
                await asyncio.to_thread(upgrade_target, target_url, settings, plan.revision)
                if plan.target_rows:
                    print(f"--truncate-target: deleting {deleted}")
                    await delete_rows(target, tables)
            except Exception as error:
                print(f"Preparing the target failed: {describe_error(error)}", file=sys.stderr)
                return EXIT_FAILED
            results = await copy_tables(reader, target, plan, tables, batch_size)
        if results is None:
            return EXIT_FAILED
        await verify(target, tables, results)
    finally:
        await source.dispose()
        await target.dispose()
    print_report(results)
    if all(result.matches for result in results):
        print("Copied and verified.")
        return 0
    print("The target differs from the source: see MISMATCH above.", file=sys.stderr)
    return EXIT_FAILED


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m {{ cookiecutter.package_name }}.copy_db",
        description="Copy this app's data from SQLite to Postgres, then verify it.",
    )
    parser.add_argument("--source", required=True, help="the SQLite database: sqlite:///app.db")
    parser.add_argument(
        "--target",
        help="postgresql://user:password@host/db (default: DATABASE_URL / DATABASE_SECRET_ARN)",
    )
    parser.add_argument(
        "--truncate-target",
        action="store_true",
        help="delete the target's rows in the app's tables first",
    )
    parser.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    parser.add_argument("--batch-size", type=positive_int, default=BATCH_SIZE, help="rows per COPY")
    return parser.parse_args(argv)


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    try:
        source_url = resolve_source(options.source)
        settings, target_url = resolve_target(options.target)
        print(f"Source: {without_password(source_url)}")
        print(f"Target: {without_password(target_url)}")
        return asyncio.run(
            copy_database(
                source_url,
                target_url,
                settings,
                truncate=options.truncate_target,
                dry_run=options.dry_run,
                batch_size=options.batch_size,
            )
        )
    except CopyRefusedError as error:
        print(f"Refused: {error}", file=sys.stderr)
        return EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main())

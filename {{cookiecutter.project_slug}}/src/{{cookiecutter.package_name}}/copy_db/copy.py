"""The copy itself: the target brought to the source's revision, each table copied in
one transaction with binary COPY, then verified."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from contextlib import aclosing
from typing import Any

from alembic import command
from sqlalchemy import Row, Table, delete, select, text
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from {{ cookiecutter.package_name }}.copy_db import BATCH_SIZE
from {{ cookiecutter.package_name }}.copy_db.checks import (
    CopyRefusedError,
    Plan,
    check_target_empty,
    held_rows,
    make_plan,
    print_plan,
)
from {{ cookiecutter.package_name }}.copy_db.checksum import Checksum, primary_key_order, verify
from {{ cookiecutter.package_name }}.copy_db.progress import Progress
from {{ cookiecutter.package_name }}.copy_db.report import (
    EXIT_FAILED,
    TableResult,
    conclude,
    describe_error,
    print_failure,
)
from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.core.db import build_engine
from {{ cookiecutter.package_name }}.migrate import alembic_config
from {{ cookiecutter.package_name }}.models import Base


def upgrade_target(url: str, settings: Settings, revision: str) -> None:
    command.upgrade(alembic_config(url, settings=settings), revision)


async def delete_rows(target: AsyncEngine, tables: Sequence[Table]) -> None:
    """Empties the tables in one transaction, children first."""
    async with target.begin() as connection:
        for table in reversed(tables):
            await connection.execute(delete(table))


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
            # also keeps other writers out until the table's rows are in place.
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
    return checksum


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
            copied = [result.name for result in results]
            print_failure(copied, table.name, rest, error, failed_state="rolled back")
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
    return conclude(results)

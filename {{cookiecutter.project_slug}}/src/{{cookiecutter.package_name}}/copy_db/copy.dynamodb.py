"""The copy itself: each SQL table's rows written to DynamoDB as the app stores them,
then every table verified."""

from __future__ import annotations

import sys
from collections import defaultdict

from botocore.exceptions import BotoCoreError, ClientError
from sqlalchemy import Connection, create_engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from {{ cookiecutter.package_name }}.copy_db.checks import (
    TARGETS,
    CopyRefusedError,
    Plan,
    SourceTable,
    check_target_empty,
    held_items,
    make_plan,
    print_plan,
)
from {{ cookiecutter.package_name }}.copy_db.checksum import Checksum
from {{ cookiecutter.package_name }}.copy_db.progress import Progress
from {{ cookiecutter.package_name }}.copy_db.report import (
    EXIT_FAILED,
    TableResult,
    conclude,
    describe_error,
    print_failure,
)
from {{ cookiecutter.package_name }}.copy_db.source import read_records
from {{ cookiecutter.package_name }}.copy_db.target import Target
from {{ cookiecutter.package_name }}.core.db import Item, Record
{%- if cookiecutter.use_s3_uploads == "y" %}
from {{ cookiecutter.package_name }}.uploads.models import Upload
from {{ cookiecutter.package_name }}.uploads.repository import upload_item
{%- endif %}
from {{ cookiecutter.package_name }}.users.models import User, UserEmail


def stored_as(table: str, record: Record) -> dict[str, Record]:
    """The records that store a row of `table`, by DynamoDB table: a user is also its
    e-mail's item in user_emails, as registration writes it."""
    if isinstance(record, User):
        return {"users": record, "user_emails": UserEmail.of(record)}
    return {table: record}


def item(record: Record) -> Item:
    """The record's item, as its repository writes it."""
{%- if cookiecutter.use_s3_uploads == "y" %}
    if isinstance(record, Upload):
        return upload_item(record)
{%- endif %}
    return record.to_item()


def open_source(url: URL) -> Connection:
    """A connection to the source; on Postgres, one REPEATABLE READ transaction, so every
    table is read as it was when the copy began."""
    if url.get_backend_name() == "postgresql":
        engine = create_engine(url, poolclass=NullPool, isolation_level="REPEATABLE READ")
    else:
        engine = create_engine(url, poolclass=NullPool)
    return engine.connect()


def copy_table(
    source: Connection, target: Target, table: SourceTable, total: int, sums: dict[str, Checksum]
) -> None:
    """Writes the table's rows; adds what was read to `sums`, by DynamoDB table."""
    with Progress(table.name, total) as progress:
        for records in read_records(source, table.table, table.record):
            stored: defaultdict[str, list[Record]] = defaultdict(list)
            for record in records:
                for name, stored_record in stored_as(table.name, record).items():
                    stored[name].append(stored_record)
            for name, stored_records in stored.items():
                target.put(name, [item(record) for record in stored_records])
                sums[name].add(stored_records)
            progress.advance(len(records))


def copy_tables(source: Connection, target: Target, plan: Plan) -> dict[str, Checksum] | None:
    """Copies table after table; returns each DynamoDB table's sum of what was read, or
    None after reporting a failure."""
    sums = {name: Checksum() for name in TARGETS}
    for index, table in enumerate(plan.sources):
        try:
            copy_table(source, target, table, plan.source_rows[table.name], sums)
        except BaseException as error:
            copied = [earlier.name for earlier in plan.sources[:index]]
            rest = [later.name for later in plan.sources[index + 1 :]]
            print_failure(copied, table.name, rest, error, failed_state="partly copied")
            if not isinstance(error, Exception):
                raise  # Ctrl-C: reported, and still an interrupt
            return None
    return sums


def verify(target: Target, sums: dict[str, Checksum]) -> list[TableResult]:
    """Each DynamoDB table read back in full, against what was read from the source."""
    results = []
    for name, record in TARGETS.items():
        found = Checksum()
        for page in target.items(name):
            found.add(record.from_item(item) for item in page)
        expected = sums[name]
        results.append(
            TableResult(name, expected.rows, expected.hexdigest(), found.rows, found.hexdigest())
        )
    return results


def copy_database(source_url: URL, target: Target, *, truncate: bool, dry_run: bool) -> int:
    """Checks, copies and verifies (see the package's docstring); returns the exit status."""
    try:
        with open_source(source_url) as source:
            try:
                plan = make_plan(source, target)
            except (SQLAlchemyError, BotoCoreError, ClientError) as error:
                raise CopyRefusedError(
                    f"cannot read the source or the tables: {describe_error(error)}"
                ) from None
            print_plan(plan)
            check_target_empty(plan, truncate=truncate)
            deleted = f"{sum(plan.target_items.values())} items: {held_items(plan)}"
            if dry_run:
                if plan.target_items:
                    print(f"--truncate-target would delete {deleted}")
                print("Dry run: nothing was written.")
                return 0
            if plan.target_items:
                print(f"--truncate-target: deleting {deleted}")
                try:
                    for name in plan.target_items:
                        target.delete_all(name)
                except Exception as error:
                    print(f"Emptying the target failed: {describe_error(error)}", file=sys.stderr)
                    return EXIT_FAILED
            sums = copy_tables(source, target, plan)
        if sums is None:
            return EXIT_FAILED
        results = verify(target, sums)
    finally:
        target.close()
    return conclude(results)

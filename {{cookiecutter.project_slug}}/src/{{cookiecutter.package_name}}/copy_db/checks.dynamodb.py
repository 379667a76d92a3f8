"""The checks before anything is written: the source's revision and schema, the target's
tables, and what each side holds. A failed check raises CopyRefusedError."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Table
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from {{ cookiecutter.package_name }}.copy_db import SOURCE_REVISION
from {{ cookiecutter.package_name }}.copy_db.source import (
    columns,
    count_rows,
    optional,
    revisions,
    source_table,
)
from {{ cookiecutter.package_name }}.copy_db.target import Target
from {{ cookiecutter.package_name }}.core.config import SettingsError, get_settings
from {{ cookiecutter.package_name }}.core.db import Record
from {{ cookiecutter.package_name }}.items.models import Item
{%- if cookiecutter.use_s3_uploads == "y" %}
from {{ cookiecutter.package_name }}.uploads.models import Upload
{%- endif %}
from {{ cookiecutter.package_name }}.users.models import User, UserEmail

# The SQL tables, in copy order, each with the record its rows are.
SOURCES: dict[str, type[Record]] = {
    "users": User,
    "items": Item,
{%- if cookiecutter.use_s3_uploads == "y" %}
    "uploads": Upload,
{%- endif %}
}
# The DynamoDB tables (project.json's), each with the record its items are.
TARGETS: dict[str, type[Record]] = {
    "users": User,
    "user_emails": UserEmail,
    "items": Item,
{%- if cookiecutter.use_s3_uploads == "y" %}
    "uploads": Upload,
{%- endif %}
}
# The drivers the copy reads each SQL database with (the `copy` dependency group).
DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg"}


class CopyRefusedError(Exception):
    """The copy cannot start; nothing has been written."""


@dataclass(frozen=True)
class SourceTable:
    name: str
    record: type[Record]
    table: Table  # the columns the source has, typed as the record's fields


@dataclass(frozen=True)
class Plan:
    """What the checks found: the tables to copy and what each side holds."""

    sources: list[SourceTable]  # in copy order
    source_rows: dict[str, int]
    target_items: dict[str, int]  # only the target tables that hold items
    absent: list[str]  # tables of SOURCES the source lacks: nothing to copy into them
    left_empty: list[str]  # nullable columns the source lacks, as table.column
    unmodelled: list[str]  # source tables no record describes: not copied


def resolve_source(source: str) -> URL:
    """The source's URL, with the driver the copy reads it with. A SQLite source must be
    an existing file (SQLite would otherwise create an empty one)."""
    try:
        url = make_url(source)
    except ArgumentError:
        raise CopyRefusedError(
            "--source is not a database URL: give sqlite:///app.db or postgresql://…"
        ) from None
    backend = url.get_backend_name()
    if backend not in DRIVERS:
        raise CopyRefusedError(f"--source: {backend} is not SQLite or Postgres")
    if backend == "sqlite" and (not url.database or not Path(url.database).is_file()):
        raise CopyRefusedError(f"--source: no SQLite file at {url.database or '(none)'}")
    return url.set(drivername=DRIVERS[backend])


def resolve_target() -> Target:
    """The tables the app's settings name (DYNAMODB_TABLE_PREFIX, AWS_REGION, ...)."""
    try:
        return Target(get_settings())
    except SettingsError as error:
        raise CopyRefusedError(f"invalid configuration: {error}") from None


def check_revision(found: list[str] | None) -> None:
    if not found:
        raise CopyRefusedError(
            "the source has no migration revision (no alembic_version row): only a "
            "database made by this app's SQL migrations can be copied"
        )
    if len(found) > 1:
        raise CopyRefusedError(f"the source is at several migration heads: {', '.join(found)}")
    if found[0] != SOURCE_REVISION:
        raise CopyRefusedError(
            f"the source is at revision {found[0]}, and the copy reads revision "
            f"{SOURCE_REVISION} (ids as UUIDs): migrate a copy of it there with the SQL "
            "project (`make migrate`) and copy that"
        )


def source_tables(found: dict[str, list[str]]) -> tuple[list[SourceTable], list[str], list[str]]:
    """The tables to copy, the tables of SOURCES the source lacks and the nullable
    columns it lacks; refuses a table that lacks a required column or has one that no
    field holds (its values would be left behind)."""
    tables, absent, left_empty, problems = [], [], [], []
    for name, record in SOURCES.items():
        if name not in found:
            absent.append(name)
            continue
        fields = record.field_types()
        missing = [field for field in fields if field not in found[name]]
        problems += [f"{name} lacks {field}" for field in missing if not optional(record, field)]
        problems += [
            f"{name} has {column}, which the records lack"
            for column in found[name]
            if column not in fields
        ]
        left_empty += [f"{name}.{field}" for field in missing if optional(record, field)]
        present = [field for field in fields if field in found[name]]
        tables.append(SourceTable(name, record, source_table(name, record, present)))
    if problems:
        raise CopyRefusedError(
            f"the source's schema differs from the records ({'; '.join(problems)}): copy "
            "from the SQL project with this project's options (uploads, jobs)"
        )
    return tables, absent, left_empty


def check_target_tables(target: Target) -> None:
    statuses = {name: target.status(name) for name in TARGETS}
    missing = [target.name(name) for name, status in statuses.items() if status is None]
    if missing:
        raise CopyRefusedError(
            f"no table {', '.join(missing)}: create the tables first (`make deploy` in AWS, "
            "`make migrate` on a local DynamoDB)"
        )
    busy = [
        f"{target.name(name)} ({status})"
        for name, status in statuses.items()
        if status not in (None, "ACTIVE")
    ]
    if busy:
        raise CopyRefusedError(f"tables not ready for writes: {', '.join(busy)}")


def make_plan(source: Connection, target: Target) -> Plan:
    """Runs every check (raising CopyRefusedError); writes nothing."""
    check_revision(revisions(source))
    found = columns(source)
    tables, absent, left_empty = source_tables(found)
    check_target_tables(target)
    counts = {name: target.count(name) for name in TARGETS}
    return Plan(
        sources=tables,
        source_rows={table.name: count_rows(source, table.table) for table in tables},
        target_items={name: items for name, items in counts.items() if items},
        absent=absent,
        left_empty=left_empty,
        unmodelled=sorted(set(found) - set(SOURCES)),
    )


def print_plan(plan: Plan) -> None:
    print(f"Source revision {SOURCE_REVISION}.")
    print("Tables, in copy order:")
    width = max(len(table.name) for table in plan.sources)
    for name, rows in plan.source_rows.items():
        print(f"  {name.ljust(width)}  {rows:>10} rows")
    if plan.absent:
        print(f"Nothing to copy into {', '.join(plan.absent)}: the source has no such table.")
    if plan.left_empty:
        print(f"Left empty (the source lacks them): {', '.join(plan.left_empty)}")
    if plan.unmodelled:
        print(f"Not copied (no record describes them): {', '.join(plan.unmodelled)}")


def check_target_empty(plan: Plan, *, truncate: bool) -> None:
    if plan.target_items and not truncate:
        raise CopyRefusedError(
            f"the target already holds items: {held_items(plan)}. Nothing was written; "
            "--truncate-target deletes them before copying"
        )


def held_items(plan: Plan) -> str:
    return ", ".join(f"{name} ({items})" for name, items in plan.target_items.items())

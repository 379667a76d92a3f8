"""The checks before anything is written: the source, the target, their migration
revisions and what each holds. A failed check raises CopyRefusedError."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from pydantic import ValidationError
from sqlalchemy import Connection, Table, func, select
from sqlalchemy import inspect as inspect_database
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from {{ cookiecutter.package_name }}.core.config import (
    Settings,
    SettingsError,
    describe,
    get_settings,
    normalise_database_url,
)
from {{ cookiecutter.package_name }}.core.db import database_url
from {{ cookiecutter.package_name }}.migrate import BOOKKEEPING_TABLES, alembic_config


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
    head = script.get_current_head()
    if source != head:
        # The copy reads rows through the models' column types, which are the latest
        # revision's (an earlier one may store ids as integers).
        raise CopyRefusedError(
            f"the source is at revision {source}, before this release's {head}: migrate a "
            "copy of it (DATABASE_URL=sqlite:///copy.db python -m "
            "{{ cookiecutter.package_name }}.migrate) and copy that"
        )
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


def check_target_empty(plan: Plan, *, truncate: bool) -> None:
    if plan.target_rows and not truncate:
        raise CopyRefusedError(
            f"the target already holds rows: {held_rows(plan)}. Nothing was written; "
            "--truncate-target deletes them before copying"
        )


def print_plan(plan: Plan) -> None:
    print(f"Source revision {plan.revision}; target revision {plan.target_revision or 'none'}.")
    width = max(len(name) for name in plan.source_rows)
    print("Tables, in copy order:")
    for name, rows in plan.source_rows.items():
        print(f"  {name.ljust(width)}  {rows:>10} rows")
    if plan.unmodelled:
        print(f"Not copied (no model describes them): {', '.join(plan.unmodelled)}")


def held_rows(plan: Plan) -> str:
    return ", ".join(f"{name} ({rows})" for name, rows in plan.target_rows.items())

"""Alembic environment: async, batch mode, the app's own settings and engine options."""

from __future__ import annotations

import asyncio
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from {{ cookiecutter.package_name }}.core.config import Settings, get_settings
from {{ cookiecutter.package_name }}.core.db import build_engine, database_url
from {{ cookiecutter.package_name }}.migrate import (
    BOOKKEEPING_TABLES,
    grant_app_role,
    newer_revision,
    record_lineage,
)
from {{ cookiecutter.package_name }}.models import Base

config = context.config
# Only the `alembic` command has a file (alembic.ini) and its logging; the app, which
# builds its config in code (migrate.alembic_config), has configured logging already.
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _settings() -> Settings:
    # A caller may pass the settings it resolved the URL with (alembic_config(settings=)).
    settings = config.attributes.get("settings")
    return settings if isinstance(settings, Settings) else get_settings()


def _database_url() -> str:
    # DATABASE_SECRET_ARN as the app reads it, when the caller gives no URL.
    url = config.attributes.get("database_url")
    return str(url) if url else database_url(_settings())


def _configure(**kwargs: Any) -> None:
    # Batch mode lets ALTERs run on SQLite by rebuilding the table; on Postgres it is a no-op.
    context.configure(
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=_modelled,
        **kwargs,
    )


def _modelled(name: str | None, type_: str, _parent: object) -> bool:
    return not (type_ == "table" and name in BOOKKEEPING_TABLES)


def run_migrations_offline() -> None:
    _configure(url=_database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    _configure(connection=connection)
    script = context.script
    newer = newer_revision(connection, script)
    config.attributes["newer_revision"] = newer
    if newer is not None:
        return
    with context.begin_transaction():
        context.run_migrations()
    # After alembic's own commit (per migration on SQLite, once on Postgres).
    record_lineage(connection, script)
    role = _settings().database_app_role
    if role and connection.dialect.name == "postgresql":
        grant_app_role(connection, role, target_metadata.tables)
    connection.commit()
    if connection.dialect.name == "sqlite":
        # Foreign keys are off while batch mode rebuilds tables (so no cascade can delete
        # rows); refuse to finish if the rebuilt tables broke a reference.
        broken = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
        if broken:
            raise RuntimeError(f"migration left rows with broken foreign keys: {broken[:5]}")


async def run_migrations_online() -> None:
    engine = build_engine(_settings(), url=_database_url(), pooled=False, foreign_keys=False)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_sync)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())

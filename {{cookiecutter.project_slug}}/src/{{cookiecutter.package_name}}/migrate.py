"""Bring the database schema to the latest migration: `python -m {{ cookiecutter.package_name }}.migrate`.

What `make migrate`, an ECS one-off task and the migration Lambda run. Exits non-zero
on failure.
"""

from __future__ import annotations

import sys
from pathlib import Path

import structlog
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from {{ cookiecutter.package_name }}.config import Settings, SettingsError, get_settings
from {{ cookiecutter.package_name }}.logs import configure_logging

log = structlog.get_logger(__name__)


# The scripts ship inside the package, so a checkout, the wheel in the image and the
# Lambda zip all migrate with the same files, whatever the working directory.
MIGRATIONS = Path(__file__).resolve().with_name("migrations")


def alembic_config(database_url: str | None = None, *, settings: Settings | None = None) -> Config:
    """Alembic's config, built here (alembic.ini is the `alembic` command's alone);
    `database_url` overrides the one the settings give, and `settings` the environment's
    engine options (DB_SSL)."""
    config = Config()
    # Config values are %-interpolated: a literal % in the path must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    if database_url is not None:
        config.attributes["database_url"] = database_url
    if settings is not None:
        config.attributes["settings"] = settings
    return config


def upgrade(database_url: str | None = None) -> str:
    """Applies every pending migration; returns the revision the database is now at."""
    config = alembic_config(database_url)
    command.upgrade(config, "head")
    head = ScriptDirectory.from_config(config).get_current_head()
    return head or "base"


def main() -> int:
    try:
        configure_logging(get_settings())
    except SettingsError as error:
        raise SystemExit(f"Invalid configuration: {error}") from None
    log.info("migrations_started")
    try:
        revision = upgrade()
    except Exception:
        log.exception("migrations_failed")
        return 1
    log.info("migrations_finished", revision=revision)
    return 0


if __name__ == "__main__":
    sys.exit(main())

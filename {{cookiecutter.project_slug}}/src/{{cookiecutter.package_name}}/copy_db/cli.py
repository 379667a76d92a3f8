"""`python -m {{ cookiecutter.package_name }}.copy_db`: its arguments and exit status."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from {{ cookiecutter.package_name }}.copy_db import BATCH_SIZE
from {{ cookiecutter.package_name }}.copy_db.checks import (
    CopyRefusedError,
    resolve_source,
    resolve_target,
    without_password,
)
from {{ cookiecutter.package_name }}.copy_db.copy import copy_database

EXIT_REFUSED = 2


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

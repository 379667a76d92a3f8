"""`python -m {{ cookiecutter.package_name }}.copy_db`: its arguments and exit status."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from {{ cookiecutter.package_name }}.copy_db.checks import CopyRefusedError, resolve_source, resolve_target
from {{ cookiecutter.package_name }}.copy_db.copy import copy_database

EXIT_REFUSED = 2


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m {{ cookiecutter.package_name }}.copy_db",
        description="Copy this app's data from SQLite or Postgres into its DynamoDB tables, "
        "then verify it.",
    )
    parser.add_argument(
        "--source",
        required=True,
        help="the SQL database: sqlite:///app.db or postgresql://user:password@host/db",
    )
    parser.add_argument(
        "--truncate-target", action="store_true", help="delete the tables' items first"
    )
    parser.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    try:
        source = resolve_source(options.source)
        target = resolve_target()
        print(f"Source: {source.render_as_string(hide_password=True)}")
        print(f"Target: {target.describe()}")
        return copy_database(
            source, target, truncate=options.truncate_target, dry_run=options.dry_run
        )
    except CopyRefusedError as error:
        print(f"Refused: {error}", file=sys.stderr)
        return EXIT_REFUSED

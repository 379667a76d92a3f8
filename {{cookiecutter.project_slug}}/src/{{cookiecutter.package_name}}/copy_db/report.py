"""What the copy prints: the plan, the verification report, a failure."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from sqlalchemy.exc import StatementError

from {{ cookiecutter.package_name }}.copy_db.checks import Plan
from {{ cookiecutter.package_name }}.copy_db.checksum import TableResult


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

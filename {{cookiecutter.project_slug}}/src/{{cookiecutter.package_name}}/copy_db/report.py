"""What every copy reports: each table's counts and checksums, or what a failure left."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import StatementError

# A table failed to copy or differs.
EXIT_FAILED = 1


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


def describe_error(error: BaseException) -> str:
    """The error's own message (and detail, such as a database's duplicate key), without
    the SQL and row values SQLAlchemy adds."""
    if isinstance(error, StatementError) and error.orig is not None:
        error = error.orig
    message = str(error) or type(error).__name__
    detail = getattr(error, "detail", None)
    return f"{message} ({detail})" if detail else message


def print_report(results: Sequence[TableResult]) -> None:
    width = max([len("table"), *(len(result.name) for result in results)])
    print(f"{'table'.ljust(width)}  {'source rows':>11}  {'target rows':>11}  checksum")
    for result in results:
        counts = f"{result.source_rows:>11}  {result.target_rows:>11}"
        source, target = result.source_checksum[:12], result.target_checksum[:12]
        verdict = f"ok {source}" if result.matches else f"MISMATCH {source} != {target}"
        print(f"{result.name.ljust(width)}  {counts}  {verdict}")


def conclude(results: Sequence[TableResult]) -> int:
    """Prints the report and the verdict; returns the copy's exit status (0: verified)."""
    print_report(results)
    if all(result.matches for result in results):
        print("Copied and verified.")
        return 0
    print("The target differs from the source: see MISMATCH above.", file=sys.stderr)
    return EXIT_FAILED


def print_failure(
    copied: Sequence[str],
    failed: str,
    rest: Sequence[str],
    error: BaseException,
    *,
    failed_state: str,
) -> None:
    """`failed_state` says what the failed table holds now ("rolled back", "partly copied")."""
    print(f"Copying {failed} failed: {describe_error(error)}", file=sys.stderr)
    print(f"  copied:      {', '.join(copied) or 'none'}", file=sys.stderr)
    print(f"  {failed_state + ':':<12} {failed}", file=sys.stderr)
    print(f"  not copied:  {', '.join(rest) or 'none'}", file=sys.stderr)
    print("Fix the source, then copy again with --truncate-target.", file=sys.stderr)

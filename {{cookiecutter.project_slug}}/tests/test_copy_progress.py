"""copy_db's progress, the same on every backend: a bar on a terminal, lines in a log."""

from __future__ import annotations

import io

from {{ cookiecutter.package_name }}.copy_db.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_lines_elsewhere() -> None:
    terminal = Terminal()
    with Progress("items", 2000, terminal) as progress:
        progress.advance(1000)
        progress.advance(1000)
    assert terminal.getvalue().endswith("\ritems            [" + "#" * 30 + "] 2000/2000 rows\n")
    assert "[" + "#" * 15 + "." * 15 + "] 1000/2000" in terminal.getvalue()

    log = io.StringIO()
    with Progress("items", 2000, log) as progress:
        for _ in range(20):
            progress.advance(100)
    lines = log.getvalue().splitlines()
    assert lines[0] == "items: 0/2000 rows"
    assert lines[-1] == "items: 2000/2000 rows"
    assert len(lines) == 11

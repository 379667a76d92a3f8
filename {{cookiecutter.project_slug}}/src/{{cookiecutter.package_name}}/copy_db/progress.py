"""Progress of a table's copy: a bar on a terminal, a line per tenth in a log."""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    """A bar on a terminal; otherwise a line at each tenth of the table."""

    WIDTH = 30

    def __init__(self, name: str, total: int, stream: TextIO | None = None) -> None:
        self._name = name
        self._total = total
        self._stream = stream or sys.stderr
        self._bar = self._stream.isatty()
        self._done = 0
        self._tenths = 0

    def __enter__(self) -> Progress:
        self._show()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._bar:
            self._stream.write("\n")
            self._stream.flush()

    def advance(self, rows: int) -> None:
        self._done += rows
        tenths = self._done * 10 // max(self._total, 1)
        if self._bar or tenths > self._tenths:
            self._tenths = tenths
            self._show()

    def _show(self) -> None:
        counts = f"{self._done}/{self._total} rows"
        if not self._bar:
            print(f"{self._name}: {counts}", file=self._stream)
            return
        filled = self.WIDTH * min(self._done, self._total) // max(self._total, 1)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self._stream.write(f"\r{self._name:<16} [{bar}] {counts}")
        self._stream.flush()

"""The benchmarks in scripts/ still run and print their figures (a small run each; the
figures themselves are not checked: they depend on the machine)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.scratch import POSTGRES_URL

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# "rows per second:      8123" or "import fastapi (median):   101.2 ms"
FIGURE = re.compile(r"^(?P<label>[^:\n]+):\s+(?P<value>\d+(?:\.\d+)?)(?: ms)?$", re.MULTILINE)


def run_benchmark(*argv: str) -> dict[str, float]:
    """Runs `python <argv>` from the project root, as the README does; returns the
    printed figures by label."""
    result = subprocess.run(
        [sys.executable, *argv],
        cwd=PROJECT_ROOT,
        env={**os.environ, "ENVIRONMENT": "test"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return {match["label"]: float(match["value"]) for match in FIGURE.finditer(result.stdout)}


def needs_postgres() -> None:
    if not POSTGRES_URL:
        pytest.skip("needs a Postgres server: set TEST_DATABASE_URL")


def test_cold_start_benchmark_prints_its_figures() -> None:
    needs_postgres()
    figures = run_benchmark(
        "-m", "scripts.bench_cold_start", "--runs", "1", "--server", POSTGRES_URL
    )
    assert figures["runs"] == 1
    assert figures["ratio import handler / fastapi"] > 0
    assert figures["ratio import SQLAlchemy / fastapi"] > 0
    assert figures["ratio first response app / base"] > 0
    assert figures["ratio first resp. SQLAlchemy / base"] > 0
    assert figures["ratio restored / base first resp."] > 0


def test_api_benchmark_prints_its_figures() -> None:
    needs_postgres()
    # Small pools: another suite may share the Postgres server (100 connections).
    figures = run_benchmark(
        "-m",
        "scripts.bench_throughput",
        "--seconds",
        "0.3",
        "--pool-size",
        "4",
        "--server",
        POSTGRES_URL,
    )
    for name in ("items list", "health/db"):
        assert figures[f"ratio {name} app / baseline"] > 0
        assert figures[f"ratio {name} SQLAlchemy / baseline"] > 0
        assert figures[f"ratio {name} app / SQLAlchemy"] > 0
    assert figures["ratio health app / FastAPI"] > 0


def test_copy_benchmark_prints_its_figures() -> None:
    needs_postgres()
    figures = run_benchmark(
        "-m", "scripts.bench_copy_db", "--items", "250", "--server", POSTGRES_URL
    )
    assert figures["rows copied"] == 250 + 2  # 100 items per user
    assert figures["rows per second"] > 0
    assert figures["ratio rows per second / goal"] > 0

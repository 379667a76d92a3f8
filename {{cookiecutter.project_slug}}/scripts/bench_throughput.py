"""Requests per second of the API under load, each against its floors.

    uv run python -m scripts.bench_throughput [--seconds 10] [--server postgresql://…]

Serves the app (`{{ cookiecutter.package_name }}.main:app`) and
scripts/baseline_app.py on each of its data libraries, one uvicorn worker each, on a
scratch Postgres database from TEST_DATABASE_URL or --server, and loads one at a time
from another process over CONNECTIONS keep-alive connections, in ROUNDS rounds that
alternate the servers (each figure is the median of its rounds):

- the authenticated `GET /api/v1/items?limit=20` (50 items of the user's), against the
  baseline's same three queries on asyncpg, and on SQLAlchemy's cheapest path;
- `GET /health/db`, against the baseline's bare `SELECT 1` on each;
- `GET /health`, no I/O, against bare FastAPI's.

The app runs as deployed (JSON access line per request, its pool check, its pool size);
the baselines' pools are as large. `--pool-size` sets all three pools instead (a smoke
run beside other Postgres clients keeps under the server's max_connections). A response
other than 200 stops the benchmark. Run as a module from the project root. Prints figures
and ratios: a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from emulator.server import free_port
from scripts.bench_data import LIST_PATH, dataset, figure
from scripts.scratch import POSTGRES_URL

CONNECTIONS = 16
ROUNDS = 3
PATHS = (LIST_PATH, "/health/db", "/health")
MAX_WARM_UP_SECONDS = 1.0
PROJECT_ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def served(app: str, env: dict[str, str]) -> Iterator[int]:
    """`app` under one uvicorn worker on a free loopback port, until the block ends."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", app, "--port", str(port), "--no-access-log"]
    with subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,  # the app's access lines: written, as deployed, then dropped
        stderr=subprocess.DEVNULL,
    ) as server:
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/docs", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            else:
                raise SystemExit(f"{app} did not start")
            yield port
        finally:
            server.terminate()


async def _client(port: int, request: bytes, until: float, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            writer.write(request)
            status_line = await reader.readline()
            length = 0
            while (header := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = header.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            if status_line.split()[1] != b"200":
                raise SystemExit(f"got {status_line.decode().strip()}")
            counts[0] += 1
    finally:
        writer.close()


async def _load(port: int, path: str, token: str, seconds: float) -> float:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n"
    ).encode()
    warm: list[int] = [0]
    until = time.perf_counter() + min(seconds, MAX_WARM_UP_SECONDS)
    await asyncio.gather(*(_client(port, request, until, warm) for _ in range(CONNECTIONS)))
    counts: list[int] = [0]
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(_client(port, request, until, counts) for _ in range(CONNECTIONS)))
    return counts[0] / (time.perf_counter() - started)


def load(port: int, path: str, token: str, seconds: float) -> float:
    """Requests per second `path` serves, loaded from a process of its own (its own core)."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        rate: float = pool.apply(_load_in_process, (port, path, token, seconds))
    return rate


def _load_in_process(port: int, path: str, token: str, seconds: float) -> float:
    return asyncio.run(_load(port, path, token, seconds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--server", default=POSTGRES_URL, help="default: TEST_DATABASE_URL")
    parser.add_argument(
        "--pool-size", type=int, help="connections per server (default: the app's settings)"
    )
    options = parser.parse_args()
    if not options.server:
        parser.error("give --server postgresql://… or set TEST_DATABASE_URL")
    seconds = options.seconds

    from {{ cookiecutter.package_name }}.core.config import Settings

    defaults = Settings(_env_file=None, environment="test")
    pool_size = options.pool_size or defaults.db_pool_size + defaults.db_max_overflow
    rates: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as workdir, dataset(options.server, Path(workdir)) as data:
        servers = {
            "app": (
                "{{ cookiecutter.package_name }}.main:app",
                data.app_environment(options.pool_size),
                PATHS,
            ),
            "asyncpg": ("scripts.baseline_app:app", data.baseline_environment(pool_size), PATHS),
            # Bare FastAPI's /health is the same on either library: measured once.
            "sqlalchemy": (
                "scripts.baseline_app:app",
                data.baseline_environment(pool_size, "sqlalchemy"),
                PATHS[:2],
            ),
        }
        with ExitStack() as stack:
            ports = {
                name: stack.enter_context(served(app, env))
                for name, (app, env, _) in servers.items()
            }
            # Rounds alternate the servers, so a slower spell of the machine hits all alike.
            for _ in range(ROUNDS):
                for name, (_, _, paths) in servers.items():
                    for path in paths:
                        rate = load(ports[name], path, data.token, seconds / ROUNDS)
                        rates.setdefault((name, path), []).append(rate)
    app, base, sqlalchemy = (
        {path: statistics.median(rates[name, path]) for path in paths}
        for name, (_, _, paths) in servers.items()
    )
    figure("seconds per figure", seconds, ".1f")
    figure("connections", CONNECTIONS, "d")
    for path, name in ((LIST_PATH, "items list"), ("/health/db", "health/db")):
        figure(f"{name}, app (req/s)", app[path])
        figure(f"{name}, baseline (req/s)", base[path])
        figure(f"{name}, SQLAlchemy floor (req/s)", sqlalchemy[path])
        figure(f"ratio {name} app / baseline", app[path] / base[path], ".2f")
        figure(f"ratio {name} SQLAlchemy / baseline", sqlalchemy[path] / base[path], ".2f")
        figure(f"ratio {name} app / SQLAlchemy", app[path] / sqlalchemy[path], ".2f")
    figure("health, app (req/s)", app["/health"])
    figure("health, bare FastAPI (req/s)", base["/health"])
    figure("ratio health app / FastAPI", app["/health"] / base["/health"], ".2f")


if __name__ == "__main__":
    main()

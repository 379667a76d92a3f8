"""Cold-start import cost of the Lambda handler, compared with `import fastapi` alone.

    uv run python scripts/bench_cold_start.py [--runs 15]

Each sample is a fresh interpreter (as a Lambda cold start is) timing one import with
`time.perf_counter`. Prints the median of each, and their ratio. A benchmark, not a
test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

HANDLER_MODULE = "{{ cookiecutter.package_name }}.lambda_handler"
SNIPPET = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def sample(module: str, workdir: str) -> float:
    # Bytecode caching on, as in a deployed package (`make package` ships .pyc files).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    result = subprocess.run(
        [sys.executable, "-c", SNIPPET.format(module=module)],
        cwd=workdir,  # no .env or app.db of the checkout
        env={**env, "ENVIRONMENT": "test"},
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as workdir:
        sample(HANDLER_MODULE, workdir)  # warm the OS file cache and the .pyc files once
        fastapi = [sample("fastapi", workdir) for _ in range(runs)]
        handler = [sample(HANDLER_MODULE, workdir) for _ in range(runs)]
    fastapi_ms = statistics.median(fastapi) * 1000
    handler_ms = statistics.median(handler) * 1000
    print(f"runs per module:           {runs}")
    print(f"import fastapi (median):   {fastapi_ms:8.1f} ms")
    print(f"import {HANDLER_MODULE} (median): {handler_ms:8.1f} ms")
    print(f"ratio handler / fastapi:   {handler_ms / fastapi_ms:8.2f}")


if __name__ == "__main__":
    main()

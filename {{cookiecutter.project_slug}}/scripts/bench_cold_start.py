"""Lambda cold start: the handler's import, and the first authenticated item list, each
against its floor.

    uv run python -m scripts.bench_cold_start [--runs 15] [--task build/lambda/site]

1. `import {{ cookiecutter.package_name }}.lambda_handler` against a bare `import fastapi`, and
   against `import fastapi` with SQLAlchemy's async ORM (what any app on that library
   imports before its first query).
2. Process start to the response of the first `GET /api/v1/items` through the handler
   (an API Gateway HTTP API event with a bearer token, on a scratch Postgres database
   from TEST_DATABASE_URL or --server), against the same request through
   scripts/baseline_app.py: FastAPI, Mangum, asyncpg and PyJWT running the same queries,
   and the same on SQLAlchemy's cheapest path (BASELINE_LIBRARY=sqlalchemy).

3. With SnapStart: the init (import, warm-up, the before-snapshot hook) runs when a
   version is published, so a cold start is Lambda's restore of the snapshot, the
   after-restore hook and the first request. The last two are timed here, from the
   moment the snapshot would be taken; the restore itself is Lambda's and not measured.

Each sample is a fresh interpreter, as a cold start is. With --task (the unzipped
Lambda package of `make package ARCH=<this machine's>`, bytecode included) the code runs
from that folder alone, on this Python with no site-packages, and the baseline is
compiled the way the package is; without it, from this project's environment. Run as a
module from the project root. Prints medians and ratios: a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import py_compile
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import snapshot_restore_py

from scripts.bench_data import LIST_PATH, Dataset, dataset, figure, median_ms
from scripts.scratch import POSTGRES_URL

HANDLER_MODULE = "{{ cookiecutter.package_name }}.lambda_handler"
WITH_SQLALCHEMY = (
    "fastapi, sqlalchemy.orm, sqlalchemy.ext.asyncio, sqlalchemy.dialects.postgresql.asyncpg"
)
BASELINE = Path(__file__).with_name("baseline_app.py")
IMPORT = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
# The runtime's part: load the handler, invoke it once with the event, report.
INVOKE = """
import json, os
from {module} import handler
response = handler(json.loads(os.environ["BENCH_EVENT"]), None)
body = json.loads(response["body"])
print("FIRST_RESPONSE", response["statusCode"], len(body.get("items", [])), flush=True)
"""

# A SnapStart init as the runtime runs it, then the first invocation after the restore.
RESTORED = """
import json, os, time
import snapshot_restore_py as hooks
from {module} import handler
for hook, args, kwargs in reversed(hooks.get_before_snapshot()):
    hook(*args, **kwargs)
restored = time.perf_counter()
for hook, args, kwargs in hooks.get_after_restore():
    hook(*args, **kwargs)
response = handler(json.loads(os.environ["BENCH_EVENT"]), None)
print("RESTORED", response["statusCode"], time.perf_counter() - restored, flush=True)
"""


def list_event(token: str) -> dict[str, object]:
    """An API Gateway HTTP API (v2) event for the benchmark's item list."""
    path, _, query = LIST_PATH.partition("?")
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {
            "host": "bench.execute-api.us-east-1.amazonaws.com",
            "authorization": f"Bearer {token}",
        },
        "requestContext": {
            "http": {
                "method": "GET",
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.10",
                "userAgent": "benchmark",
            },
            "requestId": "benchmark",
            "routeKey": "$default",
            "stage": "$default",
        },
        "isBase64Encoded": False,
    }


class Runtime:
    """Where the code is imported from: the project's environment, or an unzipped
    package alone (as Lambda runs it: its folder first on sys.path, nothing else)."""

    def __init__(self, task: Path | None, workdir: Path) -> None:
        self.workdir = workdir  # no .env or app.db of the checkout
        self.paths = [str(workdir / "baseline")]
        (workdir / "baseline").mkdir()
        shutil.copy(BASELINE, workdir / "baseline" / BASELINE.name)
        # SnapStart's hook library, which Lambda's runtime provides beside the package.
        (workdir / "runtime").mkdir()
        shutil.copy(snapshot_restore_py.__file__, workdir / "runtime")
        self.isolated = task is not None
        if task is not None:
            self.paths.append(str(task.resolve()))
            # Packaged the same way as the app's modules: unchecked-hash bytecode.
            py_compile.compile(
                str(workdir / "baseline" / BASELINE.name),
                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
                doraise=True,
            )
        self.paths.append(str(workdir / "runtime"))  # after the package, as on Lambda

    def command(self, code: str) -> list[str]:
        prelude = f"import sys; sys.path[:0] = {self.paths!r}; sys.dont_write_bytecode = True\n"
        flags = ["-I", "-S"] if self.isolated else []
        return [sys.executable, *flags, "-c", prelude + code]

    def environment(self, extra: dict[str, str]) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        return {**base, "ENVIRONMENT": "test", **extra}

    def import_seconds(self, module: str) -> float:
        result = subprocess.run(
            self.command(IMPORT.format(module=module)),
            cwd=self.workdir,
            env=self.environment({}),
            capture_output=True,
            text=True,
            check=True,
        )
        return float(result.stdout.strip().splitlines()[-1])

    def first_response_seconds(self, module: str, token: str, env: dict[str, str]) -> float:
        """Process start to the handler's response (the process's exit is not counted)."""
        code = INVOKE.format(module=module)
        env = {**env, "BENCH_EVENT": json.dumps(list_event(token))}
        started = time.perf_counter()
        with subprocess.Popen(
            self.command(code),
            cwd=self.workdir,
            env=self.environment(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as process:
            if process.stdout is None or process.stderr is None:
                raise RuntimeError("the benchmark's pipes are missing")
            for line in process.stdout:
                if line.startswith("FIRST_RESPONSE"):
                    elapsed = time.perf_counter() - started
                    _, status, items = line.split()
                    if (status, items) != ("200", "20"):
                        raise SystemExit(f"{module}: the first response was {line.strip()}")
                    process.stdout.read()
                    process.wait()
                    return elapsed
            raise SystemExit(f"{module} gave no response:\n{process.stderr.read()}")

    def restored_response_seconds(self, token: str, env: dict[str, str]) -> float:
        """The after-restore hook and the first response, in a process whose init ended
        in a (simulated) snapshot."""
        env = {
            **env,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start",
            "BENCH_EVENT": json.dumps(list_event(token)),
        }
        result = subprocess.run(
            self.command(RESTORED.format(module=HANDLER_MODULE)),
            cwd=self.workdir,
            env=self.environment(env),
            capture_output=True,
            text=True,
            check=True,
        )
        _, status, seconds = result.stdout.strip().splitlines()[-1].split()
        if status != "200":
            raise SystemExit(f"the first response after a restore was {status}:\n{result.stderr}")
        return float(seconds)


def lambda_environment(data: Dataset) -> dict[str, str]:
    """The app as its Lambda function runs it (a pool of one connection, jobs on SQS)."""
    return {
        **data.app_environment(),
        "AWS_LAMBDA_FUNCTION_NAME": "benchmark-api",
        "JOBS_BACKEND": "sqs",
        # Named, never called: listing items enqueues nothing.
        "JOBS_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/benchmark",
        **data.baseline_environment(pool_size=1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--task", type=Path, help="an unzipped Lambda package")
    parser.add_argument("--server", default=POSTGRES_URL, help="default: TEST_DATABASE_URL")
    options = parser.parse_args()
    if not options.server:
        parser.error("give --server postgresql://… or set TEST_DATABASE_URL")
    runs = options.runs
    with tempfile.TemporaryDirectory() as workdir:
        runtime = Runtime(options.task, Path(workdir))
        runtime.import_seconds(HANDLER_MODULE)  # warms the OS file cache (and a venv's .pyc)
        fastapi = [runtime.import_seconds("fastapi") for _ in range(runs)]
        fastapi_orm = [runtime.import_seconds(WITH_SQLALCHEMY) for _ in range(runs)]
        handler = [runtime.import_seconds(HANDLER_MODULE) for _ in range(runs)]
        with dataset(options.server, Path(workdir)) as data:
            env = lambda_environment(data)
            orm_env = {**env, **data.baseline_environment(pool_size=1, library="sqlalchemy")}
            runtime.first_response_seconds("baseline_app", data.token, env)
            baseline = []
            orm_baseline = []
            app = []
            restored = []
            for _ in range(runs):  # interleaved, so drift in the machine hits all alike
                baseline.append(runtime.first_response_seconds("baseline_app", data.token, env))
                orm_baseline.append(
                    runtime.first_response_seconds("baseline_app", data.token, orm_env)
                )
                app.append(runtime.first_response_seconds(HANDLER_MODULE, data.token, env))
                restored.append(runtime.restored_response_seconds(data.token, env))
    source = f"package {options.task}" if options.task else "project environment"
    print(f"{'code from:':<40}{source}")
    figure("runs", runs, "d")
    milliseconds("import fastapi", fastapi)
    milliseconds("import fastapi + SQLAlchemy", fastapi_orm)
    milliseconds("import lambda_handler", handler)
    ratio("ratio import handler / fastapi", handler, fastapi)
    ratio("ratio import SQLAlchemy / fastapi", fastapi_orm, fastapi)
    milliseconds("first response, baseline", baseline)
    milliseconds("first response, SQLAlchemy", orm_baseline)
    milliseconds("first response, app", app)
    ratio("ratio first response app / base", app, baseline)
    ratio("ratio first resp. SQLAlchemy / base", orm_baseline, baseline)
    milliseconds("after SnapStart restore", restored)
    ratio("ratio restored / base first resp.", restored, baseline)


def milliseconds(label: str, samples: list[float]) -> None:
    figure(f"{label} (median)", median_ms(samples), ".1f", " ms")


def ratio(label: str, samples: list[float], floor: list[float]) -> None:
    figure(label, median_ms(samples) / median_ms(floor), ".2f")


if __name__ == "__main__":
    main()

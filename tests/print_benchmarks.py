"""Prints the generated project's benchmark figures for one covering combination (Lambda,
Postgres, uploads and jobs): the cold start from its built Lambda package, throughput,
and the SQLite-to-Postgres copy, each against its floor. `make bench`, run by CI after
the tests; the figures are printed, never judged (they depend on the machine).

Needs TEST_DATABASE_URL (a Postgres server) and Python 3.12 on PATH or under pyenv.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
import zipfile
from pathlib import Path

from tests.support import project_env, render, run, seed_rds_bundle

ANSWERS = {
    "compute": "lambda",
    "database": "postgres",
    "python_version": "3.12",
    "use_s3_uploads": "y",
    "use_background_jobs": "y",
}
# The package must run here, so it is built for this machine's CPU.
ARCHITECTURE = {"x86_64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}
OUTPUT = Path(__file__).resolve().parents[1] / "build" / "bench"


def main() -> int:
    if not os.environ.get("TEST_DATABASE_URL"):
        print("make bench needs TEST_DATABASE_URL (a Postgres server)", file=sys.stderr)
        return 2
    shutil.rmtree(OUTPUT, ignore_errors=True)
    OUTPUT.mkdir(parents=True)
    config = OUTPUT / "cookiecutter.yaml"
    homes = f"replay_dir: {OUTPUT / 'replay'}\ncookiecutters_dir: {OUTPUT / 'templates'}\n"
    config.write_text(homes)
    project = render(ANSWERS, OUTPUT, config)
    seed_rds_bundle(project)
    env = project_env(ANSWERS["python_version"])
    run(["make", "install"], cwd=project, env=env)
    run(["make", "package", f"ARCH={ARCHITECTURE[platform.machine()]}"], cwd=project, env=env)
    task = OUTPUT / "task"
    with zipfile.ZipFile(project / "dist" / "lambda.zip") as archive:
        archive.extractall(task)
    print(f"== benchmarks of {project.name}: {', '.join(f'{k}={v}' for k, v in ANSWERS.items())}")
    print(f"lambda.zip: {(project / 'dist' / 'lambda.zip').stat().st_size / 1e6:.1f} MB zipped")
    uv = env["UV"]
    for benchmark in (
        ["scripts.bench_cold_start", "--runs", "9", "--task", str(task)],
        ["scripts.bench_throughput", "--seconds", "5"],
        ["scripts.bench_copy_db"],
    ):
        print(f"-- {benchmark[0]}", flush=True)
        result = run([uv, "run", "python", "-m", *benchmark], cwd=project, env=env)
        print(result.stdout, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

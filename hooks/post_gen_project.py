"""Remove what the chosen options do not use, so no generated file is dead weight.

Each rule names the option value that leaves some paths unused. A file named
NAME.dynamodb.EXT is a DynamoDB project's NAME.EXT: it takes its SQL sibling's place
there, and is removed from every other project. Then it records where the template came
from and the answers (.cruft.json), so `cruft update` can bring a newer template in.
Nothing else happens here: no git init, no installs, no network.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

# Rendered by cookiecutter before the hook runs; tojson escapes quotes, so the raw string
# always holds valid JSON.
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")
PACKAGE = f"src/{ANSWERS['package_name']}"
DYNAMODB = ANSWERS["database"] == "dynamodb"
FRONTEND = ANSWERS["frontend"] == "static"
VARIANT = ".dynamodb."

UNUSED = [
    # Bootstrap's only variables are the GitHub repository's and its OIDC provider's.
    (ANSWERS["ci"] != "github", [".github", "infra/bootstrap/variables.tf"]),
    (
        ANSWERS["use_s3_uploads"] != "y",
        [
            f"{PACKAGE}/uploads",
            f"{PACKAGE}/migrations/versions/20260102_0002_uploads.py",
            "tests/test_uploads.py",
        ],
    ),
    (
        ANSWERS["use_background_jobs"] != "y",
        [
            f"{PACKAGE}/jobs",
            f"{PACKAGE}/worker.py",
            f"{PACKAGE}/uploads/jobs.py",
            f"{PACKAGE}/users/jobs.py",
            "tests/test_jobs.py",
            "tests/events/sqs.json",
            "infra/modules/queue",
        ],
    ),
    (ANSWERS["use_s3_uploads"] != "y", ["infra/modules/storage"]),
    (
        DYNAMODB,
        [
            "alembic.ini",
            f"{PACKAGE}/migrate.py",
            f"{PACKAGE}/migrations",
            f"{PACKAGE}/models.py",
            "deploy/rds_ca.py",
            "scripts/baseline_app.py",
            "scripts/bench_cold_start.py",
            "scripts/bench_copy_db.py",
            "scripts/bench_data.py",
            "scripts/bench_throughput.py",
            "tests/test_benchmarks.py",
            "tests/test_database_roles.py",
            "tests/test_database_tls.py",
            "tests/test_deploy_rds_ca.py",
            "tests/test_migrations.py",
            "tests/test_rotation.py",
            "tests/test_sessions.py",
            "tests/test_sqlite.py",
        ],
    ),
    (ANSWERS["database"] in ("sqlite", "dynamodb"), ["infra/modules/database"]),
    (not DYNAMODB, ["infra/modules/dynamodb"]),
    # `make run` starts the emulator only for what the app keeps in AWS locally, and
    # serves the page beside the API.
    (
        not DYNAMODB and ANSWERS["use_s3_uploads"] != "y" and not FRONTEND,
        ["emulator/run.py"],
    ),
    (
        not FRONTEND,
        [
            "frontend",
            "infra/modules/frontend",
            "deploy/frontend.py",
            "emulator/edge.py",
            "tests/test_frontend.py",
        ],
    ),
    (ANSWERS["database"] != "sqlite", ["infra/modules/efs"]),
    (ANSWERS["compute"] != "ecs", ["infra/modules/ecs_service", "infra/modules/registry"]),
    (ANSWERS["compute"] != "lambda", ["infra/modules/lambda_api"]),
    # WAF fronts the distribution, or the load balancer; an HTTP API cannot have one.
    (not FRONTEND and ANSWERS["compute"] != "ecs", ["infra/modules/waf"]),
]


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def use_variants(project: Path) -> None:
    for variant in sorted(project.rglob(f"*{VARIANT}*")):
        if DYNAMODB:
            variant.replace(variant.with_name(variant.name.replace(VARIANT, ".", 1)))
        else:
            variant.unlink()


def git(directory: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(directory), *args], capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def template_origin() -> tuple[str, str] | str:
    """(where the template can be cloned from, the commit rendered), or why neither is
    known. cookiecutter clones a URL into _repo_dir, and takes a local path as given:
    relative to where cookiecutter started, which the shell passes on as PWD (the hook
    itself runs in the project)."""
    repo_dir = Path(os.environ.get("PWD", "."), ANSWERS["_repo_dir"])
    commit = git(repo_dir, "rev-parse", "HEAD")
    if not (repo_dir / "cookiecutter.json").is_file() or commit is None:
        return f"{ANSWERS['_template']} is not a git checkout this hook can find"
    if ANSWERS["_template"] == ANSWERS["_repo_dir"]:
        return str(repo_dir.resolve()), commit
    origin = git(repo_dir, "remote", "get-url", "origin")
    if origin is None:
        return f"the clone of {ANSWERS['_template']} has no origin"
    return origin, commit


def record_template(project: Path) -> None:
    """Write .cruft.json as `cruft create` would. cruft itself renders with _commit set,
    for create and for both sides of an update, and writes the file itself."""
    if "_commit" in ANSWERS:
        return
    origin = template_origin()
    if isinstance(origin, str):
        print(
            f"No .cruft.json: {origin}. `cruft link <template>` records it later.",
            file=sys.stderr,
        )
        return
    template, commit = origin
    answers = {key: value for key, value in ANSWERS.items() if not key.startswith("_")}
    state = {
        "template": template,
        "commit": commit,
        "checkout": ANSWERS.get("_checkout"),
        "context": {"cookiecutter": {**answers, "_template": template, "_commit": commit}},
        "directory": None,
    }
    text = json.dumps(state, ensure_ascii=False, indent=2, separators=(",", ": "))
    (project / ".cruft.json").write_text(text + "\n")


def main() -> None:
    project = Path.cwd()
    for unused, paths in UNUSED:
        if unused:
            for relative in paths:
                remove(project / relative)
    use_variants(project)
    record_template(project)


if __name__ == "__main__":
    main()

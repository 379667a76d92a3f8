"""Remove what the chosen options do not use, so no generated file is dead weight.

Each rule names the option value that leaves some paths unused. Nothing else happens
here: no git init, no installs, no network.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

# Rendered by cookiecutter before the hook runs; tojson escapes quotes, so the raw string
# always holds valid JSON.
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")

UNUSED = [
    # Bootstrap's only variables are the GitHub repository's and its OIDC provider's.
    (ANSWERS["ci"] != "github", [".github", "infra/bootstrap/variables.tf"]),
    (
        ANSWERS["use_s3_uploads"] != "y",
        [
            f"src/{ANSWERS['package_name']}/uploads",
            f"src/{ANSWERS['package_name']}/migrations/versions/20260102_0002_uploads.py",
            "tests/test_uploads.py",
        ],
    ),
    (
        ANSWERS["use_background_jobs"] != "y",
        [
            f"src/{ANSWERS['package_name']}/jobs",
            f"src/{ANSWERS['package_name']}/worker.py",
            f"src/{ANSWERS['package_name']}/uploads/jobs.py",
            f"src/{ANSWERS['package_name']}/users/jobs.py",
            "tests/test_jobs.py",
            "tests/events/sqs.json",
            "infra/modules/queue",
        ],
    ),
    (ANSWERS["use_s3_uploads"] != "y", ["infra/modules/storage"]),
    (ANSWERS["database"] == "sqlite", ["infra/modules/database"]),
    (ANSWERS["database"] != "sqlite", ["infra/modules/efs"]),
    (ANSWERS["compute"] != "ecs", ["infra/modules/ecs_service", "infra/modules/registry"]),
    (ANSWERS["compute"] != "lambda", ["infra/modules/lambda_api"]),
]


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def main() -> None:
    project = Path.cwd()
    for unused, paths in UNUSED:
        if unused:
            for relative in paths:
                remove(project / relative)


if __name__ == "__main__":
    main()

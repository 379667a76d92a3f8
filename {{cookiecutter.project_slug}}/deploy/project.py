"""Facts about this project that the deploy steps need, read from its files."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[1]

Compute = Literal["ecs", "lambda"]
Environment = Literal["dev", "prod"]


@dataclass(frozen=True)
class Project:
    root: Path
    name: str
    python_version: str
    compute: Compute

    @classmethod
    def load(cls, root: Path = ROOT) -> Project:
        pyproject = tomllib.loads((root / "pyproject.toml").read_text())
        return cls(
            root=root,
            name=pyproject["project"]["name"],
            python_version=(root / ".python-version").read_text().strip(),
            compute="lambda" if (root / "infra/modules/lambda_api").is_dir() else "ecs",
        )

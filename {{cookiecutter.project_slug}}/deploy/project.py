"""Facts about this project that the deploy steps need, read from its files."""

from __future__ import annotations

import re
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
    package: str
    python_version: str
    compute: Compute

    @classmethod
    def load(cls, root: Path = ROOT) -> Project:
        pyproject = tomllib.loads((root / "pyproject.toml").read_text())
        (package_path,) = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
        return cls(
            root=root,
            name=pyproject["project"]["name"],
            package=Path(package_path).name,
            python_version=(root / ".python-version").read_text().strip(),
            compute="lambda" if (root / "infra/modules/lambda_api").is_dir() else "ecs",
        )

    def environment_root(self, environment: Environment) -> Path:
        return self.root / "infra" / "envs" / environment

    def region(self, environment: Environment) -> str:
        """The environment's region, as its backend configuration names it."""
        backend = (self.environment_root(environment) / "backend.hcl").read_text()
        match = re.search(r'^region\s*=\s*"([^"]+)"', backend, re.MULTILINE)
        if match is None:
            raise ValueError(f"no region in {environment}'s backend.hcl")
        return match.group(1)

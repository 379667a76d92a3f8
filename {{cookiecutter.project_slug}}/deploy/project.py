"""Facts about this project that the deploy steps need, read from its files."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[1]

Compute = Literal["ecs", "lambda"]
Environment = Literal["dev", "prod"]

# AWS names built from the project's name keep within their limits (infra/ cuts it the same way).
MAX_PREFIX_LENGTH = 35
# The services whose resources need a service-linked role, by the infra/modules folder that
# creates them (ECS services register with ELB and scale through Application Auto Scaling).
SERVICE_LINKED_ROLES = {
    "ecs_service": (
        "ecs.amazonaws.com",
        "elasticloadbalancing.amazonaws.com",
        "ecs.application-autoscaling.amazonaws.com",
    ),
    "database": ("rds.amazonaws.com",),
    "efs": ("elasticfilesystem.amazonaws.com",),
}


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
        return cls(
            root=root,
            name=pyproject["project"]["name"],
            package=next((root / "src").glob("*/migrate.py")).parent.name,
            python_version=(root / ".python-version").read_text().strip(),
            compute="lambda" if (root / "infra/modules/lambda_api").is_dir() else "ecs",
        )

    @property
    def database_server(self) -> bool:
        """Whether the stacks run RDS or Aurora (else SQLite on EFS)."""
        return (self.root / "infra" / "modules" / "database").is_dir()

    @property
    def linked_services(self) -> list[str]:
        """The services of SERVICE_LINKED_ROLES whose modules this project has."""
        modules = self.root / "infra" / "modules"
        return [
            service
            for module, services in SERVICE_LINKED_ROLES.items()
            if (modules / module).is_dir()
            for service in services
        ]

    @property
    def prefix(self) -> str:
        """What infra/ names the state bucket and each environment's resources after."""
        return self.name[:MAX_PREFIX_LENGTH].rstrip("-")

    def environment_root(self, environment: Environment) -> Path:
        return self.root / "infra" / "envs" / environment

    def region(self, environment: Environment) -> str:
        """AWS_REGION when set, else the region the environment's backend.hcl names."""
        backend = (self.environment_root(environment) / "backend.hcl").read_text()
        found = re.search(r'^region\s*=\s*"([^"]+)"', backend, re.MULTILINE)
        return os.environ.get("AWS_REGION") or (found.group(1) if found else "us-east-1")

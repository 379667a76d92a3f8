"""Facts about this project that the deploy steps need, read from project.json (which
Terraform reads too), never inferred from the files the options left."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[1]
FACTS_FILE = "project.json"

Compute = Literal["ecs", "lambda"]
Environment = Literal["dev", "prod"]

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
    prefix: str  # what infra/ names the state bucket and each environment's resources after
    package: str
    python_version: str
    compute: Compute
    database: str

    @classmethod
    def load(cls, root: Path = ROOT) -> Project:
        facts = json.loads((root / FACTS_FILE).read_text())
        return cls(
            root=root,
            name=facts["name"],
            prefix=facts["prefix"],
            package=facts["package"],
            python_version=facts["python_version"],
            compute=facts["compute"],
            database=facts["database"],
        )

    @property
    def database_server(self) -> bool:
        """Whether the stacks run RDS or Aurora (else SQLite on EFS)."""
        return self.database != "sqlite"

    @property
    def linked_services(self) -> list[str]:
        """The services of SERVICE_LINKED_ROLES whose modules this project's stacks use."""
        modules = {
            "ecs_service" if self.compute == "ecs" else "lambda_api",
            "database" if self.database_server else "efs",
        }
        return [
            service
            for module, services in SERVICE_LINKED_ROLES.items()
            if module in modules
            for service in services
        ]

    def environment_root(self, environment: Environment) -> Path:
        return self.root / "infra" / "envs" / environment

    def region(self, environment: Environment) -> str:
        """AWS_REGION when set, else the region the environment's backend.hcl names."""
        backend = (self.environment_root(environment) / "backend.hcl").read_text()
        found = re.search(r'^region\s*=\s*"([^"]+)"', backend, re.MULTILINE)
        return os.environ.get("AWS_REGION") or (found.group(1) if found else "us-east-1")

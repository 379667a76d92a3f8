"""Facts about this project that the deploy steps need, read from project.json (which
Terraform reads too), never inferred from the files the options left."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
{%- if cookiecutter.frontend == "static" %}

from deploy.frontend import Frontend
{%- endif %}

ROOT = Path(__file__).resolve().parents[1]
FACTS_FILE = "project.json"

Architecture = Literal["arm64", "x86_64"]
Compute = Literal["ecs", "lambda"]
Environment = str  # one of project.json's environments: a folder of infra/envs

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
    ci: str
    region: str  # of the state bucket and every environment
    architecture: Architecture  # the CPU the API runs on
    hosted_zone: str | None  # the Route 53 zone of the API's domain; None: no domain
    environments: tuple[Environment, ...]
    # The AWS APIs a function in the VPC reaches through interface endpoints without NAT.
    interface_endpoints: tuple[str, ...]
{%- if cookiecutter.frontend == "static" %}
    frontend: Frontend
{%- endif %}

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
            ci=facts["ci"],
            region=facts["region"],
            architecture=facts["architecture"],
            hosted_zone=(facts["domain"] or {}).get("hosted_zone"),
            environments=tuple(facts["environments"]),
            interface_endpoints=tuple(facts["interface_endpoints"]["services"]),
{%- if cookiecutter.frontend == "static" %}
            frontend=Frontend.from_facts(root, facts["frontend"]),
{%- endif %}
        )
{%- if cookiecutter.database != "dynamodb" %}

    @property
    def database_server(self) -> bool:
        """Whether the stacks run RDS or Aurora (else SQLite on EFS)."""
        return self.database in ("postgres", "aurora-serverless")
{%- endif %}

    @property
    def linked_services(self) -> list[str]:
        """The services of SERVICE_LINKED_ROLES whose modules this project's stacks use."""
{%- if cookiecutter.database == "dynamodb" %}
        # DynamoDB tables on demand need none of their own.
        modules = {"ecs_service" if self.compute == "ecs" else "lambda_api"}
{%- else %}
        modules = {
            "ecs_service" if self.compute == "ecs" else "lambda_api",
            "database" if self.database_server else "efs",
        }
{%- endif %}
        return [
            service
            for module, services in SERVICE_LINKED_ROLES.items()
            if module in modules
            for service in services
        ]

    def environment_root(self, environment: Environment) -> Path:
        return self.root / "infra" / "envs" / environment

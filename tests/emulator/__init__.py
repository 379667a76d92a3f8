"""Terraform against moto on loopback.

`moto_server` starts the patched server (moto_server.py); `point_at_emulator` writes, into
a rendered project's copy of the Terraform (never into the template), the provider
override that sends every call to it and the overrides that pin what moto cannot round-trip.
`gaps()` lists every patch and override, one line each, naming the emulator gap.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.emulator.moto_server import GAPS as SERVER_GAPS

SERVER = Path(__file__).with_name("moto_server.py")

# Every service the generated Terraform calls (`elbv2` is the key for aws_lb*).
SERVICES = (
    "acm",
    "apigatewayv2",
    "appautoscaling",
    "cloudwatch",
    "ec2",
    "ecr",
    "ecs",
    "efs",
    "elbv2",
    "iam",
    "kms",
    "lambda",
    "logs",
    "rds",
    "route53",
    "s3",
    "secretsmanager",
    "sns",
    "sqs",
    "sts",
)

CREDENTIALS = {"access_key": "test", "secret_key": "test"}


@dataclass(frozen=True)
class Override:
    """Attributes of one resource that moto does not store or returns changed."""

    gap: str
    module: str
    resource: str  # type.name
    ignore_changes: tuple[str, ...]

    def hcl(self) -> str:
        kind, name = self.resource.split(".")
        ignored = ", ".join(self.ignore_changes)
        return (
            f'# {self.gap}\nresource "{kind}" "{name}" {{\n'
            f"  lifecycle {{\n    ignore_changes = [{ignored}]\n  }}\n}}\n"
        )


PERFORMANCE_INSIGHTS = (
    "performance_insights_enabled",
    "performance_insights_kms_key_id",
    "performance_insights_retention_period",
)

OVERRIDES = (
    Override(
        "moto: RDS instances keep no Performance Insights settings",
        "database",
        "aws_db_instance.this",
        PERFORMANCE_INSIGHTS,
    ),
    Override(
        "moto: RDS instances keep no Performance Insights settings",
        "database",
        "aws_rds_cluster_instance.this",
        PERFORMANCE_INSIGHTS,
    ),
    Override(
        "moto: Aurora clusters return a Serverless v1 scaling configuration nobody set",
        "database",
        "aws_rds_cluster.this",
        ("scaling_configuration",),
    ),
    Override(
        "moto: ECS services keep neither the health check grace period, AZ rebalancing nor"
        " managed tags",
        "ecs_service",
        "aws_ecs_service.app",
        (
            "desired_count",  # the module's own ignore_changes, which an override replaces
            "health_check_grace_period_seconds",
            "availability_zone_rebalancing",
            "enable_ecs_managed_tags",
        ),
    ),
    Override(
        "moto: ECS services keep neither the health check grace period, AZ rebalancing nor"
        " managed tags",
        "ecs_service",
        "aws_ecs_service.worker",
        ("availability_zone_rebalancing", "enable_ecs_managed_tags"),
    ),
)


@contextmanager
def moto_server(log: Path) -> Iterator[str]:
    """A fresh patched moto server on a free loopback port; yields its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, str(SERVER), str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env={"MOTO_IAM_LOAD_MANAGED_POLICIES": "true", "PATH": "/usr/bin:/bin"},
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto did not start: {log.read_text()[-2000:]}") from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def provider_override(url: str) -> str:
    endpoints = "\n".join(f'    {service} = "{url}"' for service in SERVICES)
    return (
        "# Every call to the emulator on loopback, with test credentials (the region and\n"
        "# default tags stay the root's own).\n"
        'provider "aws" {\n'
        f'  access_key                  = "{CREDENTIALS["access_key"]}"\n'
        f'  secret_key                  = "{CREDENTIALS["secret_key"]}"\n'
        "  skip_credentials_validation = true\n"
        "  skip_metadata_api_check     = true\n"
        "  s3_use_path_style           = true\n"
        f"\n  endpoints {{\n{endpoints}\n  }}\n}}\n"
    )


def backend_config(url: str, bucket: str) -> str:
    """The S3 backend's settings for the emulator (beside the project's backend.hcl)."""
    return (
        f'bucket                      = "{bucket}"\n'
        f'access_key                  = "{CREDENTIALS["access_key"]}"\n'
        f'secret_key                  = "{CREDENTIALS["secret_key"]}"\n'
        "skip_credentials_validation = true\n"
        "skip_requesting_account_id  = true\n"
        "skip_metadata_api_check     = true\n"
        "use_path_style              = true\n"
        f'endpoints                   = {{ s3 = "{url}" }}\n'
    )


def point_at_emulator(infra: Path, url: str) -> None:
    """Write the emulator's override files into a rendered project's infra/: the provider
    into bootstrap and envs/dev, the pinned attributes into the modules that have them."""
    for root in (infra / "bootstrap", infra / "envs" / "dev"):
        (root / "emulator_override.tf").write_text(provider_override(url))
    by_module: dict[Path, list[Override]] = {}
    for override in OVERRIDES:
        module = infra / "modules" / override.module
        if module.is_dir():
            by_module.setdefault(module, []).append(override)
    for module, overrides in by_module.items():
        (module / "emulator_override.tf").write_text("\n".join(o.hcl() for o in overrides))


def gaps() -> list[str]:
    return [*SERVER_GAPS, *dict.fromkeys(o.gap for o in OVERRIDES)]

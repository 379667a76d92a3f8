"""Terraform pointed at the emulator: a provider and a backend on loopback, and where moto
does not store an attribute or returns it changed, an `ignore_changes` override written
into a scratch copy of infra/ (never into infra/ itself: nothing there is bent for the
emulator)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from emulator import ACCOUNT_CREDENTIALS, Credentials

# The file each override goes in (Terraform merges `*_override.tf` into its siblings).
OVERRIDE_FILE = "emulator_override.tf"

# Every service the generated Terraform calls (`elbv2` is the key for aws_lb*; `wafv2`
# where a web ACL fronts the load balancer or the distribution).
SERVICES = (
    "acm",
    "apigatewayv2",
    "appautoscaling",
{%- if cookiecutter.frontend == "static" %}
    "cloudfront",
{%- endif %}
    "cloudwatch",
{%- if cookiecutter.database == "dynamodb" %}
    "dynamodb",
{%- endif %}
    "ec2",
    "ecr",
    "ecs",
    "efs",
    "elbv2",
    "iam",
    "kms",
    "lambda",
    "logs",
{%- if cookiecutter.database != "dynamodb" %}
    "rds",
{%- endif %}
    "route53",
    "s3",
    "secretsmanager",
    "sesv2",
    "sns",
    "sqs",
    "sts",
    "wafv2",
)


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
        # Braces as plain strings: this file is also a cookiecutter template, where
        # doubled braces would mean Jinja.
        return (
            f'# {self.gap}\nresource "{kind}" "{name}" ' + "{\n"
            "  lifecycle {\n"
            f"    ignore_changes = [{ignored}]\n"
            "  }\n"
            "}\n"
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
            # The module's own ignore_changes, which an override replaces.
            "desired_count",
            "task_definition",
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
        ("task_definition", "availability_zone_rebalancing", "enable_ecs_managed_tags"),
    ),
)


def credential_lines(credentials: Credentials) -> list[str]:
    """The credentials as provider or backend arguments (emulator-issued: they reach no AWS)."""
    lines = [
        f'access_key                  = "{credentials.access_key}"',
        f'secret_key                  = "{credentials.secret_key}"',
    ]
    if credentials.session_token:
        lines.append(f'token                       = "{credentials.session_token}"')
    return lines


{%- if cookiecutter.frontend == "static" %}


# The roots' providers: the region's, and us-east-1's (CloudFront's certificate and WAF).
PROVIDER_ALIASES = (None, "us_east_1")
{%- else %}


PROVIDER_ALIASES = (None,)
{%- endif %}


def provider_override(
    url: str,
    credentials: Credentials = ACCOUNT_CREDENTIALS,
    aliases: tuple[str | None, ...] = PROVIDER_ALIASES,
) -> str:
    """Every provider of a root (`aliases`) pointed at the emulator."""
    endpoints = "\n".join(f'    {service} = "{url}"' for service in SERVICES)
    arguments = [
        *credential_lines(credentials),
        "skip_credentials_validation = true",
        "skip_metadata_api_check     = true",
        "s3_use_path_style           = true",
    ]
    blocks = [
        'provider "aws" {\n'
        + (f'  alias = "{alias}"\n' if alias else "")
        + "".join(f"  {line}\n" for line in arguments)
        + "\n  endpoints {\n"
        + endpoints
        + "\n  }\n}\n"
        for alias in aliases
    ]
    return (
        "# Every call to the emulator on loopback, with the emulator's credentials (the\n"
        "# region and default tags stay the root's own).\n" + "\n".join(blocks)
    )


def backend_config(url: str, bucket: str, credentials: Credentials = ACCOUNT_CREDENTIALS) -> str:
    """The S3 backend's settings for the emulator (beside the project's backend.hcl)."""
    arguments = [
        f'bucket                      = "{bucket}"',
        *credential_lines(credentials),
        "skip_credentials_validation = true",
        "skip_requesting_account_id  = true",
        "skip_metadata_api_check     = true",
        "use_path_style              = true",
        "endpoints                   = " + "{ " + f's3 = "{url}"' + " }",
    ]
    return "".join(f"{line}\n" for line in arguments)


def point_at_emulator(infra: Path, url: str) -> None:
    """Write the emulator's override files into a rendered project's infra/: the provider
    into bootstrap and envs/dev, the pinned attributes into the modules that have them."""
    (infra / "bootstrap" / OVERRIDE_FILE).write_text(provider_override(url, aliases=(None,)))
    (infra / "envs" / "dev" / OVERRIDE_FILE).write_text(provider_override(url))
    by_module: dict[Path, list[Override]] = {}
    for override in OVERRIDES:
        module = infra / "modules" / override.module
        if module.is_dir():
            by_module.setdefault(module, []).append(override)
    for module, overrides in by_module.items():
        (module / OVERRIDE_FILE).write_text("\n".join(o.hcl() for o in overrides))

"""Where a release's code runs: on AWS ({% if cookiecutter.database != "dynamodb" %}the migration function or task, {% endif %}the public URL),
or, for `make deploy-local`, on this machine in place of what the emulator cannot run.
The release (deploy/release.py) is written once against `Runtime`; the target picks the
implementation, and every call returns data, not text to parse.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from deploy import {% if cookiecutter.frontend == "static" %}frontend, {% endif %}functions, quotas, services, smoke
from deploy.aws import Aws
from deploy.local import LocalEmulator
from deploy.project import Environment, Project
from deploy.steps import {% if cookiecutter.database != "dynamodb" or cookiecutter.frontend == "static" %}StepError, {% endif %}run, say, step

# Docker's names for project.json's architectures.
IMAGE_PLATFORMS = {"x86_64": "linux/amd64", "arm64": "linux/arm64"}
MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"


class Runtime(Protocol):
    def check_limits(self, environment: Environment) -> None:
        """Says whether the account can run the release (Lambda's concurrency)."""
{%- if cookiecutter.database != "dynamodb" %}

    def migrate_functions(self, names: Mapping[str, str], versions: Mapping[str, str]) -> str:
        """Runs the migration function at its new version; returns the schema revision."""

    @property
    def starts_tasks(self) -> bool:
        """Whether new ECS tasks really start (and run their migrate container first)."""

    def migrate_services(self, stack: Mapping[str, Any], task_definition: str) -> None:
        """Runs the migrate container of `task_definition` once, before the rollout."""
{%- endif %}

    def smoke(self, stack: Mapping[str, Any], serving: Mapping[str, str]) -> dict[str, Any]:
        """GET /health/db of the release `serving` (function versions or service
        revisions) answers 200; returns its body."""

    def push_image(self, repository_uri: str, reference: str, revision: str) -> None:
        """Puts the image for `revision` in the repository."""
{%- if cookiecutter.frontend == "static" %}

    def check_page(self, stack: Mapping[str, Any], index: bytes) -> str:
        """Through the distribution: the page serves `index` (the live release's
        index.html) with its security headers, and the API's paths reach the API."""
{%- endif %}


@dataclass(frozen=True)
class AwsRuntime:
    """The release's code runs on AWS itself."""

    project: Project
    aws: Aws

    def check_limits(self, environment: Environment) -> None:
        if self.project.compute == "lambda":
            concurrency = quotas.check_lambda_concurrency(self.aws, self.project, environment)
            say(f"    Lambda concurrency: {concurrency}")
{%- if cookiecutter.database != "dynamodb" %}

    def migrate_functions(self, names: Mapping[str, str], versions: Mapping[str, str]) -> str:
        return functions.run_migration(self.aws, names["migrate"], versions["migrate"])

    @property
    def starts_tasks(self) -> bool:
        return True

    def migrate_services(self, stack: Mapping[str, Any], task_definition: str) -> None:
        services.run_migration(self.aws, stack)  # the migrate task definition
{%- endif %}

    def smoke(self, stack: Mapping[str, Any], serving: Mapping[str, str]) -> dict[str, Any]:
        return smoke.check(stack["url"])
{%- if cookiecutter.frontend == "static" %}

    def check_page(self, stack: Mapping[str, Any], index: bytes) -> str:
        # stack["url"] is the distribution's: smoke() has reached the API through it.
        base = stack["url"].rstrip("/")

        def get(path: str) -> frontend.Fetched:
            return smoke.fetch(base + path)

        return smoke.retried(lambda: frontend.check_page(get, index))
{%- endif %}

    def push_image(self, repository_uri: str, reference: str, revision: str) -> None:
        platform = IMAGE_PLATFORMS[self.project.architecture]
        with step(f"Building {reference} ({platform})"):
            run(
                ["docker", "build", "--platform", platform, "--tag", reference, "."],
                cwd=self.project.root,
                capture=False,
            )
        with step("Pushing to ECR"):
            token = self.aws.client("ecr").get_authorization_token()["authorizationData"][0]
            user, password = _decoded(token["authorizationToken"]).split(":", 1)
            registry = repository_uri.split("/", 1)[0]
            run(
                ["docker", "login", "--username", user, "--password-stdin", registry],
                stdin=password,
            )
            run(["docker", "push", reference], capture=False)


@dataclass(frozen=True)
class EmulatedRuntime:
{%- if cookiecutter.database == "dynamodb" %}
    """`make deploy-local`: moto runs no Lambda code and no containers, so the smoke check
    runs in a child process here, with the settings the function or task got from
    Terraform, read back from the emulator (LocalEmulator.run_step)."""
{%- else %}
    """`make deploy-local`: moto runs no Lambda code and no containers, so the migration
    and the smoke check run in a child process here, with the settings the function or
    task got from Terraform, read back from the emulator (LocalEmulator.run_step)."""
{%- endif %}

    project: Project
    aws: Aws
    local: LocalEmulator

    def check_limits(self, environment: Environment) -> None:
        say("    (emulated) no account limits to check")
{%- if cookiecutter.database != "dynamodb" %}

    def migrate_functions(self, names: Mapping[str, str], versions: Mapping[str, str]) -> str:
        deployed = functions.configuration(self.aws, names["migrate"], versions["migrate"])
        result = self.local.run_step(self.aws, "lambda-migrate", deployed, names["migrate"])
        return str(result["revision"])

    @property
    def starts_tasks(self) -> bool:
        return False

    def migrate_services(self, stack: Mapping[str, Any], task_definition: str) -> None:
        container = services.container(self.aws, task_definition, "migrate")
        command = container["command"]
        if command[0] != "python":
            raise StepError(f"the migration container runs {command}, not a Python module")
        deployed = env_list(container["environment"])
        self.local.run_command(self.aws, "the migration task", deployed, command[1:])
{%- endif %}

    def smoke(self, stack: Mapping[str, Any], serving: Mapping[str, str]) -> dict[str, Any]:
        if self.project.compute == "lambda":
            name = stack["function_names"]["api"]
            deployed = functions.configuration(self.aws, name, serving["api"])
            return self.local.run_step(self.aws, "lambda-smoke", deployed, name)
        app = serving[stack["service_name"]]
        container = services.container(self.aws, app, "app")
        return self.local.run_step(self.aws, "asgi-smoke", env_list(container["environment"]))

{%- if cookiecutter.frontend == "static" %}

    def check_page(self, stack: Mapping[str, Any], index: bytes) -> str:
        from emulator.edge import EmulatedDistribution

        self.local.emulated.append(
            "the distribution (its function run in V8, the page read from its bucket)"
        )
        distribution = EmulatedDistribution(
            self.aws.client("cloudfront"), self.aws.client("s3"), stack["distribution_id"]
        )
        page = frontend.check_page(distribution.get, index)
        api = distribution.get(smoke.PATH)
        if api.status:  # a custom origin is not fetched: the page's bucket answered
            raise StepError(f"{smoke.PATH} went to the page's bucket, not the API")
        return f"{page}; {smoke.PATH} goes to {api.origin}"
{%- endif %}

    def push_image(self, repository_uri: str, reference: str, revision: str) -> None:
        repository = repository_uri.split("/", 1)[1]
        with step(f"Pushing {reference} (emulated: a manifest, no build)"):
            self.local.emulated.append("the image push (a manifest; nothing was built)")
            self.aws.client("ecr").put_image(
                repositoryName=repository,
                imageManifest=json.dumps({"schemaVersion": 2, "mediaType": MANIFEST_TYPE}),
                imageManifestMediaType=MANIFEST_TYPE,
                imageTag=revision,
            )


def env_list(pairs: list[dict[str, str]]) -> dict[str, str]:
    return {pair["name"]: pair["value"] for pair in pairs}


def _decoded(token: str) -> str:
    import base64

    return base64.b64decode(token).decode()

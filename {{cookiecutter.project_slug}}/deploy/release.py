{%- if cookiecutter.database == "dynamodb" -%}
"""The commands behind `make deploy`, `deploy-local`, `rollback`, `image` and `logs`.

A failed smoke check moves traffic back: whichever step fails, the previous version keeps
serving. There is no migration: Terraform owns the DynamoDB tables, and the items are
read by both versions alike.

- Lambda: Terraform uploads the zip and publishes a version; the `live` alias of every
  function moves to it (deploy/functions.py).
- ECS: the image tagged with the git revision must be in ECR; Terraform registers new
  task definition revisions; the services move to them and must become stable
  (deploy/services.py).
{%- if cookiecutter.frontend == "static" %}
- The page: built before anything changes, uploaded as releases/<revision>/ once
  Terraform has applied, made live after the API's smoke check, and checked through the
  distribution; a failure there moves the page and the API back (deploy/frontend.py).
{%- endif %}

Where the release's code runs (the smoke check, the image push) is the target's runtime
(deploy/runtime.py): AWS, or this machine beside the emulator.
"""
{%- else -%}
"""The commands behind `make deploy`, `deploy-local`, `rollback`, `image` and `logs`.

A release moves traffic only after the migration has succeeded, and a failed smoke check
moves it back: whichever step fails, the previous version keeps serving.

- Lambda: Terraform uploads the zip and publishes a version; the migration function runs
  at that version; the `live` alias of every function moves to it (deploy/functions.py).
- ECS: the image tagged with the git revision must be in ECR; Terraform registers new
  task definition revisions; the migration task runs once; the services move to the new
  revisions and must become stable (deploy/services.py).
{%- if cookiecutter.frontend == "static" %}
- The page: built before anything changes, uploaded as releases/<revision>/ once
  Terraform has applied, made live after the API's smoke check, and checked through the
  distribution; a failure there moves the page and the API back (deploy/frontend.py).
{%- endif %}

Where the release's code runs (the migration, the smoke check, the image push) is the
target's runtime (deploy/runtime.py): AWS, or this machine beside the emulator.
"""
{%- endif %}

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deploy import {% if cookiecutter.frontend == "static" %}frontend, {% endif %}functions, package{% if cookiecutter.database != "dynamodb" %}, rds_ca{% endif %}, services
from deploy.account import ensure_service_linked_roles
from deploy.aws import Aws, error_code
from deploy.local import LocalEmulator
from deploy.preflight import committed_revision, confirm, head_revision, state_bucket, uncommitted
from deploy.project import Environment, Project
from deploy.runtime import AwsRuntime, EmulatedRuntime, Runtime
from deploy.steps import StepError, say, step
from deploy.terraform import INIT_OPTIONS, Terraform
from emulator.terraform import OVERRIDE_FILE, backend_config, provider_override

SIGNING_KEY_BYTES = 48


@dataclass(frozen=True)
class Target:
    """Where a deploy goes: an AWS account, or the emulator; `runtime` runs the release's
    code there."""

    project: Project
    environment: Environment
    aws: Aws
    terraform: Terraform
    runtime: Runtime
    backend_files: tuple[Path, ...] = ()

    @classmethod
    def aws_account(cls, project: Project, environment: Environment) -> Target:
        aws = Aws(project.region)
        root = project.environment_root(environment)
        return cls(project, environment, aws, Terraform(root), AwsRuntime(project, aws))

    @property
    def repository(self) -> str:
        """The ECR repository infra/modules/registry names after the environment."""
        return f"{self.project.prefix}-{self.environment}"

    def init_terraform(self, state_bucket: str) -> None:
        self.terraform.init(state_bucket, self.project.region, *self.backend_files)

    def stack(self) -> dict[str, Any]:
        return self.terraform.stack()


def check_account(target: Target) -> str:
    """The state bucket, once the credentials and the bucket are known to work."""
    account = target.aws.account_id()
    bucket = state_bucket(target.project, account)
    if not target.aws.bucket_exists(bucket):
        raise StepError(
            f"state bucket {bucket} not found in account {account}: apply infra/bootstrap "
            "once (README, 'Deploying'), or set TF_STATE_BUCKET"
        )
    say(f"    account {account}, state in s3://{bucket}")
    return bucket


def deploy(target: Target, *, confirmed: bool) -> None:
    project, environment = target.project, target.environment
    with step(f"Checking before anything changes ({environment})"):
        revision = committed_revision(project.root)
        say(f"    revision {revision}")
{%- if cookiecutter.database != "dynamodb" %}
        if project.database_server:
            rds_ca.check(project)
{%- endif %}
        confirm(environment, confirmed)
        bucket = check_account(target)
        target.runtime.check_limits(environment)
        if project.compute == "ecs" and not services.image_exists(
            target.aws, target.repository, revision
        ):
            raise StepError(
                f"ECR repository {target.repository} has no image {revision}: "
                f"run `make image ENV={environment}` first"
            )
    if project.linked_services:
        with step("Checking the account's service-linked roles"):
            created = ensure_service_linked_roles(target.aws, project.linked_services)
            say(f"    created for {', '.join(created)}" if created else "    all present")
    variables = release_variables(project, revision)
{%- if cookiecutter.frontend == "static" %}
    with step("Building the page"):
        page = frontend.build(project.frontend, project.root)
        say(f"    {len(page)} files in {project.frontend.output_dir.relative_to(project.root)}")
{%- endif %}
    with step("Terraform init"):
        target.init_terraform(bucket)
    with step(f"Terraform apply ({environment})"):
        target.terraform.apply(variables)
        stack = target.stack()
    with step("Checking the JWT signing key"):
        ensure_signing_key(target.aws, stack["jwt_secret_arn"])
{%- if cookiecutter.frontend == "static" %}
    with step(f"Uploading the page as release {revision} (not live yet)"):
        frontend.upload(target.aws, stack["frontend_bucket"], revision, project.frontend, page)
        say(f"    s3://{stack['frontend_bucket']}/{frontend.RELEASES}/{revision}/")
{%- endif %}
    if project.compute == "lambda":
        released, move_back = release_functions(target, stack)
    else:
        released, move_back = release_services(target, stack)
    smoke_check(target, stack, released, move_back)
{%- if cookiecutter.frontend == "static" %}
    release_page(target, stack, revision, move_back)
{%- endif %}
    say(f"\nDeployed {revision} to {environment}: {stack['url']}")


def release_variables(project: Project, revision: str) -> dict[str, str]:
    """What Terraform needs of a release beside the tfvars: the Lambda package (built
    here) or the image's tag."""
    if project.compute == "lambda":
        with step(f"Building the Lambda package ({project.architecture})"):
            zip_path = package.build(project, project.architecture, os.environ.get("UV", "uv"))
        return {"package_path": str(zip_path)}
    return {"image_tag": revision}


def plan(target: Target) -> None:
    """`make plan`: what `make deploy` would change in the environment, changing nothing.
    The working tree may hold uncommitted changes, the ones being planned."""
    project, environment = target.project, target.environment
    with step(f"Checking the account ({environment})"):
        revision = head_revision(project.root)
        changes = uncommitted(project.root)
        pending = f" and {len(changes)} uncommitted changes" if changes else ""
        say(f"    revision {revision}{pending}")
        bucket = check_account(target)
        if project.compute == "ecs" and not services.image_exists(
            target.aws, target.repository, revision
        ):
            say(f"    ECR has no image {revision} yet: `make image ENV={environment}` pushes it")
    variables = release_variables(project, revision)
    with step("Terraform init"):
        target.init_terraform(bucket)
    with step(f"Terraform plan ({environment})"):
        target.terraform.plan(variables)


def ensure_signing_key(aws: Aws, secret_arn: str) -> None:
    """Terraform creates the secret without a value (a value would sit in the state): the
    first deploy stores a random one. Its value is never printed."""
    client = aws.client("secretsmanager")
    try:
        client.describe_secret(SecretId=secret_arn)
        client.get_secret_value(SecretId=secret_arn)
        say("    already set")
    except Exception as error:
        if error_code(error) != "ResourceNotFoundException":
            raise
        client.put_secret_value(
            SecretId=secret_arn, SecretString=secrets.token_urlsafe(SIGNING_KEY_BYTES)
        )
        say("    stored a new random key (first deploy)")


def described(versions: Mapping[str, str]) -> str:
    return ", ".join(f"{role} v{version}" for role, version in versions.items())


MoveBack = Callable[[], str]


def release_functions(
    target: Target, stack: Mapping[str, Any]
) -> tuple[Mapping[str, str], MoveBack]:
    """Moves the live aliases to new versions; returns them, and how to move back."""
{%- if cookiecutter.database == "dynamodb" %}
    aws, names = target.aws, stack["function_names"]
{%- else %}
    aws, runtime, names = target.aws, target.runtime, stack["function_names"]
{%- endif %}
    with step("Publishing the new versions"):
        serving = functions.live(aws, names)
        versions = functions.publish(aws, names)
        say(f"    live: {described(serving)}; new: {described(versions)}")
{%- if cookiecutter.database != "dynamodb" %}
    with (
        step(f"Running migrations (migration function, version {versions['migrate']})"),
        nothing_rolled_forward(f"live stays on {described(serving)}"),
    ):
        say(f"    schema at {runtime.migrate_functions(names, versions)}")
{%- endif %}
    with step("Moving the live aliases to the new versions"):
        functions.point_live(aws, names, versions)

    def move_back() -> str:
        functions.point_live(aws, names, serving)
        return f"live is back on {described(serving)}"

    return versions, move_back


def release_services(
    target: Target, stack: Mapping[str, Any]
) -> tuple[Mapping[str, str], MoveBack]:
    """Rolls the services to new revisions; returns them, and how to move back."""
{%- if cookiecutter.database == "dynamodb" %}
    aws, cluster = target.aws, stack["cluster_name"]
{%- else %}
    aws, runtime, cluster = target.aws, target.runtime, stack["cluster_name"]
{%- endif %}
    definitions = stack["task_definition_arns"]
    new = {name: definitions[role] for name, role in services.services(stack).items()}
    serving = services.current(aws, cluster, list(new))
{%- if cookiecutter.database != "dynamodb" %}
    # With SQLite on EFS the app task's first container migrates, and the app and worker
    # containers start only if it succeeds: no migration task runs beside the old task.
    # Where no task really starts (the emulator), that container runs before the rollout.
    in_task = bool(stack["app_task_migrates"])
    migration = definitions["app"] if in_task else definitions["migrate"]
    if not (in_task and runtime.starts_tasks):
        where = "container of the app task" if in_task else "task"
        with (
            step(f"Running the migration {where} ({services.revision_name(migration)})"),
            nothing_rolled_forward(f"the services stay on {described_revisions(serving)}"),
        ):
            runtime.migrate_services(stack, migration)
{%- endif %}
    with step("Rolling the services to the new revisions"):
        say(f"    {described_revisions(serving)} -> {described_revisions(new)}")
{%- if cookiecutter.database != "dynamodb" %}
        if in_task:
            say("    (each new app task runs its migration container first)")
{%- endif %}
        services.roll(aws, cluster, new)

    def move_back() -> str:
        services.roll(aws, cluster, serving)
        return f"the services are back on {described_revisions(serving)}"

    return new, move_back


def smoke_check(
    target: Target,
    stack: Mapping[str, Any],
    released: Mapping[str, str],
    move_back: MoveBack | None = None,
) -> None:
    """GET /health/db of the `released` versions or revisions; on failure `move_back`
    returns traffic to the previous release and says where it is."""
    checked("Smoke check: GET /health/db", lambda: target.runtime.smoke(stack, released), move_back)


def checked(name: str, check: Callable[[], object], move_back: MoveBack | None) -> None:
    """The step `name`: says what `check` returns; if it fails, `move_back` runs first."""
    with step(name):
        try:
            say(f"    {check()}")
        except StepError as failure:
            if move_back is None:
                raise
            raise StepError(f"{failure}\n    {move_back()}") from None

{%- if cookiecutter.frontend == "static" %}


def release_page(
    target: Target, stack: Mapping[str, Any], release: str, move_api_back: MoveBack
) -> None:
    """Makes `release` the page's live one; if the page or the API then fails through
    the distribution, both go back."""
    aws, root = target.aws, target.project.root
    bucket, function = stack["frontend_bucket"], stack["frontend_function_name"]
    releases = frontend.history(aws, bucket)
    serving = releases[-1] if releases else None
    with step(f"Switching the page to release {release}"):
        say(f"    {serving or 'no release yet'} -> {release}")
        frontend.switch(aws, root, function, release)

    def move_back() -> str:
        if serving is None:
            return f"the page stays on {release}, its first release; {move_api_back()}"
        frontend.switch(aws, root, function, serving)
        return f"the page is back on {serving}; {move_api_back()}"

    check_page(target, stack, frontend.stored_index(aws, bucket, release), move_back)
    frontend.record(aws, bucket, [*(known for known in releases if known != release), release])


def check_page(
    target: Target, stack: Mapping[str, Any], index: bytes, move_back: MoveBack | None = None
) -> None:
    checked(
        "Smoke check through the distribution: the page, and the API's paths",
        lambda: target.runtime.check_page(stack, index),
        move_back,
    )
{%- endif %}
{%- if cookiecutter.database != "dynamodb" %}


@contextmanager
def nothing_rolled_forward(serving: str) -> Iterator[None]:
    """A failed migration ends the release before any traffic moves; say so."""
    try:
        yield
    except StepError as failure:
        raise StepError(f"{failure}\n    nothing was rolled forward: {serving}") from None
{%- endif %}


def described_revisions(revisions: Mapping[str, str]) -> str:
    return ", ".join(services.revision_name(arn) for arn in revisions.values())


def rollback(target: Target, *, confirmed: bool) -> None:
    """Back to the previous Lambda versions or task definition revisions{% if cookiecutter.frontend == "static" %}, and the page
    to its previous release{% endif %}.{% if cookiecutter.database != "dynamodb" %}

    Migrations are not undone: the previous code must work with the current schema
    (expand, then contract, over two releases).{% endif %}"""
    with step(f"Checking before anything changes ({target.environment})"):
        confirm(target.environment, confirmed)
        bucket = check_account(target)
        target.init_terraform(bucket)
        stack = target.stack()
    aws = target.aws
    if target.project.compute == "lambda":
        names = stack["function_names"]
        with step("Moving the live aliases to the previous versions"):
            earlier = functions.previous(aws, names)
            say(f"    {described(functions.live(aws, names))} -> {described(earlier)}")
            functions.point_live(aws, names, earlier)
    else:
        cluster = stack["cluster_name"]
        with step("Rolling the services to the previous revisions"):
            serving = services.current(aws, cluster, list(services.services(stack)))
            earlier = services.previous(aws, serving)
            say(f"    {described_revisions(serving)} -> {described_revisions(earlier)}")
            services.roll(aws, cluster, earlier)
    smoke_check(target, stack, earlier)
{%- if cookiecutter.frontend == "static" %}
    rollback_page(target, stack)


def rollback_page(target: Target, stack: Mapping[str, Any]) -> None:
    """The page's release before the live one goes live again."""
    aws, bucket = target.aws, stack["frontend_bucket"]
    releases = frontend.history(aws, bucket)
    if len(releases) < 2:
        say(f"    the page has no earlier release: it stays on {', '.join(releases) or 'none'}")
        return
    with step("Switching the page to its previous release"):
        say(f"    {releases[-1]} -> {releases[-2]}")
        frontend.switch(aws, target.project.root, stack["frontend_function_name"], releases[-2])
        frontend.record(aws, bucket, releases[:-1])
    check_page(target, stack, frontend.stored_index(aws, bucket, releases[-2]))
{%- endif %}


def image(target: Target) -> str:
    """Builds the image and pushes it to the environment's ECR repository, tagged with the
    git revision (for deploy-local, a manifest stands in: the emulator stores no layers).
    Returns the image reference."""
    with step(f"Checking before anything changes ({target.environment})"):
        revision = committed_revision(target.project.root)
{%- if cookiecutter.database != "dynamodb" %}
        if target.project.database_server:
            rds_ca.check(target.project)
{%- endif %}
        bucket = check_account(target)
    ecr = target.aws.client("ecr")
    try:
        found = ecr.describe_repositories(repositoryNames=[target.repository])
    except Exception as error:
        if error_code(error) != "RepositoryNotFoundException":
            raise
        with step(f"Creating the ECR repository {target.repository} (first deploy)"):
            target.init_terraform(bucket)
            target.terraform.apply({"image_tag": revision}, "module.stack.module.registry")
        found = ecr.describe_repositories(repositoryNames=[target.repository])
    repository_uri = found["repositories"][0]["repositoryUri"]
    reference = f"{repository_uri}:{revision}"
    if services.image_exists(target.aws, target.repository, revision):
        say(f"{reference} is in ECR already (tags are immutable)")
        return reference
    target.runtime.push_image(repository_uri, reference, revision)
    return reference


def logs(target: Target, since_minutes: int) -> None:
    """Prints the app's log lines from the last `since_minutes`, then new ones as they come
    (Ctrl-C stops)."""
    bucket = check_account(target)
    target.init_terraform(bucket)
    groups = target.stack()["app_log_group_names"]
    say(f"==> {', '.join(groups)} (Ctrl-C stops)")
    tail(target.aws, groups, since_minutes)


def tail(aws: Aws, groups: list[str], since_minutes: int, *, follow: bool = True) -> None:
    """Prints the groups' events in time order, polling every 2 s while `follow`."""
    client = aws.client("logs")
    start = dict.fromkeys(groups, int((time.time() - since_minutes * 60) * 1000))
    seen: set[tuple[str, str]] = set()
    while True:
        new = []
        for group in groups:
            pages = client.get_paginator("filter_log_events").paginate(
                logGroupName=group, startTime=start[group]
            )
            for page in pages:
                for event in page["events"]:
                    # Polling from the newest timestamp seen returns that event again.
                    if (group, event["eventId"]) not in seen:
                        seen.add((group, event["eventId"]))
                        start[group] = max(start[group], event["timestamp"])
                        new.append(event)
        for event in sorted(new, key=lambda event: event["timestamp"]):
            print(event["message"].rstrip(), flush=True)
        if not follow:
            return
        time.sleep(2)


def deploy_local(project: Project, local: LocalEmulator) -> None:
    """The deploy path against the emulator: bootstrap on the first run, then what `make
    deploy ENV=dev` does, with the steps moto cannot run done in-process."""
    with step("Starting the emulator"):
        url = local.start()
    with local_target(project, local, url) as target:
        if project.compute == "ecs":
            image(target)
        deploy(target, confirmed=True)
    say("\nEmulated (moto runs no containers or Lambda code):")
    for what in dict.fromkeys(local.emulated):
        say(f"  - {what}: in-process, with its configuration read back from the emulator")
{%- if cookiecutter.database != "dynamodb" %}
    say(f"  - the database: {local.database_url()} instead of the deployed one")
{%- endif %}


@contextmanager
def local_target(
    project: Project, local: LocalEmulator, url: str | None = None
) -> Iterator[Target]:
    """envs/dev on the emulator, in a copy of infra/ pointed at it, for the block's length.
    Bootstrap is applied the first time, as the account (its bucket then holds the state);
    envs/dev as whoever deploys (LocalEmulator.deployer)."""
    url = url or local.running_url()
    if url is None:
        raise StepError("no emulator is running: `make deploy-local` starts one")
    account = Aws(project.region, endpoint_url=url)
    infra = local.terraform_copy(url)
    bucket = state_bucket(project, account.account_id())
    if not account.bucket_exists(bucket):
        with step("Applying infra/bootstrap to the emulator (first run)"):
            bootstrap = Terraform(infra / "bootstrap")
            bootstrap("init", *INIT_OPTIONS, capture=False)
            repository = {"github_repository": f"local/{project.name}"}
            bootstrap.apply(repository if project.ci == "github" else {})
            outputs = json.loads(bootstrap("output", "-no-color", "-json"))
            roles = outputs.get("deploy_role_arns", {}).get("value", {})
            local.remember_deploy_role(roles.get("dev"))
    dev = infra / "envs" / "dev"
    zone = project.hosted_zone
    if zone:
        route53 = account.client("route53")
        if not route53.list_hosted_zones_by_name(DNSName=zone, MaxItems="1")["HostedZones"]:
            say(f"    (emulated) the hosted zone {zone}, which a real account already has")
            route53.create_hosted_zone(Name=zone, CallerReference=zone)
    aws = local.deployer(account)
    (dev / OVERRIDE_FILE).write_text(provider_override(url, aws.credentials))
    backend = dev / "emulator.backend.hcl"
    backend.write_text(backend_config(url, bucket, aws.credentials))
    runtime = EmulatedRuntime(project, aws, local)
    with local.iam_enforced(url) if aws != account else nullcontext():
        yield Target(project, "dev", aws, Terraform(dev), runtime, (backend,))

"""`make deploy-local`: the deploy path against the emulator on loopback.

{% if cookiecutter.database == "dynamodb" -%}
The emulator (the emulator/ package) keeps running between runs, so a second run updates
what the first one created, as a deploy to AWS does; `make deploy-local-down` stops it
and forgets everything. Its log and the Terraform copy live in .deploy-local/.

moto runs no Lambda code and no containers, so the step that needs them (the smoke
check) runs here instead, in a child process, with the settings the function or task
really got from Terraform, read back from the emulator. The AWS resources the app uses
(the tables Terraform made, secrets, bucket, queue, log group) are the emulator's, so a
setting Terraform wired wrong fails here as it would on AWS.
{%- else -%}
The emulator (the emulator/ package) keeps running between runs, so a second run updates
what the first one created, as a deploy to AWS does; `make deploy-local-down` stops it
and forgets everything. Its log, the Terraform copy and the local database live in
.deploy-local/.

moto runs no Lambda code and no containers, so the two steps that need them (the
migration and the smoke check) run here instead, in a child process, with the settings
the function or task really got from Terraform, read back from the emulator: only the
database is pointed at a local one (DEPLOY_LOCAL_DATABASE_URL, else SQLite in
.deploy-local/). The AWS resources the app uses (secrets, bucket, queue, log group) are
the emulator's, so a setting Terraform wired wrong fails here as it would on AWS.
{%- endif %}

Where bootstrap makes a deploy role (ci=github), the deploy runs as that role, as CI
does, with the emulator enforcing IAM: a permission the role lacks fails here, not in
CI's first deploy. (moto does not check who may assume the role, nor iam:PassRole; the
in-process steps run with IAM unenforced, as the account.)
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from deploy.aws import Aws
from deploy.inprocess import STEPS
from deploy.project import FACTS_FILE, Project
from deploy.steps import StepError, say
from emulator import ACCOUNT_CREDENTIALS, Credentials, server
from emulator.terraform import point_at_emulator

DIRECTORY = ".deploy-local"
{%- if cookiecutter.database != "dynamodb" %}
# The settings that locate the deployed database and log in to it, replaced by the local
# one (which has no IAM authentication and no app role to grant).
DATABASE_SETTINGS = (
    "DATABASE_URL",
    "DATABASE_SECRET_ARN",
    "DATABASE_IAM_USER",
    "DATABASE_APP_ROLE",
    "DATABASE_HOST",
    "DATABASE_PORT",
    "DATABASE_NAME",
    "DB_SSL",
)
{%- endif %}
# What a child process keeps from this one: enough to find tools, nothing of the app's.
INHERITED = ("PATH", "HOME", "LANG", "SYSTEMROOT", "TMPDIR")


@dataclass
class LocalEmulator:
    project: Project
    # What this run did in-process instead of on AWS, for the closing summary.
    emulated: list[str] = field(default_factory=list)
    # The emulator's URL while it enforces IAM.
    enforcing: str | None = field(default=None, init=False)

    @property
    def directory(self) -> Path:
        return self.project.root / DIRECTORY

    @property
    def _server_file(self) -> Path:
        return self.directory / "emulator.json"

    def _server(self) -> dict[str, Any]:
        """What is known of the running emulator: its URL, its pid, the deploy role."""
        server: dict[str, Any] = json.loads(self._server_file.read_text())
        return server

    def running_url(self) -> str | None:
        """The URL of this project's emulator if it is up."""
        try:
            url: str = self._server()["url"]
        except (OSError, ValueError, KeyError):
            return None
        return url if server.running(url) else None

    def start(self) -> str:
        """The running emulator's URL, starting one (in the background) when none is up."""
        url = self.running_url()
        if url is not None:
            say(f"    reusing the emulator on {url}")
            return url
        self.directory.mkdir(exist_ok=True)
        log = self.directory / "emulator.log"
        with log.open("w") as output:
            try:
                # Outlives this command, as a deployment does.
                process, url = server.spawn(output, outlive_caller=True)
            except RuntimeError as error:
                raise StepError(str(error)) from None
        self._server_file.write_text(json.dumps({"url": url, "pid": process.pid}))
        say(f"    started on {url} (log: {log.relative_to(self.project.root)})")
        return url

    def stop(self) -> bool:
        """Stops the emulator and forgets its state; False when none was running."""
        running = self.running_url() is not None
        if running:
            pid = self._server()["pid"]
            os.killpg(pid, signal.SIGTERM)
        shutil.rmtree(self.directory, ignore_errors=True)
        return running

    def remember_deploy_role(self, role_arn: str | None) -> None:
        """Bootstrap's deploy role, for every later run (bootstrap is applied once)."""
        self._server_file.write_text(json.dumps({**self._server(), "deploy_role_arn": role_arn}))

    def deployer(self, account: Aws) -> Aws:
        """Who deploys: bootstrap's deploy role where it made one, else the account, as a
        user deploys with their own credentials."""
        role_arn = self._server().get("deploy_role_arn")
        if role_arn is None:
            return account
        say(f"    deploying as {role_arn}, with IAM enforced (as CI deploys)")
        assumed = account.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="deploy")
        return replace(account, credentials=Credentials.assumed(assumed))

    @contextmanager
    def iam_enforced(self, url: str) -> Iterator[None]:
        """moto checks every call against the caller's policies until the block ends."""
        server.enforce_iam(url, True)
        self.enforcing = url
        try:
            yield
        finally:
            self.enforcing = None
            server.enforce_iam(url, False)

    @contextmanager
    def _iam_paused(self) -> Iterator[None]:
        """The in-process steps hold the account's credentials, which moto refuses while it
        enforces IAM (the deployed roles' own permissions are checked by the template's
        tests)."""
        url = self.enforcing
        if url is None:
            yield
            return
        server.enforce_iam(url, False)
        try:
            yield
        finally:
            server.enforce_iam(url, True)

    def terraform_copy(self, url: str) -> Path:
        """A fresh copy of infra/ with the emulator's override files (infra/ is untouched),
        beside a copy of the facts file it reads."""
        copy = self.directory / "infra"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(
            self.project.root / "infra",
            copy,
            ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"),
        )
        shutil.copy(self.project.root / FACTS_FILE, self.directory / FACTS_FILE)
        point_at_emulator(copy, url)
        return copy

    {% if cookiecutter.database == "dynamodb" -%}
    def app_environment(self, aws: Aws, deployed: Mapping[str, str]) -> dict[str, str]:
        """The deployed settings (the tables Terraform made included) with the emulator's
        endpoint."""
        environment = {name: os.environ[name] for name in INHERITED if name in os.environ}
        environment.update(deployed)
        environment.update(
{%- else -%}
    def database_url(self) -> str:
        return os.environ.get("DEPLOY_LOCAL_DATABASE_URL") or (
            f"sqlite+aiosqlite:///{self.directory / 'app.db'}"
        )

    def app_environment(self, aws: Aws, deployed: Mapping[str, str]) -> dict[str, str]:
        """The deployed settings with the emulator's endpoint and the local database. The
        database secret Terraform wired must exist and hold credentials."""
        secret_arn = deployed.get("DATABASE_SECRET_ARN")
        if secret_arn:
            secret = json.loads(
                aws.client("secretsmanager").get_secret_value(SecretId=secret_arn)["SecretString"]
            )
            if not {"username", "password"} <= secret.keys():
                raise StepError(f"{secret_arn} holds no username and password")
        environment = {name: os.environ[name] for name in INHERITED if name in os.environ}
        environment.update(
            {name: value for name, value in deployed.items() if name not in DATABASE_SETTINGS}
        )
        environment.update(
            DATABASE_URL=self.database_url(),
{%- endif %}
            AWS_ENDPOINT_URL=aws.endpoint_url or "",
            AWS_REGION=aws.region,
            AWS_DEFAULT_REGION=aws.region,
            **ACCOUNT_CREDENTIALS.environment(),
            # The deploy/ package, for `python -m deploy.inprocess`.
            PYTHONPATH=str(self.project.root),
        )
        return environment

    def run_command(
        self, aws: Aws, what: str, deployed: Mapping[str, str], argv: Sequence[str]
    ) -> None:
        """Runs `python *argv` in a child process with the deployed settings (`what` runs it
        on AWS) and outside the project directory, so no .env is read; a failure raises
        with the end of its output."""
        self.emulated.append(what)
        environment = self.app_environment(aws, deployed)
        workdir = self.directory / "run"
        workdir.mkdir(parents=True, exist_ok=True)
        say("    (emulated in-process) $ python " + " ".join(argv))
        with self._iam_paused():
            result = subprocess.run(  # noqa: S603 - this interpreter, fixed modules
                [sys.executable, *argv],
                cwd=workdir,
                env=environment,
                capture_output=True,
                text=True,
                check=False,
            )
        if result.returncode != 0:
            tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
            raise StepError(f"{what} failed:\n{tail}")

    def run_step(
        self,
        aws: Aws,
        name: str,
        deployed: Mapping[str, str],
        function_name: str | None = None,
    ) -> dict[str, Any]:
        """A step of deploy/inprocess.py with the deployed settings (`function_name` is
        what the Lambda runtime would set); returns its result."""
        result_file = self.directory / "run" / f"{name}.json"
        result_file.unlink(missing_ok=True)
        extra = {} if function_name is None else {"AWS_LAMBDA_FUNCTION_NAME": function_name}
        argv = ["-m", "deploy.inprocess", self.project.package, name, str(result_file)]
        self.run_command(aws, STEPS[name].stands_in_for, {**deployed, **extra}, argv)
        result: dict[str, Any] = json.loads(result_file.read_text())
        return result

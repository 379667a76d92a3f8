"""`make deploy-local`, the generated project's whole deploy path against moto, for one
Lambda and one ECS combination of each data layer (between them: every database but
SQLite, jobs, uploads, a domain, both computes).

In one rendered, committed project: the first deploy creates everything (bootstrap
included, then the environment as bootstrap's deploy role, with IAM enforced) and
releases version 1; the app's flows pass under the roles Terraform wrote (iam_probe.py);
a committed code change deploys again as an update (no bootstrap, a new version or task
definition revision goes live, and with the page, its new release after the API);
`make plan-local` then finds nothing to change; `make rollback-local` returns to the
first release, the page's included; a migration that fails stops the next deploy at the
migration step with nothing rolled forward. What is live is read from the emulator after
each step, not from the command's output.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tests.combinations import DATABASE_SERVERS, SLOW_SUBSET, Answers, combination_id
from tests.support import (
    alembic_head,
    project_env,
    record,
    render,
    resource_prefix,
    run,
    seed_rds_bundle,
)

pytestmark = pytest.mark.slow

# One of each compute per data layer: on SQL, the ECS one with a domain and jobs (a
# worker service), the Lambda one with jobs (a worker function behind its own alias);
# all with the GitHub deploy role, which deploy-local deploys as, with IAM enforced.
DEPLOY_LOCAL_SUBSET = [
    next(
        a for a in SLOW_SUBSET if a["compute"] == "ecs" and a["domain_name"] and a["ci"] == "github"
    ),
    next(
        a
        for a in SLOW_SUBSET
        if a["compute"] == "lambda" and a["use_background_jobs"] == "y" and a["ci"] == "github"
    ),
    # DynamoDB on each compute: no migration anywhere, and Lambda outside any VPC.
    *(
        next(a for a in SLOW_SUBSET if a["database"] == "dynamodb" and a["compute"] == compute)
        for compute in ("lambda", "ecs")
    ),
]
TIMEOUT = 1800
# The functions (or units) a stack with a database to migrate deploys.
ROLES = ("api", "migrate", "worker")
IAM_PROBE = Path(__file__).with_name("iam_probe.py")
BROKEN_MIGRATION = '''"""A migration that fails."""

from alembic import op

revision = "9999"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SELECT * FROM table_that_does_not_exist")


def downgrade() -> None:
    pass
'''


def git(project: Path, *args: str) -> str:
    return run(["git", *args], cwd=project).stdout


def commit(project: Path, message: str) -> None:
    git(project, "add", "-A")
    identity = ["-c", "user.name=Dev", "-c", "user.email=dev@example.com"]
    git(project, *identity, "commit", "-qm", message)


class Emulated:
    """The project's emulator, as `make deploy-local` left it running."""

    def __init__(self, project: Path, answers: Answers) -> None:
        url = json.loads((project / ".deploy-local" / "emulator.json").read_text())["url"]
        self.compute = answers["compute"]
        # The functions the stack has: no migration where there is nothing to migrate.
        self.roles = ("api", "worker") if answers["database"] == "dynamodb" else ROLES
        self.prefix = f"{resource_prefix(project.name)}-dev"
        credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
        self.session = boto3.session.Session(region_name="us-east-1", **credentials)
        self.url = url

    def client(self, service: str) -> object:
        return self.session.client(service, endpoint_url=self.url)  # type: ignore[call-overload]

    def live(self) -> dict[str, str]:
        """What serves: each function's `live` version, or each service's revision."""
        if self.compute == "lambda":
            client = self.client("lambda")
            names = [f"{self.prefix}-{role}" for role in self.roles]
            return {
                name: client.get_alias(FunctionName=name, Name="live")["FunctionVersion"]  # type: ignore[attr-defined]
                for name in names
            }
        client = self.client("ecs")
        described = client.describe_services(  # type: ignore[attr-defined]
            cluster=self.prefix, services=[self.prefix, f"{self.prefix}-worker"]
        )
        return {
            service["serviceName"]: service["taskDefinition"].rsplit(":", 1)[1]
            for service in described["services"]
        }

    def page(self) -> tuple[str, list[str]]:
        """The page's live release (the one its viewer-request function names), and the
        releases its bucket records as having gone live, oldest first."""
        cloudfront, s3 = self.client("cloudfront"), self.client("s3")
        code = cloudfront.get_function(Name=f"{self.prefix}-page", Stage="LIVE")  # type: ignore[attr-defined]
        text = code["FunctionCode"].read().decode()
        live = text.split('var RELEASE = "', 1)[1].split('"', 1)[0]
        history = json.loads(
            s3.get_object(Bucket=self.page_bucket(), Key="releases.json")["Body"].read()
        )  # type: ignore[attr-defined]
        return live, history["releases"]

    def page_bucket(self) -> str:
        buckets = self.client("s3").list_buckets()["Buckets"]  # type: ignore[attr-defined]
        (bucket,) = [b["Name"] for b in buckets if b["Name"].startswith(f"{self.prefix}-frontend-")]
        return str(bucket)

    def page_object(self, release: str, name: str) -> dict[str, str]:
        found = self.client("s3").get_object(  # type: ignore[attr-defined]
            Bucket=self.page_bucket(), Key=f"releases/{release}/{name}"
        )
        return {
            "type": found["ContentType"],
            "cache": found["CacheControl"],
            "body": found["Body"].read().decode(),
        }


def revision(project: Path) -> str:
    return git(project, "rev-parse", "--short=12", "HEAD").strip()


def assert_flows_pass_with_the_deployed_roles_only(
    project: Path, env: dict[str, str], emulator: Emulated, answers: Answers
) -> None:
    """The app's AWS flows under the policies Terraform wrote (tests/iam_probe.py)."""
    python = str(project / ".venv" / "bin" / "python")
    probe_env = {**env, "PYTHONPATH": str(project)}
    output = run([python, str(IAM_PROBE), emulator.url], project, probe_env).stdout
    results = json.loads(output.strip().rsplit("\n", 1)[-1])
    # The API reads the JWT secret; only the migration reads the database owner's.
    api = results["api"]
    assert api["secrets_read"] == 1, api
    # SES from the environment's domain; without a domain or mail_from, no mail (a 503).
    assert api["mail"] == ("sent" if answers["domain_name"] else "none"), api
    if answers["database"] in DATABASE_SERVERS:
        assert results["migrate"]["secrets_read"] == 1, results["migrate"]
    elif answers["database"] == "sqlite":
        assert results["migrate"]["secrets_read"] == 0, results["migrate"]
    else:
        assert "migrate" not in results, results
    uploads = answers["use_s3_uploads"] == "y"
    if uploads:
        assert api["upload"] == "uploaded", api  # processing is the worker's, on SQS
    if answers["use_background_jobs"] == "y":
        # The login's record_login, and the upload's process_upload.
        worker = results["worker"]
        assert worker["handled"] >= 1 + uploads, worker
        assert set(worker["left"].values()) == {0}, f"messages not handled: {worker}"
    # Stdout reaches CloudWatch through the platform; shipping it too would store it twice.
    assert results["shipping_logs"] == [], results["shipping_logs"]


def make(project: Path, env: dict[str, str], target: str) -> subprocess.CompletedProcess[str]:
    """`make target`, whatever its exit code (for the runs that must fail, and clean-up)."""
    record(["make", target])
    return subprocess.run(
        ["make", target],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def succeeded(project: Path, env: dict[str, str], target: str) -> str:
    """`make target`'s whole output; a failure fails the test with it (tests.support.run)."""
    result = run(["make", target], project, env, TIMEOUT)
    return result.stdout + result.stderr


@pytest.fixture
def project(
    request: pytest.FixtureRequest, tmp_path: Path, cookiecutter_config: Path
) -> Iterator[Path]:
    answers: Answers = request.param
    project = render(answers, tmp_path, cookiecutter_config)
    yield project
    # The emulator outlives `make deploy-local` on purpose; the test stops it.
    make(project, project_env(answers["python_version"]), "deploy-local-down")


@pytest.mark.parametrize(
    ("project", "answers"),
    [(answers, answers) for answers in DEPLOY_LOCAL_SUBSET],
    ids=[combination_id(answers) for answers in DEPLOY_LOCAL_SUBSET],
    indirect=["project"],
)
def test_deploy_local_updates_rolls_back_and_stops_at_a_failed_migration(
    project: Path, answers: Answers, terraform_env: dict[str, str]
) -> None:
    terraform_settings = {k: v for k, v in terraform_env.items() if k not in os.environ}
    terraform_settings["TF_CLI_CONFIG_FILE"] = terraform_env["TF_CLI_CONFIG_FILE"]
    env = {**project_env(answers["python_version"]), **terraform_settings}
    env.pop("DEPLOY_LOCAL_DATABASE_URL", None)
    run(["make", "install"], cwd=project, env=env)  # writes uv.lock, which a project commits
    # The bill before the first deploy, as the documentation shows it.
    bill = run(["make", "cost", "ENV=dev"], cwd=project, env=env).stdout
    assert " dev (us-east-1): $" in bill, bill
    if answers["database"] in DATABASE_SERVERS:
        seed_rds_bundle(project)  # `make rds-ca`, committed as the README says
    git(project, "init", "-q")
    commit(project, "Generated project")

    first = succeeded(project, env, "deploy-local")
    assert "Applying infra/bootstrap to the emulator (first run)" in first
    # Everything after bootstrap (Terraform, and the deploy's own calls) ran as the deploy
    # role CI assumes, under the policies bootstrap gave it.
    deploy_role = f"role/{resource_prefix(project.name)}-deploy-dev"
    assert f"deploying as arn:aws:iam::123456789012:{deploy_role}, with IAM enforced" in first
    assert "(emulated in-process)" in first
    assert "Emulated (moto runs no containers or Lambda code):" in first
    # A deploy leaves the tree as committed (lock files included), so the next one runs.
    assert git(project, "status", "--porcelain") == ""
    emulator = Emulated(project, answers)
    released = emulator.live()
    assert set(released.values()) == {"1"}, released
    assert_flows_pass_with_the_deployed_roles_only(project, env, emulator, answers)

    page = answers["frontend"] == "static"
    first_revision = revision(project)
    if page:
        # The page went to its bucket as a release of its own, typed and cached right,
        # and went live after the API; the distribution served it (emulated).
        assert emulator.page() == (first_revision, [first_revision])
        index = emulator.page_object(first_revision, "index.html")
        assert index["type"] == "text/html; charset=utf-8"
        assert index["cache"] == "no-cache"
        script = emulator.page_object(first_revision, "app.js")
        assert script["type"] == "text/javascript; charset=utf-8"
        assert "Smoke check through the distribution" in first
        assert "serve the release's index.html under its security policy" in first

    health = next(project.glob("src/*/api/health.py"))
    health.write_text(health.read_text() + "\n# A change that makes a new release.\n")
    if page:
        index_html = project / "frontend" / "index.html"
        index_html.write_text(index_html.read_text() + "<!-- release two -->\n")
    commit(project, "Change")
    second = succeeded(project, env, "deploy-local")
    assert "reusing the emulator" in second
    assert "with IAM enforced" in second
    assert "first run" not in second
    assert set(emulator.live().values()) == {"2"}, second[-5000:]
    if page:
        assert emulator.page() == (revision(project), [first_revision, revision(project)])
    # `make plan` prices nothing and changes nothing: with the deploy's own variables, the
    # stack it just deployed needs no change.
    planned = succeeded(project, env, "plan-local")
    assert "No changes." in planned, planned[-5000:]

    rolled_back = succeeded(project, env, "rollback-local")
    assert "previous" in rolled_back
    # The release rolled back to is smoke-checked on the emulator too, in-process.
    assert "Smoke check: GET /health/db" in rolled_back
    assert "(emulated in-process)" in rolled_back
    assert emulator.live() == released
    if page:
        second_revision = revision(project)
        assert "release two" in emulator.page_object(second_revision, "index.html")["body"]
        # Back with the API: the page's previous release is live again, and checked.
        assert emulator.page() == (first_revision, [first_revision])
        assert "Switching the page to its previous release" in rolled_back
        assert "Smoke check through the distribution" in rolled_back

    if answers["database"] == "dynamodb":
        # Terraform owns the tables: no release step migrates anything.
        for step in ("Running migrations", "Running the migration task"):
            assert step not in first + second + rolled_back
        return
    (migrations,) = project.glob("src/*/migrations/versions")
    head = alembic_head(migrations)
    (migrations / "9999_fails.py").write_text(BROKEN_MIGRATION.format(head=head))
    commit(project, "A migration that fails")
    failed = make(project, env, "deploy-local")
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0, output[-5000:]
    step = "Running migrations" if answers["compute"] == "lambda" else "Running the migration task"
    assert f"FAILED at step '{step}" in output, output[-5000:]
    assert "table_that_does_not_exist" in output
    assert "nothing was rolled forward" in output
    assert emulator.live() == released, "a failed migration must leave the release serving"
    if page:
        assert emulator.page()[0] == first_revision, "and the page's release"

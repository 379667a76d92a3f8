"""The generated Terraform: formatted, valid and clean under checkov for every combination
(one representative per group of identical files, each Lambda runtime once: INFRA_CHECKS
in tests/combinations.py), plus the properties checkov does not check.

`terraform init` runs offline from a provider mirror when TF_PLUGIN_MIRROR names one
(.ci/run sets it), and from the registry otherwise (the `terraform_env` fixture).
"""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Any

import hcl2
import pytest

from tests.combinations import (
    BOOTSTRAP_GROUPS,
    CHOICES,
    DEFAULT_PYTHON,
    INFRA_CHECKS,
    INFRA_GROUPS,
    INFRA_KEYS,
    SLOW_SUBSET,
    SUPPORTED,
    TEMPLATE,
    Answers,
    Group,
    combination_id,
    group_id,
)
from tests.support import one, render, run

CHECKOV = str(Path(sys.executable).parent / "checkov")
TFTESTS = Path(__file__).with_name("terraform")
SKIP = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(?::(.*))?")


def validate(root: Path, env: dict[str, str]) -> None:
    """Init as the generated tools do, from the shipped lock file (readonly: a missing lock,
    a version outside versions.tf or a package matching none of its checksums fails)."""
    lock = (root / ".terraform.lock.hcl").read_text()
    run(
        ["terraform", "init", "-backend=false", "-input=false", "-no-color", "-lockfile=readonly"],
        root,
        env,
    )
    assert (root / ".terraform.lock.hcl").read_text() == lock, "init rewrote the lock file"
    run(["terraform", "validate", "-no-color"], root, env)


def failed_checks(directory: Path, *skip_paths: str) -> list[str]:
    """checkov's failed checks over `directory` (local modules followed), one line each;
    `skip_paths` (regular expressions) are not scanned on their own."""
    skipped = [
        argument for path in (r"\.terraform", *skip_paths) for argument in ("--skip-path", path)
    ]
    result = run(
        [
            CHECKOV,
            "--directory",
            str(directory),
            "--framework",
            "terraform",
            "--skip-download",
            *skipped,
            "--output",
            "json",
            "--quiet",
            "--soft-fail",
        ],
        directory,
    )
    reports = json.loads(result.stdout) if result.stdout.strip() else []
    failures = []
    for report in reports if isinstance(reports, list) else [reports]:
        for check in report.get("results", {}).get("failed_checks", []):
            failures.append(
                f"{check['check_id']} {check['check_name']}: {check['resource']} "
                f"({check['file_path']}:{check['file_line_range'][0]})"
            )
    return failures


def test_every_infra_group_is_checked_on_some_runtime() -> None:
    """INFRA_CHECKS covers each group's options on the default runtime, and each runtime."""

    def options(group: Group) -> tuple[str, ...]:
        return tuple(group.answers[key] for key in INFRA_KEYS)

    assert {options(group) for group in INFRA_CHECKS} == {options(g) for g in INFRA_GROUPS}
    lambdas = [group.answers for group in INFRA_CHECKS if group.answers["compute"] == "lambda"]
    runtimes = {answers["python_version"] for answers in lambdas}
    assert runtimes == set(CHOICES["python_version"])


@pytest.mark.parametrize(
    "features",
    [
        {"database": "postgres", "use_s3_uploads": "y", "use_background_jobs": "y"},
        {"database": "aurora-serverless", "use_s3_uploads": "n", "use_background_jobs": "n"},
    ],
)
def test_lambda_infra_differs_between_pythons_only_by_the_runtime(
    features: Answers, tmp_path: Path, cookiecutter_config: Path
) -> None:
    """What lets INFRA_CHECKS scan each non-default runtime once."""

    def infra(version: str) -> dict[str, list[str]]:
        answers = {**features, "compute": "lambda", "python_version": version}
        root = render(answers, tmp_path / version, cookiecutter_config) / "infra"
        return {
            str(path.relative_to(root)): path.read_text().splitlines()
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }

    default = infra(DEFAULT_PYTHON)
    for version in set(CHOICES["python_version"]) - {DEFAULT_PYTHON}:
        other = infra(version)
        assert other.keys() == default.keys()
        changed = {
            (name, before, after)
            for name in default
            for before, after in zip(default[name], other[name], strict=True)
            if before != after
        }
        runtime = (
            "modules/stack/main.tf",
            f'  runtime         = "python{DEFAULT_PYTHON}"',
            f'  runtime         = "python{version}"',
        )
        # SnapStart needs Python 3.12 or later: prod has it on, except on 3.11.
        snap_start = (
            "envs/prod/terraform.tfvars",
            "lambda_snap_start = true",
            "lambda_snap_start = false",
        )
        assert changed == ({runtime, snap_start} if version == "3.11" else {runtime})


@pytest.mark.slow
@pytest.mark.parametrize("group", INFRA_CHECKS, ids=group_id)
def test_environments_are_valid(
    group: Group, tmp_path: Path, cookiecutter_config: Path, terraform_env: dict[str, str]
) -> None:
    infra = render(group.answers, tmp_path, cookiecutter_config) / "infra"
    run(
        ["terraform", "fmt", "-check", "-recursive", "-diff", "-no-color", "."],
        infra,
        terraform_env,
    )
    # The environments' roots are one template with another name in its strings (below):
    # validating one validates the rest. Their values (terraform.tfvars) are the apply's.
    validate(infra / "envs" / "dev", terraform_env)


ENVIRONMENTS = TEMPLATE / "{{cookiecutter.project_slug}}" / "infra" / "envs"
ROOT_FILES = ("main.tf", "outputs.tf", "variables.tf", "versions.tf")


def test_every_environment_is_the_same_root_but_for_its_name() -> None:
    """What lets test_environments_are_valid validate dev alone: each environment's root
    is templates/env with its name, which is only ever a string's value or a comment."""
    for environment in ("dev", "prod"):
        for name in ROOT_FILES:
            text = (ENVIRONMENTS / environment / name).read_text()
            assert text == (
                f'{{%- set environment = "{environment}" -%}}\n{{% include "env/{name}" %}}'
            )
    for name in ROOT_FILES:
        for line in (TEMPLATE / "templates" / "env" / name).read_text().splitlines():
            if "{{ environment }}" in line:
                assert line.lstrip().startswith("#") or re.search(
                    r'"[^"]*\{\{ environment \}\}[^"]*"', line
                ), line


# checkov takes seconds to start, about half of what one group's scan costs: it scans the
# INFRA_CHECKS groups a batch at a time, each group's environments in a folder of their
# own (modules followed from them, as `make infra-validate` scans them, never on their own).
CHECKOV_BATCHES = 4


@pytest.mark.slow
@pytest.mark.parametrize("batch", range(CHECKOV_BATCHES))
def test_environments_pass_checkov(batch: int, tmp_path: Path, cookiecutter_config: Path) -> None:
    for group in INFRA_CHECKS[batch::CHECKOV_BATCHES]:
        infra = render(group.answers, tmp_path / group_id(group), cookiecutter_config) / "infra"
        shutil.rmtree(infra / "bootstrap")
    # Each failure's file path names its group's folder.
    assert failed_checks(tmp_path, "infra/modules") == []


@pytest.mark.slow
@pytest.mark.parametrize("group", BOOTSTRAP_GROUPS, ids=group_id)
def test_bootstrap_is_valid_and_passes_checkov(
    group: Group, tmp_path: Path, cookiecutter_config: Path, terraform_env: dict[str, str]
) -> None:
    infra = render(group.answers, tmp_path, cookiecutter_config) / "infra"
    run(
        ["terraform", "fmt", "-check", "-recursive", "-diff", "-no-color", "bootstrap"],
        infra,
        terraform_env,
    )
    validate(infra / "bootstrap", terraform_env)
    assert failed_checks(infra / "bootstrap") == []


def test_every_checkov_skip_says_why() -> None:
    skips = [
        (path, match)
        for path in (TEMPLATE / "{{cookiecutter.project_slug}}" / "infra").rglob("*.tf")
        for match in SKIP.finditer(path.read_text())
    ]
    assert skips, "no skips found: has the pattern changed?"
    for path, match in skips:
        reason = (match.group(2) or "").strip()
        assert len(reason.split()) >= 5, f"{path}: {match.group(0)!r} needs a reason"


# What checkov does not check, read from the rendered Terraform with the HCL parser
# checkov itself uses (bc-python-hcl2).


def blocks(module: Path, kind: str, type_name: str) -> dict[str, Any]:
    """Every `<kind> "<type_name>" "<name>"` block of the module's .tf files, by name."""
    found: dict[str, Any] = {}
    for path in module.glob("*.tf"):
        for block in hcl2.loads(path.read_text()).get(kind, []):
            found.update(block.get(type_name, {}))
    return found


@pytest.fixture(scope="module")
def full_render(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> Path:
    """A combination that generates every bucket and every app setting."""
    answers: Answers = next(
        answers
        for answers in SUPPORTED
        if answers["use_s3_uploads"] == answers["use_background_jobs"] == "y"
        and answers["database"] == "postgres"
        and answers["ci"] == "github"
    )
    return render(answers, tmp_path_factory.mktemp("full"), cookiecutter_config)


@pytest.mark.parametrize("module", ["modules/storage", "bootstrap"])
def test_every_bucket_refuses_plain_http(full_render: Path, module: str) -> None:
    directory = full_render / "infra" / module
    buckets = blocks(directory, "resource", "aws_s3_bucket")
    policies = blocks(directory, "resource", "aws_s3_bucket_policy")
    documents = blocks(directory, "data", "aws_iam_policy_document")
    assert buckets
    for bucket in buckets:
        arn = f"${{aws_s3_bucket.{bucket}.arn}}"
        attached = [
            one(policy["policy"]).removeprefix("${data.aws_iam_policy_document.").split(".")[0]
            for policy in policies.values()
            if one(policy["bucket"]) == f"${{aws_s3_bucket.{bucket}.id}}"
        ]
        statements = [statement for name in attached for statement in documents[name]["statement"]]
        assert any(
            one(statement.get("effect")) == "Deny"
            and {arn, f"{arn}/*"} <= set(one(statement["resources"]))
            and any(
                one(condition["variable"]) == "aws:SecureTransport"
                and one(condition["values"]) == ["false"]
                for condition in statement.get("condition", [])
            )
            for statement in statements
        ), f"{module}: bucket {bucket} lacks a TLS-only policy"


def merged_names(expression: str) -> set[str]:
    """The names a `merge(local.common_environment, { NAME = ... })` local adds."""
    assert expression.startswith("${merge(local.common_environment,{"), expression
    return set(re.findall(r"'([A-Z][A-Z0-9_]*)':", expression))


def test_app_settings_hold_no_secret_values(full_render: Path) -> None:
    """Neither the app's settings nor the migrations' carry a secret value; the app
    logs in to the database with IAM tokens, only the migrations get the owner's secret."""
    locals_ = declared(full_render / "infra" / "modules" / "stack", "locals")
    common = one(locals_["common_environment"])
    assert {"JWT_SECRET_ARN", "DATABASE_HOST", "UPLOADS_BUCKET", "JOBS_QUEUE_URL"} <= set(common)
    assert merged_names(one(locals_["app_environment"])) == {"DATABASE_IAM_USER"}
    migration = merged_names(one(locals_["migration_environment"]))
    assert migration == {"DATABASE_SECRET_ARN", "DATABASE_APP_ROLE"}
    for name, value in {**common, **dict.fromkeys(migration, "")}.items():
        if re.search(r"SECRET|PASSWORD|TOKEN|KEY", name):
            assert name.endswith("_ARN"), f"{name} would carry a secret value"
        assert not re.search(r"password|secret_string", str(value), re.IGNORECASE), name


def test_terraform_never_holds_a_secret_value() -> None:
    """Secret values are set outside Terraform, so they never reach the state."""
    for path in (TEMPLATE / "{{cookiecutter.project_slug}}" / "infra").rglob("*.tf"):
        text = path.read_text()
        assert "aws_secretsmanager_secret_version" not in text, path
        assert not re.search(r"^\s*(master_)?password\s*=", text, re.MULTILINE), path


def declared(module: Path, kind: str) -> dict[str, Any]:
    """The module's `variable`, `output`, `module` or `locals` blocks by name."""
    return {
        name: body
        for path in module.glob("*.tf")
        for block in hcl2.loads(path.read_text()).get(kind, [])
        for name, body in block.items()
    }


def documented(readme: Path, heading: str) -> dict[str, list[str]]:
    """The rows of the table under `## <heading>` in a README, by their first cell: the
    other cells, backticks and padding stripped."""
    text = readme.read_text()
    assert f"## {heading}\n" in text, f"{readme}: no {heading} section"
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [
        [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("|")
    ]
    return {row[0]: row[1:] for row in rows[2:]}  # past the header and its --- row


def type_text(declared_type: str) -> str:
    """A variable's type as written, without python-hcl2's `${...}` wrappers, quotes or
    spaces: `object({ a = list(string) })` and its parsed form compare equal."""
    kept, wrappers = [], []
    index = 0
    while index < len(declared_type):
        if declared_type.startswith("${", index):
            wrappers.append(True)
            index += 2
            continue
        char = declared_type[index]
        if char == "{":
            wrappers.append(False)
        elif char == "}" and wrappers.pop():
            index += 1
            continue
        kept.append("=" if char == ":" else char)
        index += 1
    return "".join(kept).replace("'", "").replace(" ", "")


def check_inputs_table(readme: Path, variables: dict[str, Any]) -> None:
    """Each input's row gives its type and its default (`required` when it has none) as
    variables.tf declares them."""
    rows = documented(readme, "Inputs")
    assert set(rows) == set(variables), readme
    for name, variable in variables.items():
        written_type, written_default = rows[name][:2]
        assert type_text(written_type) == type_text(one(variable["type"])), f"{readme}: {name}"
        if "default" not in variable:
            assert written_default == "required", f"{readme}: {name} is required"
        else:
            assert json.loads(written_default) == one(variable["default"]), f"{readme}: {name}"


@pytest.fixture(scope="module", params=SLOW_SUBSET, ids=combination_id)
def subset_infra(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    cookiecutter_config: Path,
) -> Path:
    """SLOW_SUBSET renders every module between them (the stack for four option sets)."""
    return render(request.param, tmp_path_factory.mktemp("subset"), cookiecutter_config) / "infra"


def test_every_variable_is_typed_and_described_and_every_output_described(
    subset_infra: Path,
) -> None:
    roots = [subset_infra / "bootstrap", *(subset_infra / "envs").iterdir()]
    for module in [*roots, *(subset_infra / "modules").iterdir()]:
        for name, variable in declared(module, "variable").items():
            assert "type" in variable, f"{module.name}: variable {name} has no type"
            assert one(variable.get("description", "")).strip(), f"{module.name}: {name}"
        for name, output in declared(module, "output").items():
            assert one(output.get("description", "")).strip(), f"{module.name}: output {name}"


def test_every_module_readme_lists_its_inputs_and_outputs(subset_infra: Path) -> None:
    for module in sorted((subset_infra / "modules").iterdir()):
        readme = module / "README.md"
        check_inputs_table(readme, declared(module, "variable"))
        assert set(documented(readme, "Outputs")) == set(declared(module, "output")), readme


# IAM calls that create a role or change what it may do (the ones the deploy role may
# make only with its environment's boundary on the role).
ROLE_GRANTS = {
    "iam:AttachRolePolicy",
    "iam:CreateRole",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
}


def concrete(value: str, **names: str) -> str:
    """An HCL string with `${...}` references replaced by the given values."""
    for reference, replacement in names.items():
        value = value.replace("${" + reference.replace("__", ".") + "}", replacement)
    assert "${" not in value, value
    return value


def test_each_deploy_role_deploys_only_its_environment_and_grants_no_more(
    full_render: Path,
) -> None:
    infra = full_render / "infra"
    bootstrap = infra / "bootstrap"
    locals_ = declared(bootstrap, "locals")
    # The environments and the name prefix are the project's facts (project.json).
    facts = json.loads((full_render / "project.json").read_text())
    assert one(locals_["environments"]) == "${toset(local.facts.environments)}"
    environments = facts["environments"]
    assert sorted(environments) == sorted(path.name for path in (infra / "envs").iterdir())
    assert one(locals_["project"]) == "${local.facts.prefix}"
    project = facts["prefix"]
    documents = blocks(bootstrap, "data", "aws_iam_policy_document")

    # Only a job of the role's own GitHub environment can assume it.
    (trust,) = documents["deploy_trust"]["statement"]
    subjects = [
        (one(c["test"]), one(c["values"]))
        for c in trust["condition"]
        if one(c["variable"]) == "token.actions.githubusercontent.com:sub"
    ]
    assert subjects == [("StringEquals", ["repo:${var.github_repository}:environment:${each.key}"])]

    role_name = one(blocks(bootstrap, "resource", "aws_iam_role")["deploy"]["name"])
    boundary_name = one(blocks(bootstrap, "resource", "aws_iam_policy")["boundary"]["name"])
    boundary_arn = "${aws_iam_policy.boundary[each.key].arn}"
    for environment in environments:
        names = {"local__project": project, "each__key": environment}
        deploy_role = concrete(role_name, **names)
        for statement in documents["deploy_iam"]["statement"]:
            actions = set(one(statement["actions"]))
            conditions = {
                one(c["variable"]): (one(c["test"]), one(c["values"]))
                for c in statement.get("condition", [])
            }
            if actions & ROLE_GRANTS:
                assert actions <= ROLE_GRANTS, f"{actions - ROLE_GRANTS} need no boundary"
                assert conditions == {"iam:PermissionsBoundary": ("StringEquals", [boundary_arn])}
            assert "iam:DeleteRolePermissionsBoundary" not in actions
            for resource in one(statement["resources"]):
                if resource == "${local.github_oidc_provider_arn}":
                    continue  # an OpenID Connect provider, not a role
                pattern = concrete(resource, local__partition="aws", local__account_id="1", **names)
                # The role can change neither itself nor the other environment's roles.
                assert not fnmatch.fnmatch(f"arn:aws:iam::1:role/{deploy_role}", pattern)
                if ":role/" in pattern and "aws-service-role" not in pattern:
                    assert pattern.endswith(f":role/{project}-{environment}-*"), pattern

        # The boundary is the one each role of the environment's stack carries.
        stack_name = concrete(
            one(declared(infra / "envs" / environment, "module")["stack"]["name"]),
            local__facts__prefix=project,
        )
        assert concrete(boundary_name, **names) == f"{stack_name}-permissions-boundary"

    modules = infra / "modules"
    assert one(declared(modules / "stack", "locals")["permissions_boundary"]).endswith(
        ":policy/${var.name}-permissions-boundary"
    )
    calls = declared(modules / "stack", "module")
    for module in sorted(modules.iterdir()):
        roles = blocks(module, "resource", "aws_iam_role")
        for name, role in roles.items():
            boundary = one(role.get("permissions_boundary", [None]))
            assert boundary == "${var.permissions_boundary}", f"{module.name}: role {name}"
        if roles:
            (call,) = [c for c in calls.values() if one(c["source"]) == f"../{module.name}"]
            assert one(call["permissions_boundary"]) == "${local.permissions_boundary}", module.name


def test_the_state_is_encrypted_with_bootstraps_key(full_render: Path) -> None:
    """The state bucket encrypts with bootstrap's KMS key by default, and no environment's
    backend overrides it: `encrypt = true` without `kms_key_id` makes the S3 backend ask
    for S3-managed keys on every write (the emulator keeps no object encryption)."""
    infra = full_render / "infra"
    sse = blocks(
        infra / "bootstrap", "resource", "aws_s3_bucket_server_side_encryption_configuration"
    )
    (rule,) = sse["state"]["rule"]
    (default,) = rule["apply_server_side_encryption_by_default"]
    assert one(default["sse_algorithm"]) == "aws:kms"
    assert one(default["kms_master_key_id"]) == "${module.state_key.key_arn}"
    for environment in (infra / "envs").iterdir():
        backend = (environment / "backend.hcl").read_text()
        settings = hcl2.loads(backend)
        assert not one(settings.get("encrypt", [False])) or "kms_key_id" in settings, (
            environment.name
        )


def test_load_balancer_and_container_probe_liveness_only(
    tmp_path: Path, cookiecutter_config: Path
) -> None:
    """A database failover must not fail every target at once (ECS would replace every
    task): the target group and the container health check use /health, which does no
    I/O, and /health/db's failures reach the monitoring module's alarm instead."""
    answers = next(a for a in SLOW_SUBSET if a["compute"] == "ecs" and a["database"] != "sqlite")
    modules = render(answers, tmp_path, cookiecutter_config) / "infra" / "modules"
    service = declared(modules / "ecs_service", "variable")
    assert one(service["health_check_path"]["default"]) == "/health"
    container = (modules / "ecs_service" / "service.tf").read_text()
    assert "/health'" in container
    assert "/health/db" not in container
    calls = declared(modules / "stack", "module")
    assert "health_check_path" not in calls["ecs_service"]
    assert one(calls["monitoring"]["app_log_group_name"]) == "${module.ecs_service.log_group_name}"
    (metric_filter,) = blocks(
        modules / "monitoring", "resource", "aws_cloudwatch_log_metric_filter"
    ).values()
    # (the parser keeps HCL's escapes)
    assert one(metric_filter["pattern"]) == r"{ $.event = \"database_unreachable\" }"
    health = next((modules.parents[1] / "src").glob("*/api/health.py")).read_text()
    assert 'log.warning("database_unreachable"' in health


def terraform_test(module: Path, tests: str, env: dict[str, str]) -> str:
    """`terraform test` of a rendered module with tests/terraform/`tests` (a mocked
    provider: nothing is applied); its summary line."""
    (module / "tests").mkdir()
    shutil.copy(TFTESTS / tests, module / "tests")
    run(["terraform", "init", "-backend=false", "-input=false", "-no-color"], module, env)
    result = run(["terraform", "test", "-no-color"], module, env)
    (summary,) = [line for line in result.stdout.splitlines() if " passed, " in line]
    return summary


@pytest.mark.slow
def test_the_lambda_module_puts_snap_start_on_the_api_alone(
    tmp_path: Path, cookiecutter_config: Path, terraform_env: dict[str, str]
) -> None:
    """SnapStart on the api function's published versions only, opt-in, and refused on a
    runtime before python3.12 (tests/terraform/lambda_api.tftest.hcl)."""
    answers = next(a for a in SLOW_SUBSET if a["compute"] == "lambda")
    module = render(answers, tmp_path, cookiecutter_config) / "infra" / "modules" / "lambda_api"
    zipfile.ZipFile(module / "lambda.zip", "w").close()
    assert terraform_test(module, "lambda_api.tftest.hcl", terraform_env) == (
        "Success! 3 passed, 0 failed."
    )


@pytest.mark.slow
def test_the_ecs_module_plans_its_task_layout_and_listeners(
    tmp_path: Path, cookiecutter_config: Path, terraform_env: dict[str, str]
) -> None:
    """SQLite on EFS: migration, app and worker are containers of the one app task, the
    migration first; with a database server they are a task and two services, and the
    migration task alone has the migration's role and settings. With a domain, port 80
    only redirects to HTTPS; without one it forwards (tests/terraform/ecs_service.tftest.hcl)."""
    answers = next(a for a in SLOW_SUBSET if a["compute"] == "ecs")
    module = render(answers, tmp_path, cookiecutter_config) / "infra" / "modules" / "ecs_service"
    assert terraform_test(module, "ecs_service.tftest.hcl", terraform_env) == (
        "Success! 5 passed, 0 failed."
    )


@pytest.mark.slow
def test_ecs_prod_refuses_to_serve_without_a_domain(
    tmp_path: Path, cookiecutter_config: Path, terraform_env: dict[str, str]
) -> None:
    """An ECS project made without a domain: dev plans on plain HTTP, prod stops at its
    domain_name until terraform.tfvars names one, and then serves HTTPS on it
    (tests/terraform/stack_https.tftest.hcl)."""
    answers = next(a for a in SLOW_SUBSET if a["compute"] == "ecs" and not a["domain_name"])
    module = render(answers, tmp_path, cookiecutter_config) / "infra" / "modules" / "stack"
    assert terraform_test(module, "stack_https.tftest.hcl", terraform_env) == (
        "Success! 4 passed, 0 failed."
    )

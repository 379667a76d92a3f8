"""AWS rules the emulator does not enforce, checked in the rendered Terraform of every
supported combination: moto creates a retired engine minor, reserves concurrency a new
account cannot, and lets two environments claim one host name; AWS refuses each of them,
halfway through a first apply.

Each rule reads a few rendered files (tests.support's shortcut); combinations whose files
come out byte-identical share one check, and one full cookiecutter render per group proves
the shortcut renders what cookiecutter does. Values are read with the HCL parser, and
followed from terraform.tfvars through the environment's and the stack's variable
defaults to the module's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2
import pytest

from tests.combinations import DATABASE_SERVERS, SUPPORTED, Answers, Group, group_id
from tests.support import (
    Files,
    by_inputs,
    generated,
    one,
    render_files,
    render_like_cookiecutter,
)

ENVIRONMENTS = ("dev", "prod")
TFVARS = tuple(f"infra/envs/{env}/terraform.tfvars" for env in ENVIRONMENTS)
ENV_MAIN = tuple(f"infra/envs/{env}/main.tf" for env in ENVIRONMENTS)
ENV_VARIABLES = "infra/envs/dev/variables.tf"  # the same template for both environments
STACK_VARIABLES = "infra/modules/stack/variables.tf"
DATABASE_VARIABLES = "infra/modules/database/variables.tf"
# The functions' settings (locals in main.tf), the functions and their event sources.
LAMBDA_MAIN, LAMBDA_FUNCTIONS, LAMBDA_VARIABLES = (
    "infra/modules/lambda_api/main.tf",
    "infra/modules/lambda_api/functions.tf",
    "infra/modules/lambda_api/variables.tf",
)
DNS_MAIN = "infra/modules/dns/main.tf"
FACTS = "project.json"
MODULES = ("database", "dns", "ecs_service", "efs", "kms", "lambda_api", "monitoring",
           "network", "queue", "registry", "stack", "storage")  # fmt: skip
# The modules' own defaults (the stack's are every option's: the tfvars set its values).
MODULE_VARIABLES = tuple(
    f"infra/modules/{module}/variables.tf" for module in MODULES if module != "stack"
)
# The modules that create IAM roles; only database, compute and jobs choose among them.
ROLE_FILES = (
    "infra/modules/database/main.tf",
    "infra/modules/ecs_service/iam.tf",
    "infra/modules/lambda_api/iam.tf",
    "infra/modules/network/main.tf",
)

# The longest project_slug the pre-gen hook accepts (40 characters), for the name limits.
LONGEST_SLUG = "abcdefghij-abcdefghij-abcdefghij-abcdefg"


def parsed(text: str) -> dict[str, Any]:
    result: dict[str, Any] = hcl2.loads(text)
    return result


def variables(text: str) -> dict[str, dict[str, Any]]:
    return {
        name: body for block in parsed(text).get("variable", []) for name, body in block.items()
    }


def default(text: str, name: str) -> Any:
    return one(variables(text)[name].get("default"))


def stack_arguments(files: Files, environment: str) -> dict[str, Any]:
    (stack,) = (
        block["stack"] for block in parsed(files[f"infra/envs/{environment}/main.tf"])["module"]
    )
    return {key: one(value) for key, value in stack.items()}


def resources(text: str, kind: str) -> dict[str, Any]:
    """The `resource "<kind>" "<name>"` blocks of a file, by name."""
    return {
        name: body
        for block in parsed(text).get("resource", [])
        for name, body in block.get(kind, {}).items()
    }


@dataclass
class Check:
    """What a rule reads, and the combinations it applies to."""

    inputs: tuple[str, ...]
    applies: Callable[[Answers], bool] = lambda answers: True
    slug: str | None = None  # render with this project_slug (and its package name)


def with_slug(answers: Answers, slug: str | None) -> Answers:
    return (
        answers
        if slug is None
        else {**answers, "project_slug": slug, "package_name": slug.replace("-", "_")}
    )


def groups(check: Check) -> list[Group]:
    """Every combination's inputs, those it generates."""
    rendered = []
    for answers in (with_slug(a, check.slug) for a in SUPPORTED if check.applies(a)):
        rendered.append((answers, render_files(answers, generated(answers, check.inputs))))
    return by_inputs(rendered, check.inputs)


def resolved(files: Files, environment: str, tfvar: str, stack_variable: str) -> Any:
    """What an environment gives the stack: its tfvars value, else its variable's default,
    else (not passed) the stack variable's default."""
    tfvars = {
        key: one(value)
        for key, value in parsed(files[f"infra/envs/{environment}/terraform.tfvars"]).items()
    }
    if tfvar in tfvars:
        return tfvars[tfvar]
    env_variables = variables(files[ENV_VARIABLES])
    if tfvar in env_variables and "default" in env_variables[tfvar]:
        return one(env_variables[tfvar]["default"])
    return default(files[STACK_VARIABLES], stack_variable)


# --- RDS and Aurora engine versions --------------------------------------------------
# AWS retires engine minors (CreateDBInstance then refuses them) and, with
# auto_minor_version_upgrade, moves a database past a pinned minor, after which the next
# apply fails ("Cannot find upgrade path"). "If you specify the major version but not the
# minor version, Amazon RDS defaults to the latest release of the major version" (RDS for
# PostgreSQL release notes, postgresql-versions); Aurora PostgreSQL takes a major alone too
# (terraform-provider-aws TestAccRDSCluster_majorVersionOnly).
ENGINE = Check((DATABASE_VARIABLES, *TFVARS), lambda a: a["database"] in DATABASE_SERVERS)
ENGINE_GROUPS = groups(ENGINE)


@pytest.mark.parametrize("group", ENGINE_GROUPS, ids=group_id)
def test_no_engine_minor_is_pinned(group: Group, tmp_path: Path, cookiecutter_config: Path) -> None:
    render_like_cookiecutter(group, tmp_path, cookiecutter_config)
    variable = variables(group.files[DATABASE_VARIABLES])["engine_version"]
    assert re.fullmatch(r"\d+", one(variable["default"])), "engine_version's default pins a minor"
    (condition,) = (one(rule["condition"]) for rule in variable["validation"])
    pattern = re.search(r'regex\(\\?"(.+?)\\?",', condition)
    assert pattern, f"engine_version is not validated by a pattern: {condition}"
    allowed = re.compile(pattern.group(1).replace("\\\\", "\\"))
    assert allowed.fullmatch("16"), "a major alone is refused"
    assert not allowed.fullmatch("16.8"), "a pinned minor is accepted"
    for name in TFVARS:
        for key, value in parsed(group.files[name]).items():
            if "engine_version" in key:
                assert re.fullmatch(r"\d+", str(one(value))), f"{name}: {key} pins a minor"


# --- Lambda reserved concurrency -----------------------------------------------------
# "You can reserve up to the Unreserved account concurrency value that is shown, minus 100
# for functions that don't have reserved concurrency" (Lambda developer guide,
# configuration-concurrency), and new accounts often have 10 in all: any reservation by
# default fails a first apply.
LAMBDA_INPUTS = (
    LAMBDA_MAIN,
    LAMBDA_FUNCTIONS,
    LAMBDA_VARIABLES,
    STACK_VARIABLES,
    ENV_VARIABLES,
    *ENV_MAIN,
    *TFVARS,
)
LAMBDA_GROUPS = groups(Check(LAMBDA_INPUTS, lambda a: a["compute"] == "lambda"))


@pytest.mark.parametrize("group", LAMBDA_GROUPS, ids=group_id)
def test_no_concurrency_is_reserved_by_default(
    group: Group, tmp_path: Path, cookiecutter_config: Path
) -> None:
    render_like_cookiecutter(group, tmp_path, cookiecutter_config)
    functions = group.files[LAMBDA_MAIN] + group.files[LAMBDA_FUNCTIONS]
    literal = re.findall(r"(reserved_concurren\w+)\s*=\s*(\d+)", functions)
    assert not literal, f"lambda_api reserves a fixed concurrency: {literal}"
    for name in ("reserved_concurrency", "worker_reserved_concurrency"):
        assert default(group.files[LAMBDA_VARIABLES], name) is None, f"lambda_api {name}"
    jobs = {answers["use_background_jobs"] for answers in group.members} == {"y"}
    reservations = ["lambda_reserved_concurrency"] + (
        ["lambda_worker_reserved_concurrency"] if jobs else []
    )
    for environment in ENVIRONMENTS:
        arguments = stack_arguments(group.files, environment)
        for variable in reservations:
            assert arguments[variable] == f"${{var.{variable}}}", f"{environment}: {variable}"
            value = resolved(group.files, environment, variable, variable)
            assert value is None, f"{environment} reserves concurrency: {variable} = {value}"


# --- The worker's event source mapping -----------------------------------------------
# AWS::Lambda::EventSourceMapping ScalingConfig: MaximumConcurrency minimum 2, maximum
# 1000; it caps the SQS worker without any reservation.
WORKER_GROUPS = groups(
    Check(LAMBDA_INPUTS, lambda a: a["compute"] == "lambda" and a["use_background_jobs"] == "y")
)


@pytest.mark.parametrize("group", WORKER_GROUPS, ids=group_id)
def test_the_worker_mapping_concurrency_is_one_sqs_accepts(
    group: Group, tmp_path: Path, cookiecutter_config: Path
) -> None:
    render_like_cookiecutter(group, tmp_path, cookiecutter_config)
    mapping = resources(group.files[LAMBDA_FUNCTIONS], "aws_lambda_event_source_mapping")["worker"]
    maximum = one(one(mapping["scaling_config"])["maximum_concurrency"])
    assert maximum == "${var.worker_maximum_concurrency}", f"maximum_concurrency = {maximum}"
    assert 2 <= default(group.files[LAMBDA_VARIABLES], "worker_maximum_concurrency") <= 1000
    for environment in ENVIRONMENTS:
        value = resolved(
            group.files,
            environment,
            "lambda_worker_maximum_concurrency",
            "lambda_worker_maximum_concurrency",
        )
        assert 2 <= value <= 1000, f"{environment}: lambda_worker_maximum_concurrency = {value}"


# --- Host names ----------------------------------------------------------------------
# Route 53 refuses to create a record that exists ("already exists"), and ACM gives
# certificates for one name in an account the same validation record, which it renews
# with (ACM user guide, DNS validation): environments must not share a name, and no stack
# may adopt (allow_overwrite) a record another one created.
DNS_GROUPS = groups(
    Check((*ENV_MAIN, f"{FACTS}#domain", DNS_MAIN), lambda a: a["domain_name"] != "")
)


@pytest.mark.parametrize("group", DNS_GROUPS, ids=group_id)
def test_every_environment_has_its_own_host_name(
    group: Group, tmp_path: Path, cookiecutter_config: Path
) -> None:
    render_like_cookiecutter(group, tmp_path, cookiecutter_config)
    (domain,) = {answers["domain_name"] for answers in group.members}
    facts = json.loads(group.files[FACTS])["domain"]
    for env in ENVIRONMENTS:
        (env_locals,) = parsed(group.files[f"infra/envs/{env}/main.tf"])["locals"]
        name = one(env_locals["domain_name"])
        # (the HCL parser spells null None)
        assert name == '${local.domain == None ? None : local.domain.names["' + env + '"]}', name
        assert one(env_locals["domain"]) == "${local.facts.domain}"
        passed = stack_arguments(group.files, env)
        assert passed["domain_name"] == "${local.domain_name}", f"{env} does not pass its domain"
        assert passed["hosted_zone_name"] == "${local.hosted_zone_name}", env
    names = facts["names"]
    assert set(names) == set(ENVIRONMENTS)
    assert len(set(names.values())) == len(names), f"environments share a host name: {names}"
    assert names["prod"] == domain, "prod serves the domain as answered"
    zone = facts["hosted_zone"]
    for env, name in names.items():
        assert name == zone or name.endswith(f".{zone}"), f"{env}: {name} is not in the zone {zone}"
        assert len(name) <= 253, name
        assert all(len(label) <= 63 for label in name.split(".")), name
    validation = resources(group.files[DNS_MAIN], "aws_route53_record")["validation"]
    assert one(validation.get("allow_overwrite", False)) is False, "validation records are adopted"


# --- Log retention, Lambda memory, Fargate sizes -------------------------------------
# CloudWatch Logs PutRetentionPolicy accepts only these retentionInDays (0 is Terraform's
# "never expire", which sets none).
RETENTION_DAYS = {0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
                  1827, 2192, 2557, 2922, 3288, 3653}  # fmt: skip
# Lambda memory: 128-10240 MB (Lambda quotas). Fargate task sizes: the CPU/memory pairs of
# the ECS developer guide's task-size table (memory in MiB).
FARGATE = {
    256: {512, 1024, 2048},
    512: set(range(1024, 4097, 1024)),
    1024: set(range(2048, 8193, 1024)),
    2048: set(range(4096, 16385, 1024)),
    4096: set(range(8192, 30721, 1024)),
    8192: set(range(16384, 61441, 4096)),
    16384: set(range(32768, 122881, 8192)),
}
SIZE_GROUPS = groups(Check((*MODULE_VARIABLES, *TFVARS)))


@pytest.mark.parametrize("group", SIZE_GROUPS, ids=group_id)
def test_sizes_and_retentions_are_ones_aws_accepts(
    group: Group, tmp_path: Path, cookiecutter_config: Path
) -> None:
    render_like_cookiecutter(group, tmp_path, cookiecutter_config)
    for name in MODULE_VARIABLES:
        declared = variables(group.files.get(name, ""))
        if "log_retention_days" in declared:
            assert one(declared["log_retention_days"].get("default")) in RETENTION_DAYS, name
    ecs = {answers["compute"] for answers in group.members} == {"ecs"}
    for name in TFVARS:
        tfvars = {key: one(value) for key, value in parsed(group.files[name]).items()}
        assert tfvars["log_retention_days"] in RETENTION_DAYS, f"{name}: log_retention_days"
        if ecs:
            cpu, memory = tfvars["task_cpu"], tfvars["task_memory"]
            assert memory in FARGATE.get(cpu, set()), f"{name}: Fargate {cpu} CPU, {memory} MiB"
        else:
            assert 128 <= tfvars["lambda_memory_size"] <= 10240, f"{name}: lambda_memory_size"


# --- Name lengths, for the longest project_slug ---------------------------------------
# IAM CreateRole: RoleName up to 64 characters; Lambda CreateFunction: FunctionName up to
# 64; the stack's own validation holds `name` to 40.
NAME_GROUPS = groups(
    Check(
        (*ENV_MAIN, *ROLE_FILES, f"{FACTS}#prefix"),
        lambda a: a["use_s3_uploads"] == "y" and a["domain_name"] == "",
        slug=LONGEST_SLUG,
    )
)


def role_names(text: str, role: dict[str, Any], prefix: str) -> list[str]:
    """The names a role resource creates: one, or one per key of the local map it is
    made `for_each` of (whose entries are objects: `key = { ... }`)."""
    name = one(role["name"]).replace("${var.name}", prefix)
    for_each = role.get("for_each")
    if for_each is None:
        return [name]
    local = re.fullmatch(r"\$\{local\.(\w+)\}", one(for_each))
    assert local, f"for_each of {for_each} is not a local map"
    (declared,) = [block[local[1]] for block in parsed(text)["locals"] if local[1] in block]
    keys = re.findall(r"'(\w+)': \{", one(declared))
    assert keys, declared
    return [name.replace("${each.key}", key) for key in keys]


@pytest.mark.parametrize("group", NAME_GROUPS, ids=group_id)
def test_role_and_function_names_fit_for_the_longest_slug(
    group: Group, tmp_path: Path, cookiecutter_config: Path
) -> None:
    render_like_cookiecutter(group, tmp_path, cookiecutter_config)
    lambda_functions = {a["compute"] for a in group.members} == {"lambda"}
    for environment in ENVIRONMENTS:
        facts = json.loads(group.files[FACTS])
        name = stack_arguments(group.files, environment)["name"]
        prefix = name.replace("${local.facts.prefix}", facts["prefix"])
        assert len(prefix) <= 40, prefix
        for module in ROLE_FILES:
            text = group.files.get(module, "")
            for role in resources(text, "aws_iam_role").values():
                for role_name in role_names(text, role, prefix):
                    assert "${" not in role_name, f"{module}: {role_name} is not resolved"
                    assert len(role_name) <= 64, f"{module}: {role_name}"
        if lambda_functions:
            for function in ("api", "migrate", "worker"):
                assert len(f"{prefix}-{function}") <= 64

"""The generated GitHub Actions workflows (ci == "github"), for every supported combination.

Only the workflow files are rendered for each combination (tests.support's shortcut),
and combinations whose workflows come out byte-identical share one check: each test id
says how many combinations it covers. One full cookiecutter render per group proves the
shortcut renders what cookiecutter does.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.combinations import SUPPORTED, Group, group_id
from tests.support import (
    PROJECT_TEMPLATE,
    by_inputs,
    context,
    linter,
    render,
    render_files,
    render_like_cookiecutter,
    run,
)

WORKFLOWS = tuple(
    str(path.relative_to(PROJECT_TEMPLATE))
    for path in sorted((PROJECT_TEMPLATE / ".github" / "workflows").glob("*.yml"))
)
DEPLOY = ".github/workflows/deploy.yml"
CI = ".github/workflows/ci.yml"
DEPENDABOT = ".github/dependabot.yml"
# What each Dependabot ecosystem reads in a directory it is pointed at.
MANIFESTS = {
    "uv": ("pyproject.toml",),
    "terraform": ("versions.tf", ".terraform.lock.hcl"),
    "github-actions": (".github/workflows",),
}

GROUPS = by_inputs(
    [
        (answers, render_files(answers, WORKFLOWS))
        for answers in SUPPORTED
        if answers["ci"] == "github"
    ],
    WORKFLOWS,
)

MAKE_CALL = re.compile(r"\bmake\s+([A-Za-z][\w-]*)")
MAKE_TARGET = re.compile(r"^([A-Za-z][\w-]*)\s*:(?!=)", re.MULTILINE)


def load(text: str) -> dict[Any, Any]:
    workflow: dict[Any, Any] = yaml.safe_load(text)
    # YAML 1.1 (PyYAML) reads the key `on` as True; GitHub reads it as "on".
    workflow["on"] = workflow.pop(True)
    return workflow


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps", []))


def make_calls(workflow: dict[str, Any]) -> list[str]:
    """Every `make ...` command line the workflow's steps run, in order."""
    return [
        line.strip()
        for job in workflow["jobs"].values()
        for step in steps(job)
        for line in step.get("run", "").splitlines()
        if MAKE_CALL.search(line)
    ]


def test_every_workflow_is_checked() -> None:
    found = (PROJECT_TEMPLATE / ".github").rglob("*")
    assert {str(p.relative_to(PROJECT_TEMPLATE)) for p in found if p.is_file()} == {
        CI,
        DEPLOY,
        DEPENDABOT,
    }


@pytest.mark.parametrize("group", GROUPS, ids=group_id)
def test_shortcut_renders_what_cookiecutter_does_and_make_has_the_targets(
    group: Group, tmp_path: Path, cookiecutter_config: Path
) -> None:
    project = render_like_cookiecutter(group, tmp_path, cookiecutter_config)
    found = (project / ".github").rglob("*")
    assert {str(p.relative_to(project)) for p in found if p.is_file()} == {*WORKFLOWS, DEPENDABOT}

    targets = set(MAKE_TARGET.findall((project / "Makefile").read_text()))
    called = {
        target
        for name in WORKFLOWS
        for line in make_calls(load(group.files[name]))
        for target in MAKE_CALL.findall(line)
    }
    assert called <= targets, (
        f"the workflows call make targets the Makefile lacks: {called - targets}"
    )


def test_dependabot_is_valid_and_updates_what_the_project_pins(
    tmp_path: Path, cookiecutter_config: Path
) -> None:
    """The same file for every combination with the workflows: one render, checked against
    SchemaStore's schema (vendored in check-jsonschema), pointed at directories that hold
    what each ecosystem updates."""
    project = render(GROUPS[0].answers, tmp_path, cookiecutter_config)
    schema = ["--builtin-schema", "vendor.dependabot"]
    run([linter("check-jsonschema"), *schema, str(project / DEPENDABOT)], cwd=project)
    updates = yaml.safe_load((project / DEPENDABOT).read_text())["updates"]
    assert {update["package-ecosystem"] for update in updates} == set(MANIFESTS)
    for update in updates:
        for directory in update.get("directories") or [update["directory"]]:
            for manifest in MANIFESTS[update["package-ecosystem"]]:
                assert (project / directory.lstrip("/") / manifest).exists(), (directory, manifest)
    terraform_roots = {
        str(path.parent.relative_to(project)) for path in project.glob("infra/**/versions.tf")
    }
    pointed = {
        directory.lstrip("/")
        for update in updates
        if update["package-ecosystem"] == "terraform"
        for directory in update["directories"]
    }
    # Every root with a lock file, and no module (modules have no lock of their own).
    assert pointed == {root for root in terraform_roots if not root.startswith("infra/modules")}


@pytest.mark.parametrize("group", GROUPS, ids=group_id)
def test_workflows_pass_actionlint(group: Group, tmp_path: Path) -> None:
    for name in WORKFLOWS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(group.files[name])
    # shellcheck and pyflakes join in only where they are installed: off, so every
    # machine gets the same result.
    run([linter("actionlint"), "-no-color", "-shellcheck=", "-pyflakes=", *WORKFLOWS], cwd=tmp_path)


@pytest.mark.parametrize("group", GROUPS, ids=group_id)
def test_deploy_assumes_the_role_through_oidc_and_never_overlaps(group: Group) -> None:
    for name in WORKFLOWS:
        for key in ("aws-access-key-id", "aws-secret-access-key"):
            assert key not in group.files[name], f"{name} passes stored AWS keys ({key})"

    workflow = load(group.files[DEPLOY])
    # main deploys to dev, a v* tag to prod; nothing else (a pull request) deploys.
    assert workflow["on"] == {"push": {"branches": ["main"], "tags": ["v*"]}}
    assert workflow["permissions"] == {"id-token": "write", "contents": "read"}

    deploying = [
        job
        for job in workflow["jobs"].values()
        if any("configure-aws-credentials" in step.get("uses", "") for step in steps(job))
    ]
    assert len(deploying) == 1, "one job deploys"
    job = deploying[0]
    environment = "${{ needs.target.outputs.environment }}"
    assert job["environment"] == environment
    assert job["concurrency"] == {"group": f"deploy-{environment}", "cancel-in-progress": False}
    (pick,) = steps(workflow["jobs"]["target"])
    assert "${{ startsWith(github.ref, 'refs/tags/') && 'prod' || 'dev' }}" in pick["run"]

    (credentials,) = (s for s in steps(job) if "configure-aws-credentials" in s.get("uses", ""))
    assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_DEPLOY_ROLE_ARN }}"
    # The region is project.json's, read by a step before (as infra/ reads it).
    (facts,) = (s for s in steps(job) if s.get("id") == "facts")
    assert steps(job).index(facts) < steps(job).index(credentials)
    assert facts["run"].endswith('project.json >> "$GITHUB_OUTPUT"')
    assert credentials["with"]["aws-region"] == "${{ steps.facts.outputs.region }}"

    # The file is the same for every member: it must be right for each one's answers.
    for answers in group.members:
        values = context(answers)
        expected = ['make deploy ENV="$DEPLOY_ENV" CONFIRM=1']
        if values["compute"] == "ecs":
            expected.insert(0, 'make image ENV="$DEPLOY_ENV"')
        assert make_calls(workflow) == expected, f"make calls with {answers}"


@pytest.mark.parametrize("group", GROUPS, ids=group_id)
def test_ci_lints_tests_and_validates_the_infrastructure(group: Group) -> None:
    assert make_calls(load(group.files[CI])) == [
        "make lint",
        "make test",
        "make infra-validate",
    ]


def test_no_workflows_without_ci(tmp_path: Path, cookiecutter_config: Path) -> None:
    project = render({"ci": "none"}, tmp_path, cookiecutter_config)
    assert not (project / ".github").exists()

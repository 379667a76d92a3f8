"""Every rendered project passes its own lint and strict type check.

Combinations are linted one representative per lint group (test_render checks that all
members of a group render byte-identical lint inputs, so the result holds for each), and
the groups of the other Python versions only where their code is the fullest:
LINT_CHECKS, whose coverage test_render checks. The pre-commit hooks, which run the same
tools and terraform fmt (and actionlint with the workflows), pass on a fresh render with
and without the workflows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.combinations import LINT_CHECKS, SLOW_SUBSET, Group, combination_id, group_id
from tests.support import project_env, render, run

# The first SLOW_SUBSET combination has the GitHub workflows, the second none.
PRE_COMMIT_CHECKS = [SLOW_SUBSET[0], SLOW_SUBSET[1]]

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("group", LINT_CHECKS, ids=group_id)
def test_lint_and_type_check(group: Group, tmp_path: Path, cookiecutter_config: Path) -> None:
    answers = group.answers
    project = render(answers, tmp_path, cookiecutter_config)
    env = project_env(answers["python_version"])
    run(["make", "lint"], cwd=project, env=env)


@pytest.mark.parametrize("answers", PRE_COMMIT_CHECKS, ids=combination_id)
def test_pre_commit_passes_as_rendered(
    answers: dict[str, str], tmp_path: Path, cookiecutter_config: Path
) -> None:
    project = render(answers, tmp_path, cookiecutter_config)
    hooks = {
        hook["id"]
        for repo in yaml.safe_load((project / ".pre-commit-config.yaml").read_text())["repos"]
        for hook in repo["hooks"]
    }
    expected = {"ruff-check", "ruff-format", "mypy", "terraform-fmt"}
    assert hooks == expected | ({"actionlint"} if answers["ci"] == "github" else set())
    env = project_env(answers["python_version"])
    run(["git", "init", "-q"], cwd=project, env=env)
    run(["git", "add", "-A"], cwd=project, env=env)
    # Fixing hooks that change a file fail: passing means the render needed no fix.
    run(
        ["uv", "run", "pre-commit", "run", "--all-files", "--show-diff-on-failure"],
        cwd=project,
        env=env,
    )

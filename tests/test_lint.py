"""Every rendered project passes its own lint and strict type check.

Combinations are linted one representative per lint group (test_render checks that all
members of a group render byte-identical lint inputs, so the result holds for each), and
the groups of the other Python versions only where their code is the fullest:
LINT_CHECKS, whose coverage test_render checks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.combinations import LINT_CHECKS, Group, group_id
from tests.support import project_env, render, run

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("group", LINT_CHECKS, ids=group_id)
def test_lint_and_type_check(group: Group, tmp_path: Path, cookiecutter_config: Path) -> None:
    answers = group.answers
    project = render(answers, tmp_path, cookiecutter_config)
    env = project_env(answers["python_version"])
    run(["make", "lint"], cwd=project, env=env)

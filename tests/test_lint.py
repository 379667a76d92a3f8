"""Every rendered project passes its own lint and strict type check.

Combinations are linted one representative per lint group: test_render checks that all
members of a group render byte-identical lint inputs, so the result holds for each.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.combinations import LINT_GROUPS, LINT_KEYS
from tests.support import project_env, render, run

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "group",
    list(LINT_GROUPS),
    ids=lambda group: "-".join(
        f"{key}={value}" for key, value in zip(LINT_KEYS, group, strict=True)
    ),
)
def test_lint_and_type_check(
    group: tuple[str, ...], tmp_path: Path, cookiecutter_config: Path
) -> None:
    answers = LINT_GROUPS[group]
    project = render(answers, tmp_path, cookiecutter_config)
    env = project_env(answers["python_version"])
    run(["make", "lint"], cwd=project, env=env)

"""Every supported combination renders completely and only with what its options use."""

from __future__ import annotations

import itertools
import re
import shutil
import tomllib
from functools import cache
from pathlib import Path

import pytest

from tests.combinations import (
    BOOTSTRAP_GROUPS,
    CHOICES,
    DATABASE_SERVERS,
    FEATURE_KEYS,
    INFRA_GROUPS,
    LINT_CHECKS,
    LINT_GROUPS,
    RENDERED,
    SLOW_SUBSET,
    SUPPORTED,
    Answers,
    Group,
    combination_id,
    data_layer,
    lint_group,
)
from tests.support import infra_digest, lint_inputs_digest, render

BY_ID = {combination_id(answers): answers for answers in SUPPORTED}

LEFTOVER = re.compile(r"cookiecutter\.|\{%|%\}|\{#|#\}|(?<!\$)\{\{")

SQL = tuple(database for database in CHOICES["database"] if database != "dynamodb")
PACKAGE = "src/acme_orders_api"

# Paths that exist exactly when each option has one of these values (checked both ways).
PRESENT_ONLY_WHEN: list[tuple[dict[str, tuple[str, ...]], str]] = [
    ({"ci": ("github",)}, ".github/workflows/ci.yml"),
    ({"use_s3_uploads": ("y",)}, f"{PACKAGE}/uploads/routes.py"),
    (
        {"use_s3_uploads": ("y",), "database": SQL},
        f"{PACKAGE}/migrations/versions/20260102_0002_uploads.py",
    ),
    ({"use_s3_uploads": ("y",)}, "tests/test_uploads.py"),
    ({"use_background_jobs": ("y",)}, f"{PACKAGE}/jobs/queue.py"),
    ({"use_background_jobs": ("y",)}, f"{PACKAGE}/worker.py"),
    ({"use_background_jobs": ("y",)}, f"{PACKAGE}/users/jobs.py"),
    ({"use_background_jobs": ("y",)}, "tests/test_jobs.py"),
    ({"use_background_jobs": ("y",)}, "tests/events/sqs.json"),
    ({"use_s3_uploads": ("y",), "use_background_jobs": ("y",)}, f"{PACKAGE}/uploads/jobs.py"),
    # The data layer: SQLAlchemy and Alembic, or DynamoDB, never both.
    ({"database": SQL}, "alembic.ini"),
    ({"database": SQL}, f"{PACKAGE}/models.py"),
    ({"database": SQL}, f"{PACKAGE}/migrations/env.py"),
    ({"database": SQL}, "tests/test_migrations.py"),
    ({"database": ("dynamodb",)}, "emulator/tables.py"),
    ({"database": ("dynamodb",)}, f"{PACKAGE}/copy_db/source.py"),
    ({"database": ("dynamodb",)}, "infra/modules/dynamodb/main.tf"),
    ({"database": DATABASE_SERVERS}, "infra/modules/database/main.tf"),
    ({"database": ("sqlite",)}, "infra/modules/efs/main.tf"),
    # The page: its files, the distribution in front, and what serves it locally.
    ({"frontend": ("static",)}, "frontend/index.html"),
    ({"frontend": ("static",)}, "infra/modules/frontend/distribution.tf"),
    ({"frontend": ("static",)}, "deploy/frontend.py"),
    ({"frontend": ("static",)}, "emulator/edge.py"),
    ({"frontend": ("static",)}, "tests/test_frontend.py"),
]


@pytest.fixture(scope="module")
def render_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("renders")


def digests(project: Path) -> dict[str, str]:
    return {
        "lint": lint_inputs_digest(project),
        "infra": infra_digest(project, bootstrap=False),
        "bootstrap": infra_digest(project, bootstrap=True),
    }


# (digest, the groups a check runs on, the keys that define them): each combination's
# tree must be its group's representative's.
GROUPINGS = [
    ("lint", LINT_GROUPS, "LINT_KEYS"),
    ("infra", INFRA_GROUPS, "INFRA_KEYS"),
    ("bootstrap", BOOTSTRAP_GROUPS, "BOOTSTRAP_KEYS"),
]
REPRESENTATIVES = {
    kind: {combination_id(a): group.answers for group in groups for a in group.members}
    for kind, groups, _ in GROUPINGS
}


@cache
def _representative_digests(combination: str, root: Path, config: Path) -> dict[str, str]:
    project = render(BY_ID[combination], root / f"representative-{combination}", config)
    return digests(project)


@pytest.mark.parametrize("answers", RENDERED, ids=combination_id)
def test_combination_renders_clean(
    answers: Answers, render_root: Path, cookiecutter_config: Path
) -> None:
    output = render_root / combination_id(answers)
    project = render(answers, output, cookiecutter_config)
    try:
        leftovers = [
            f"{path.relative_to(project)}: {match.group(0)!r}"
            for path in project.rglob("*")
            if path.is_file()
            for match in [LEFTOVER.search(path.read_text())]
            if match
        ]
        assert not leftovers, f"template syntax survived rendering: {leftovers}"

        for condition, relative in PRESENT_ONLY_WHEN:
            wanted = all(answers[option] in values for option, values in condition.items())
            assert (project / relative).exists() == wanted, f"{relative} with {condition}"
        # A web ACL fronts the distribution, or else the load balancer (an HTTP API
        # cannot have one).
        fronted = answers["frontend"] == "static" or answers["compute"] == "ecs"
        assert (project / "infra/modules/waf/main.tf").exists() == fronted
        # Each variant file took its SQL sibling's place, or went.
        assert not list(project.rglob("*.dynamodb.*")), "variant files left"

        assert (project / ".python-version").read_text().strip() == answers["python_version"]
        assert (
            f'requires-python = ">={answers["python_version"]}"'
            in (project / "pyproject.toml").read_text()
        )
        assert not [p for p in project.rglob("*") if p.is_dir() and not any(p.iterdir())], (
            "empty folders"
        )

        # Linting, validating and scanning one representative per group covers this
        # combination only if its files are identical to the representative's.
        own = digests(project)
        for kind, _, keys in GROUPINGS:
            representative = combination_id(REPRESENTATIVES[kind][combination_id(answers)])
            expected = _representative_digests(representative, render_root, cookiecutter_config)
            assert own[kind] == expected[kind], (
                f"{kind} inputs differ from {representative}'s, the representative of "
                f"their group: add the option that changes them to {keys} in "
                "tests/combinations.py"
            )
    finally:
        shutil.rmtree(output)


def test_the_license_changes_its_own_lines_alone(tmp_path: Path, cookiecutter_config: Path) -> None:
    """What lets test_combination_renders_clean render each combination with one license
    (RENDERED): every other file is the same whichever the license."""
    trees = []
    for license_name in CHOICES["open_source_license"]:
        project = render(
            {"open_source_license": license_name}, tmp_path / license_name, cookiecutter_config
        )
        trees.append(
            {
                path.relative_to(project).as_posix(): [
                    line
                    for line in path.read_text().splitlines()
                    # pyproject.toml's line, and .cruft.json's record of the answer
                    if not line.startswith("license =") and '"open_source_license"' not in line
                ]
                for path in project.rglob("*")
                if path.is_file() and path.name != "LICENSE"
            }
        )
    assert all(tree == trees[0] for tree in trees)


@pytest.mark.parametrize(
    ("license_name", "first_words"),
    [("MIT", "MIT License"), ("Apache-2.0", "Apache License"), ("Proprietary", "Copyright (c)")],
)
def test_license_text(
    license_name: str, first_words: str, tmp_path: Path, cookiecutter_config: Path
) -> None:
    project = render({"open_source_license": license_name}, tmp_path, cookiecutter_config)
    text = (project / "LICENSE").read_text()
    assert text.lstrip().startswith(first_words)
    pyproject = (project / "pyproject.toml").read_text()
    if license_name == "Proprietary":
        assert "All rights reserved" in text
        assert "license =" not in pyproject
    else:
        assert f'license = "{license_name}"' in pyproject


def test_free_text_with_quotes_and_unicode_renders_valid_files(
    tmp_path: Path, cookiecutter_config: Path
) -> None:
    answers = {
        "project_name": 'Zoë\'s "Quoted" API',
        "description": 'Says "hi" \\ and \'bye\' """',
        "author_name": 'O\'Brien "Ops"',
    }
    project = render(answers, tmp_path, cookiecutter_config)
    assert project.name == "zoe-s-quoted-api"
    for path in project.rglob("*.py"):
        compile(path.read_text(), str(path), "exec")
    metadata = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    assert metadata["description"] == answers["description"]
    assert metadata["authors"][0]["name"] == answers["author_name"]


def test_every_lint_group_is_checked_on_some_python() -> None:
    """LINT_CHECKS lints each group's options on some Python, and each Python version on
    each data layer."""

    def options(group: Group) -> tuple[str, ...]:
        return lint_group(group.answers)[1:]  # all but the Python version

    assert {options(group) for group in LINT_CHECKS} == {options(g) for g in LINT_GROUPS}
    versions = {(g.answers["python_version"], data_layer(g.answers)) for g in LINT_CHECKS}
    assert versions == {(v, data_layer(a)) for v in CHOICES["python_version"] for a in SUPPORTED}


def test_slow_subset_covers_every_option_value() -> None:
    for option, values in CHOICES.items():
        used = {answers[option] for answers in SLOW_SUBSET}
        assert used == set(values), f"SLOW_SUBSET never uses {option}={set(values) - used}"
    assert all(answers in SUPPORTED for answers in SLOW_SUBSET)


def test_slow_subset_runs_every_feature_pairing() -> None:
    pairings = set(itertools.product(*(CHOICES[key] for key in FEATURE_KEYS)))
    used = {tuple(answers[key] for key in FEATURE_KEYS) for answers in SLOW_SUBSET}
    assert used == pairings, f"SLOW_SUBSET never runs {FEATURE_KEYS}={pairings - used}"

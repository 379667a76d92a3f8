"""The documentation site builds with --strict (no broken link, no page left out of the
nav), and its commands can be checked against the ones the tests run (the check itself
runs after a whole run: tests/conftest.py, pytest_sessionfinish)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from tests import docs_commands
from tests.combinations import TEMPLATE
from tests.support import run

PAGES = [
    "index.md",
    "options.md",
    "architecture.md",
    "deploying.md",
    "moving-from-sqlite.md",
    "cost.md",
    "testing.md",
    "faq.md",
]


def test_the_site_builds_strict(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)]
    run(command, TEMPLATE)
    assert [page.name for page in docs_commands.pages()] == PAGES
    for page in PAGES:
        built = tmp_path / ("index.html" if page == "index.md" else f"{page[:-3]}/index.html")
        assert built.is_file(), page


def test_the_pages_show_commands() -> None:
    shown = {page.name: list(docs_commands.shown(page)) for page in docs_commands.pages()}
    assert ["make", "demo"] in shown["index.md"]
    assert ["make", "deploy-local"] in shown["deploying.md"]
    assert ["make", "cost", "ENV=dev"] in shown["cost.md"]


@pytest.mark.parametrize(
    ("shown", "ran", "runs"),
    [
        ("make cost ENV=dev", "make cost ENV=prod", True),
        ("make cost ENV=dev", "make cost", False),
        ("make deploy-local", "make deploy-local-down", False),
        ("make run", "make run PORT=8123", True),
        ("uvx cruft update", "/venv/bin/python -m cruft update --skip-apply-ask", True),
        ("uvx cruft check", "/venv/bin/python -m cruft update", False),
        (
            'cookiecutter gh:<owner>/template --no-input project_name="Billing API" compute=lambda',
            "/usr/bin/python3 -m cookiecutter --no-input --output-dir /tmp/o /src/t "
            "'project_name=Billing API' compute=lambda",
            True,
        ),
        (
            "cookiecutter gh:<owner>/template --no-input compute=lambda",
            "/usr/bin/python3 -m cookiecutter /src/t compute=lambda",
            False,
        ),
    ],
)
def test_a_shown_command_is_run_by_the_same_program_with_its_options(
    shown: str, ran: str, runs: bool
) -> None:
    assert docs_commands.runs(shlex.split(shown), shlex.split(ran)) is runs

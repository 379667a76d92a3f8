"""The pre-gen hook refuses bad answers cleanly; supported answers pass it."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.combinations import REFUSED, Answers
from tests.support import cookiecutter_command, record


def cookiecutter_cli(
    answers: Answers, output_dir: Path, config: Path
) -> subprocess.CompletedProcess[str]:
    command = cookiecutter_command(config, output_dir, answers=answers)
    record(command)
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        # Its hook scripts land in the temporary directory and stay there: use pytest's.
        env={**os.environ, "TMPDIR": tempfile.gettempdir()},
    )


@pytest.mark.parametrize(
    ("answers", "message"), REFUSED, ids=[repr(answers) for answers, _ in REFUSED]
)
def test_refused_answers_leave_nothing_behind(
    answers: Answers, message: str, tmp_path: Path, cookiecutter_config: Path
) -> None:
    result = cookiecutter_cli(answers, tmp_path, cookiecutter_config)
    assert result.returncode != 0
    assert any(message in line for line in result.stderr.splitlines()), result.stderr
    assert list(tmp_path.iterdir()) == [], "a refused answer left output behind"


def test_sqlite_lambda_refusal_says_why_and_what_instead(
    tmp_path: Path, cookiecutter_config: Path
) -> None:
    result = cookiecutter_cli(
        {"database": "sqlite", "compute": "lambda"}, tmp_path, cookiecutter_config
    )
    message = next(line for line in result.stderr.splitlines() if "sqlite" in line)
    assert "one writer" in message
    assert "compute=ecs" in message
    assert "database=postgres" in message


def test_defaults_are_accepted(tmp_path: Path, cookiecutter_config: Path) -> None:
    result = cookiecutter_cli({}, tmp_path, cookiecutter_config)
    assert result.returncode == 0, result.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["acme-orders-api"]


def test_derived_names_follow_the_project_name(tmp_path: Path, cookiecutter_config: Path) -> None:
    result = cookiecutter_cli({"project_name": "Billing Service 2"}, tmp_path, cookiecutter_config)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "billing-service-2"
    assert (project / "src" / "billing_service_2" / "main.py").is_file()

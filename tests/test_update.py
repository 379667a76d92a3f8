"""A generated project takes a newer template the way its README says (`cruft update`),
and comes out as a fresh render of the newer template with the project's own changes
kept. The older template is this one with changes of each kind an update brings: a file
added, a file removed, and a file changed where the project changed it too."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.combinations import TEMPLATE
from tests.support import cookiecutter_command, run

ANSWERS = {"project_name": "Billing API", "compute": "lambda", "database": "dynamodb"}
SLUG = "billing-api"
PROJECT_FILES = "{{cookiecutter.project_slug}}"
# What the older template had: a file the newer one removes, a first line the newer one
# rewrote, and no .dockerignore yet.
RETIRED = f"{PROJECT_FILES}/docs/retired.md"
ADDED = f"{PROJECT_FILES}/.dockerignore"
CHANGED = f"{PROJECT_FILES}/Makefile"
OLD_FIRST_LINE = "# An older template's first line.\n"
# What the project changed after it was generated.
OWN_TARGET = "\nhello: ## The project's own target\n\techo hello\n"
OWN_FILE = "NOTES.md"


def git(directory: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(directory), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def environment(config: Path) -> dict[str, str]:
    # cruft renders with the user's cookiecutter config; the hook scripts cookiecutter
    # leaves behind go to pytest's temporary directory.
    return {**os.environ, "COOKIECUTTER_CONFIG": str(config), "TMPDIR": tempfile.gettempdir()}


def render(template: Path, output_dir: Path, config: Path) -> Path:
    command = cookiecutter_command(config, output_dir, template, ANSWERS)
    run(command, output_dir, environment(config))
    return output_dir / SLUG


def files(project: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(project)): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(project).parts
    }


@pytest.fixture
def template_history(tmp_path: Path) -> tuple[Path, str, str]:
    """A git repository of this template with an older commit before it: (the repository,
    the older commit, the newer one)."""
    repository = tmp_path / "template"
    tracked = git(TEMPLATE, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    for name in filter(None, tracked.split("\0")):
        if (TEMPLATE / name).is_file():
            (repository / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(TEMPLATE / name, repository / name)
    newer_makefile = (repository / CHANGED).read_text()
    newer_dockerignore = (repository / ADDED).read_text()

    git(repository, "init", "-q", "-b", "main")
    (repository / RETIRED).parent.mkdir(parents=True, exist_ok=True)
    (repository / RETIRED).write_text("# A page the newer template no longer has\n")
    (repository / CHANGED).write_text(OLD_FIRST_LINE + newer_makefile.split("\n", 1)[1])
    (repository / ADDED).unlink()
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "older")
    older = git(repository, "rev-parse", "HEAD")

    (repository / RETIRED).unlink()
    (repository / CHANGED).write_text(newer_makefile)
    (repository / ADDED).write_text(newer_dockerignore)
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "newer")
    newer = git(repository, "rev-parse", "HEAD")
    git(repository, "checkout", "-q", older)
    return repository, older, newer


def test_a_project_records_its_template_and_answers(
    template_history: tuple[Path, str, str], tmp_path: Path, cookiecutter_config: Path
) -> None:
    repository, older, _ = template_history
    (tmp_path / "out").mkdir()
    project = render(repository, tmp_path / "out", cookiecutter_config)

    state = json.loads((project / ".cruft.json").read_text())
    assert state["template"] == str(repository)
    assert state["commit"] == older
    answers = state["context"]["cookiecutter"]
    assert {key: answers[key] for key in ANSWERS} == ANSWERS
    assert answers["project_slug"] == SLUG
    assert not {key for key in answers if key.startswith("_")} - {"_template", "_commit"}


def test_a_relative_template_path_is_recorded_absolute(
    template_history: tuple[Path, str, str], tmp_path: Path, cookiecutter_config: Path
) -> None:
    repository, _, _ = template_history
    output_dir = tmp_path / "out"
    output_dir.mkdir()
    subprocess.run(
        cookiecutter_command(cookiecutter_config, "out", "template"),
        cwd=tmp_path,
        env={**environment(cookiecutter_config), "PWD": str(tmp_path)},
        check=True,
        capture_output=True,
    )
    state = json.loads((output_dir / "acme-orders-api" / ".cruft.json").read_text())
    assert state["template"] == str(repository)


def test_a_template_outside_git_renders_and_says_why_nothing_is_recorded(
    template_history: tuple[Path, str, str], tmp_path: Path, cookiecutter_config: Path
) -> None:
    repository, _, _ = template_history
    shutil.rmtree(repository / ".git")
    output_dir = tmp_path / "out"
    output_dir.mkdir()
    result = subprocess.run(
        cookiecutter_command(cookiecutter_config, output_dir, repository),
        env=environment(cookiecutter_config),
        capture_output=True,
        text=True,
        check=True,
    )
    assert not (output_dir / "acme-orders-api" / ".cruft.json").exists()
    assert "No .cruft.json" in result.stderr
    assert "cruft link" in result.stderr


def test_update_equals_a_fresh_render_with_the_projects_changes_kept(
    template_history: tuple[Path, str, str], tmp_path: Path, cookiecutter_config: Path
) -> None:
    repository, _, newer = template_history
    (tmp_path / "old").mkdir()
    project = render(repository, tmp_path / "old", cookiecutter_config)
    assert (project / "docs" / "retired.md").exists()
    assert not (project / ".dockerignore").exists()
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Generated")
    with (project / "Makefile").open("a") as makefile:
        makefile.write(OWN_TARGET)
    (project / OWN_FILE).write_text("The project's own notes\n")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "The project's own changes")

    readme = (project / "README.md").read_text()
    assert "uvx cruft check" in readme
    assert "uvx cruft update" in readme
    git(repository, "checkout", "-q", "main")
    cruft = [sys.executable, "-m", "cruft"]
    # cruft check exits 1 while the project is behind.
    behind = subprocess.run(
        [*cruft, "check"], cwd=project, env=environment(cookiecutter_config), check=False
    )
    assert behind.returncode == 1
    run([*cruft, "update", "--skip-apply-ask"], project, environment(cookiecutter_config))
    run([*cruft, "check"], project, environment(cookiecutter_config))

    (tmp_path / "fresh").mkdir()
    fresh = render(repository, tmp_path / "fresh", cookiecutter_config)
    expected = files(fresh)
    expected["Makefile"] += OWN_TARGET.encode()
    expected[OWN_FILE] = b"The project's own notes\n"
    updated = files(project)
    state = json.loads(updated.pop(".cruft.json"))
    assert state["commit"] == newer
    assert {key: state["context"]["cookiecutter"][key] for key in ANSWERS} == ANSWERS
    del expected[".cruft.json"]
    assert sorted(updated) == sorted(expected)
    assert [name for name in expected if updated[name] != expected[name]] == []

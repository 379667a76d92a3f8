"""The deploy's checks before anything changes."""

from __future__ import annotations

import pytest

from deploy.preflight import committed_revision, confirm, git, state_bucket
from deploy.project import Project
from deploy.steps import StepError


@pytest.fixture
def repository(tmp_path):
    git(tmp_path, "init", "--quiet")
    git(tmp_path, "config", "user.email", "dev@example.com")
    git(tmp_path, "config", "user.name", "Dev")
    (tmp_path / "app.py").write_text("VALUE = 1\n")
    git(tmp_path, "add", "app.py")
    git(tmp_path, "commit", "--quiet", "-m", "first")
    return tmp_path


def test_a_committed_tree_gives_its_revision(repository):
    revision = committed_revision(repository)
    assert len(revision) == 12
    assert int(revision, 16) >= 0


def test_uncommitted_changes_are_refused_and_named(repository):
    (repository / "app.py").write_text("VALUE = 2\n")
    (repository / "new.py").write_text("")
    with pytest.raises(StepError, match=r"uncommitted changes \(app.py, new.py\)"):
        committed_revision(repository)


def test_outside_a_repository_the_reason_is_given(tmp_path):
    with pytest.raises(StepError, match="git status --porcelain"):
        committed_revision(tmp_path)


def test_state_bucket_follows_bootstrap_unless_overridden(monkeypatch):
    project = Project.load()
    monkeypatch.delenv("TF_STATE_BUCKET", raising=False)
    assert state_bucket(project, "123456789012") == f"{project.prefix}-tfstate-123456789012"
    monkeypatch.setenv("TF_STATE_BUCKET", "my-state")
    assert state_bucket(project, "123456789012") == "my-state"


def test_prod_needs_its_name_typed_back_or_confirm():
    confirm("dev", confirmed=False, ask=lambda _: pytest.fail("dev never asks"))
    confirm("prod", confirmed=True, ask=lambda _: pytest.fail("CONFIRM=1 never asks"))
    confirm("prod", confirmed=False, ask=lambda _: "prod")
    with pytest.raises(StepError, match="not confirmed: nothing was changed"):
        confirm("prod", confirmed=False, ask=lambda _: "yes")


def test_prod_without_a_terminal_is_not_confirmed():
    def no_terminal(_: str) -> str:
        raise EOFError

    with pytest.raises(StepError, match="not confirmed"):
        confirm("prod", confirmed=False, ask=no_terminal)

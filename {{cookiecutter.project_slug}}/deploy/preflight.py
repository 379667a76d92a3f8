"""Checks that run before anything changes: a committed tree, the account, the state
bucket, and a confirmation for prod."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from deploy.project import Environment, Project
from deploy.steps import StepError


def git(root: Path, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed git commands
        ["git", *args],  # noqa: S607 - git from PATH, as a developer runs it
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise StepError(f"`git {' '.join(args)}` failed: {result.stderr.strip()}")
    return result.stdout


def uncommitted(root: Path) -> list[str]:
    """The paths git sees changed or untracked."""
    return [line[3:] for line in git(root, "status", "--porcelain").splitlines()]


def head_revision(root: Path) -> str:
    return git(root, "rev-parse", "--short=12", "HEAD").strip()


def committed_revision(root: Path) -> str:
    """The commit a deploy ships; refuses a tree with uncommitted changes, because the
    revision is how a deploy is traced back to its code."""
    changes = uncommitted(root)
    if changes:
        listed = ", ".join(changes[:5])
        more = f" and {len(changes) - 5} more" if len(changes) > 5 else ""
        raise StepError(f"uncommitted changes ({listed}{more}): commit or stash them first")
    return head_revision(root)


def state_bucket(project: Project, account_id: str) -> str:
    """The bucket infra/bootstrap made (TF_STATE_BUCKET overrides the naming rule)."""
    return os.environ.get("TF_STATE_BUCKET") or f"{project.prefix}-tfstate-{account_id}"


def confirm(environment: Environment, confirmed: bool, ask: Callable[[str], str] = input) -> None:
    """prod needs CONFIRM=1 or the environment's name typed back."""
    if environment != "prod" or confirmed:
        return
    try:
        answer = ask("Deploy to prod? Type 'prod' to go on (CONFIRM=1 skips this): ")
    except EOFError:
        answer = ""
    if answer.strip() != "prod":
        raise StepError("not confirmed: nothing was changed")

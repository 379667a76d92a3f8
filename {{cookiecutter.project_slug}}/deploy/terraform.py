"""The terraform commands a deploy runs, on one root (envs/dev or envs/prod)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deploy.steps import run

# The committed .terraform.lock.hcl pins the provider: a deploy installs exactly that
# version, checked against its hashes, and never rewrites the file (which would leave
# the tree uncommitted for the next deploy). `make infra-lock` is how it changes.
INIT_OPTIONS = ("-input=false", "-no-color", "-lockfile=readonly")


def assignments(variables: Mapping[str, str]) -> list[str]:
    return [f"-var={name}={value}" for name, value in variables.items()]


@dataclass(frozen=True)
class Terraform:
    root: Path
    env: Mapping[str, str] | None = None

    def __call__(self, *args: str | Path, capture: bool = True) -> str:
        return run(["terraform", f"-chdir={self.root}", *args], env=self.env, capture=capture)

    def init(self, state_bucket: str, region: str, *backend_files: Path) -> None:
        """The S3 backend from backend.hcl, in the bucket bootstrap made."""
        files = [f"-backend-config={path}" for path in ("backend.hcl", *backend_files)]
        bucket = [f"-backend-config=bucket={state_bucket}", f"-backend-config=region={region}"]
        # Its chatter stays out of the way; errors go to stderr, which is shown.
        self("init", *INIT_OPTIONS, *files, *bucket)

    def apply(self, variables: Mapping[str, str], *targets: str) -> None:
        """Applies the root; `targets` limits it to those resources (and what they need)."""
        limits = [f"-target={target}" for target in targets]
        self(
            "apply",
            "-input=false",
            "-no-color",
            "-auto-approve",
            *assignments(variables),
            *limits,
            capture=False,
        )

    def plan(self, variables: Mapping[str, str]) -> None:
        """Prints what applying the root with `variables` would change, and changes nothing."""
        self("plan", "-input=false", *assignments(variables), capture=False)

    def stack(self) -> dict[str, Any]:
        """The environment's outputs: URL, settings, names and ARNs (no secret values)."""
        stack: dict[str, Any] = json.loads(self("output", "-no-color", "-json", "stack"))
        return stack

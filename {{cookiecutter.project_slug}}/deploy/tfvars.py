"""What Terraform gives an environment's variables, read from the same files it reads
(with python-hcl2), so `make cost` and the deploy's checks see the values a deploy
applies."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from deploy.project import Environment, Project


def hcl_values(path: Path) -> dict[str, Any]:
    """An HCL file as Python values: strings unquoted, blocks as lists of dicts."""
    import hcl2
    from hcl2.utils import SerializationOptions

    options = SerializationOptions(
        strip_string_quotes=True, explicit_blocks=False, with_comments=False
    )
    values: dict[str, Any] = hcl2.loads(path.read_text(), serialization_options=options)
    return values


def variable_defaults(path: Path) -> dict[str, Any]:
    """The defaults a variables.tf declares."""
    return {
        name: body["default"]
        for block in hcl_values(path).get("variable", [])
        for name, body in block.items()
        if "default" in body
    }


def environment_values(
    project: Project, environment: Environment, var_files: Sequence[Path] = ()
) -> dict[str, Any]:
    """The environment root's variables: their defaults, terraform.tfvars, then each of
    var_files (as `-var-file` adds them)."""
    root = project.environment_root(environment)
    values = variable_defaults(root / "variables.tf") | hcl_values(root / "terraform.tfvars")
    for path in var_files:
        values |= hcl_values(path)
    return values


def module_default(project: Project, module: str, name: str) -> Any:
    """An input of infra/modules/<module> that the stack leaves at its default."""
    return variable_defaults(project.root / "infra" / "modules" / module / "variables.tf")[name]

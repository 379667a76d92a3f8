"""The generated deploy path: `make package` builds a Lambda zip that really imports on
the runtime's Python (built for x86_64, the CPU of the machine running the tests) and
carries aarch64 code for the default arm64 functions."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tests.combinations import SLOW_SUBSET, Answers, combination_id
from tests.support import find_python, project_env, render, run

pytestmark = pytest.mark.slow

LAMBDA_SUBSET = [answers for answers in SLOW_SUBSET if answers["compute"] == "lambda"]
ELF_MACHINE = {b"\xb7\x00": "aarch64", b"\x3e\x00": "x86_64"}


def machines(package: Path) -> set[str]:
    """The CPU of every compiled extension in the zip (from the ELF header)."""
    with zipfile.ZipFile(package) as archive:
        return {
            ELF_MACHINE.get(archive.read(name)[18:20], "other")
            for name in archive.namelist()
            if name.endswith(".so")
        }


@pytest.mark.parametrize("answers", LAMBDA_SUBSET, ids=combination_id)
def test_lambda_package_imports_on_the_runtime_python(
    answers: Answers, tmp_path: Path, cookiecutter_config: Path
) -> None:
    project = render(answers, tmp_path / "render", cookiecutter_config)
    env = project_env(answers["python_version"])
    package = project / "dist" / "lambda.zip"

    built = run(["make", "package"], cwd=project, env=env).stdout
    assert re.search(r"dist/lambda\.zip: [\d.]+ MB zipped, [\d.]+ MB unzipped \(arm64", built)
    assert machines(package) == {"aarch64"}
    arm64 = package.read_bytes()
    run(["make", "package"], cwd=project, env=env)
    assert package.read_bytes() == arm64, "the same lock and code must give the same zip"

    run(["make", "package", "ARCH=x86_64"], cwd=project, env=env)
    assert machines(package) == {"x86_64"}
    unpacked = tmp_path / "task"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(unpacked)
    # What the runtime does: the zip's root on the path, nothing from this machine's site.
    names = "handler, migrate" + (", worker" if answers["use_background_jobs"] == "y" else "")
    handlers = (
        "import sys; sys.path.insert(0, '.'); "
        f"from {project.name.replace('-', '_')}.lambda_handler import {names}"
    )
    run(
        [find_python(answers["python_version"]), "-I", "-S", "-c", handlers],
        cwd=unpacked,
        env={"PATH": "/usr/bin:/bin"},
    )

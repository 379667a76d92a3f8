from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import docs_commands
from tests.support import run, uv

# The longest tests (minutes each) go first, so the workers finish together instead of
# one worker running them alone at the end; `make test` runs xdist with --dist worksteal,
# so a worker that runs out takes tests still queued on another.
LONGEST_FIRST = ("test_deploy_local.py", "test_terraform_apply.py", "test_generated.py")


def pytest_configure(config: pytest.Config) -> None:
    """A ledger of the commands the tests run (tests.support.record), which the xdist
    workers inherit through the environment."""
    if not hasattr(config, "workerinput"):
        os.environ["COMMAND_LEDGER"] = tempfile.mkdtemp(prefix="command-ledger-")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """After a whole, passing run (`make test`), fail if the documentation site shows a
    command no test ran (tests/docs_commands.py)."""
    config = session.config
    if hasattr(config, "workerinput"):
        return
    ledger = Path(os.environ["COMMAND_LEDGER"])
    ran = docs_commands.ledger(ledger)
    shutil.rmtree(ledger, ignore_errors=True)
    whole_run = (
        config.args_source is pytest.Config.ArgsSource.TESTPATHS
        and not config.option.markexpr
        and not config.option.keyword
    )
    if not whole_run or exitstatus != 0:
        return
    missing = docs_commands.not_run(ran)
    if missing:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        reporter.section("commands the documentation shows that no test ran", red=True)
        for line in missing:
            reporter.line(line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)


@pytest.fixture(scope="session")
def cookiecutter_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cookiecutter config that keeps replay files out of the user's home."""
    home = tmp_path_factory.mktemp("cookiecutter-home")
    config = home / "config.yaml"
    config.write_text(f"replay_dir: {home / 'replay'}\ncookiecutters_dir: {home / 'templates'}\n")
    return config


@pytest.fixture(scope="session", autouse=True)
def hook_scripts_stay_in_pytest_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """cookiecutter copies each hook it runs to a temporary file it never deletes; a full
    run renders every combination, so keep those files where pytest prunes them."""
    previous = tempfile.tempdir
    tempfile.tempdir = str(tmp_path_factory.mktemp("hook-scripts"))
    yield
    tempfile.tempdir = previous


@pytest.fixture(scope="session")
def terraform_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for terraform: offline from TF_PLUGIN_MIRROR when set; a plugin cache
    per test worker (the cache is not safe for concurrent writers)."""
    if shutil.which("terraform") is None:
        pytest.fail("terraform is not on PATH")
    home = tmp_path_factory.mktemp("terraform")
    env = {
        **os.environ,
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        "TF_PLUGIN_CACHE_DIR": str(home / "plugin-cache"),
    }
    (home / "plugin-cache").mkdir()
    config = home / "terraformrc"
    mirror = os.environ.get("TF_PLUGIN_MIRROR")
    if mirror:
        config.write_text(
            f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n'
        )
    else:
        config.write_text("")
    env["TF_CLI_CONFIG_FILE"] = str(config)
    return env


# Prints a rendered project's bill as JSON, as `make cost` computes it.
PRICE = """
import sys
from pathlib import Path
from deploy import cost
from deploy.project import Project
environment, *var_files = sys.argv[1:]
print(cost.as_json(cost.bill(Project.load(), environment, var_files=[Path(f) for f in var_files])))
"""


@pytest.fixture(scope="session")
def cost_python(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[..., dict[str, Any]]:
    """Prices a rendered project: (project, environment, *var_files) -> its bill. It runs
    in a venv of its own holding the project's HCL parser, made for the first project
    priced: checkov's fork of the same module, in this venv, would clash with it."""
    venv = tmp_path_factory.mktemp("cost") / "venv"
    python = venv / "bin" / "python"

    def price(project: Path, environment: str, *var_files: Path) -> dict[str, Any]:
        if not python.exists():
            pyproject = tomllib.loads((project / "pyproject.toml").read_text())
            (requirement,) = [
                dependency
                for dependency in pyproject["dependency-groups"]["dev"]
                if isinstance(dependency, str) and dependency.startswith("python-hcl2")
            ]
            run([uv(), "venv", "--quiet", "--python", sys.executable, str(venv)], cwd=project)
            run(
                [uv(), "pip", "install", "--quiet", "--python", str(python), requirement],
                cwd=project,
            )
        command = [str(python), "-c", PRICE, environment, *map(str, var_files)]
        bill: dict[str, Any] = json.loads(run(command, cwd=project).stdout)
        return bill

    return price


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """List the emulator gaps the Terraform apply tests patched or pinned (the generated
    emulator/ package), once, after a run that applied anything."""
    gaps = dict.fromkeys(
        gap
        for reports in terminalreporter.stats.values()
        for report in reports
        for name, value in getattr(report, "user_properties", ())
        if name == "emulator_gaps"
        for gap in value
    )
    if gaps:
        terminalreporter.section("emulator gaps patched or pinned (emulator/: patches, terraform)")
        for gap in gaps:
            terminalreporter.line(gap)

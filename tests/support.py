"""Rendering, interpreters and commands the template tests share."""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from cookiecutter.environment import StrictEnvironment
from cookiecutter.generate import generate_context
from cookiecutter.main import cookiecutter
from cookiecutter.prompt import prompt_for_config
from jinja2 import BytecodeCache, FileSystemLoader, Template
from jinja2.bccache import Bucket

from tests.combinations import TEMPLATE, Answers, Group

PROJECT_TEMPLATE = TEMPLATE / "{{cookiecutter.project_slug}}"

Files = dict[str, str]


def resource_prefix(project_name: str) -> str:
    """What infra/ names the account's resources after: the project name cut to 35
    characters (project.json's prefix, which deploy/ and infra/ read)."""
    return project_name[:35].rstrip("-")


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates, kept for the process. Most of a render is compiling
    each template file (cookiecutter makes a new environment per render); Jinja checks
    each entry against its source's checksum, so an edited template compiles afresh.
    Shared only by the environments cookiecutter makes inside render(), which all have
    the options this template's context gives them."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED = CompiledTemplates()


def render(answers: Answers, output_dir: Path, config_file: Path) -> Path:
    """Render the template with `answers` into output_dir; returns the project directory."""
    with _sharing_compiled_templates():
        project = _render(answers, output_dir, config_file)
    return Path(project)


@contextmanager
def _sharing_compiled_templates() -> Iterator[None]:
    original = StrictEnvironment.__init__

    def init(self: StrictEnvironment, **kwargs: Any) -> None:
        original(self, **kwargs)
        self.bytecode_cache = _COMPILED

    StrictEnvironment.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        StrictEnvironment.__init__ = original  # type: ignore[method-assign]


def _render(answers: Answers, output_dir: Path, config_file: Path) -> str:
    project: str = cookiecutter(
        str(TEMPLATE),
        no_input=True,
        extra_context=answers,
        output_dir=str(output_dir),
        config_file=str(config_file),
    )
    return project


# Rendering every combination as a whole project takes minutes. A test that reads only a
# few files renders just those, with cookiecutter's own Jinja environment, checks each
# group of combinations whose files come out byte-identical once, and proves the
# shortcut with one full cookiecutter render per group (render_like_cookiecutter).


@cache
def _cookiecutter_jinja() -> tuple[dict[str, Any], StrictEnvironment]:
    context = generate_context(context_file=str(TEMPLATE / "cookiecutter.json"))
    defaults = dict(prompt_for_config(context, no_input=True))
    env = StrictEnvironment(context={"cookiecutter": defaults}, keep_trailing_newline=True)
    # Where cookiecutter finds what the files include (the environments' templates/env).
    env.loader = FileSystemLoader([str(PROJECT_TEMPLATE), str(TEMPLATE / "templates")])
    return defaults, env


def context(answers: Answers) -> dict[str, Any]:
    """Cookiecutter's context for `answers`. The derived names (slug, package) follow
    project_name, which no combination changes, so the defaults' stay right; each test
    compares one full cookiecutter render per group with this shortcut."""
    return {**_cookiecutter_jinja()[0], **answers}


@cache
def _template(name: str) -> Template:
    template: Template = _cookiecutter_jinja()[1].from_string((PROJECT_TEMPLATE / name).read_text())
    return template


def source(name: str) -> str:
    """The file a check input names: `project.json#domain` reads project.json's `domain`."""
    return name.split("#", 1)[0]


def render_files(answers: Answers, names: Iterable[str]) -> Files:
    """The project's files `names` (paths inside the project) rendered for `answers`."""
    values = context(answers)
    return {path: _template(path).render(cookiecutter=values) for path in map(source, names)}


def generated(answers: Answers, names: Iterable[str]) -> tuple[str, ...]:
    """The files of `names` the combination keeps: those the post-gen hook's table of
    unused paths leaves (the hook rendered for these answers and run up to its table)."""
    hook = _cookiecutter_jinja()[1].from_string(
        (TEMPLATE / "hooks" / "post_gen_project.py").read_text()
    )
    namespace: dict[str, Any] = {"__name__": "post_gen_project"}
    exec(hook.render(cookiecutter=context(answers)), namespace)  # the template's own hook
    removed = [path for unused, paths in namespace["UNUSED"] if unused for path in paths]
    return tuple(
        name
        for name in names
        if not any(source(name) == path or name.startswith(f"{path}/") for path in removed)
    )


def by_inputs(rendered: Iterable[tuple[Answers, Files]], names: tuple[str, ...]) -> list[Group]:
    """Combinations grouped by the contents of the files a check reads (of a JSON file
    named `file#key,key`, those keys' values)."""
    groups: dict[str, Group] = {}
    for answers, files in rendered:
        content = hashlib.sha256()
        for name in names:
            # A file the combination does not generate (see `generated`) is left out.
            text = files.get(source(name), "")
            if "#" in name and text:
                facts = json.loads(text)
                text = json.dumps([facts[key] for key in name.split("#", 1)[1].split(",")])
            content.update(f"{name}\0{text}\0{source(name) in files}\0".encode())
        groups.setdefault(content.hexdigest(), Group([], files)).members.append(answers)
    return list(groups.values())


def render_like_cookiecutter(group: Group, output_dir: Path, config_file: Path) -> Path:
    """Render the group's first combination with cookiecutter itself, failing unless the
    files the shortcut rendered come out the same; returns the project directory."""
    project = render(group.members[0], output_dir, config_file)
    for name, text in group.files.items():
        assert (project / name).read_text() == text, (
            f"{name}: the shortcut render differs from cookiecutter's (a derived variable "
            "or a hook changes it): make render_files follow"
        )
    return project


def alembic_head(migrations: Path) -> str:
    """The revision of the migrations in `migrations` (a versions/ folder) no other builds on."""
    texts = [path.read_text() for path in migrations.glob("*.py")]
    revisions = {m for text in texts for m in re.findall(r'^revision[^=]*= "(\w+)"', text, re.M)}
    parents = {m for text in texts for m in re.findall(r'^down_revision[^=]*= "(\w+)"', text, re.M)}
    (head,) = revisions - parents
    return head


def one(value: Any) -> Any:
    """The HCL parser wraps every attribute value in a one-item list; unwrap it."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def linter(name: str) -> str:
    """The linter uv.lock installs next to this interpreter (not whatever is on PATH)."""
    path = Path(sys.executable).parent / name
    assert path.is_file(), f"{name} is not installed: run the tests through `make test`"
    return str(path)


def lint_inputs_digest(project: Path) -> str:
    """A digest of everything ruff and mypy read: the Python files, the tool settings
    and the dependencies (so the same digest means the same lint result)."""
    digest = hashlib.sha256()
    for path in sorted(project.rglob("*.py")):
        digest.update(str(path.relative_to(project)).encode())
        digest.update(path.read_bytes())
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    relevant = {
        "tool": pyproject.get("tool"),
        "dependencies": pyproject["project"]["dependencies"],
        "dependency-groups": pyproject.get("dependency-groups"),
        "requires-python": pyproject["project"]["requires-python"],
    }
    digest.update(repr(relevant).encode())
    return digest.hexdigest()


def infra_digest(project: Path, *, bootstrap: bool) -> str:
    """A digest of the environments' Terraform (infra/ without bootstrap), or of bootstrap."""
    infra = project / "infra"
    digest = hashlib.sha256()
    for path in sorted(p for p in infra.rglob("*") if p.is_file()):
        relative = path.relative_to(infra)
        if (relative.parts[0] == "bootstrap") == bootstrap:
            digest.update(str(relative).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def find_python(version: str) -> str:
    """An interpreter for `version`: on PATH if it really runs, else under pyenv."""
    candidates = [shutil.which(f"python{version}")]
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}"))
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return candidate
    raise RuntimeError(
        f"no Python {version} interpreter found (PATH or pyenv); the template's tests "
        "need 3.11, 3.12 and 3.13 to check every python_version option"
    )


def uv() -> str:
    found = os.environ.get("UV") or shutil.which("uv")
    if not found:
        raise RuntimeError("uv not found: run the tests through `make test`, which installs it")
    return found


# Variables a developer's shell or the outer make must not leak into the rendered
# projects' commands: the generated app's settings, and tool state.
APP_VARIABLES = (
    "ENVIRONMENT",
    "DATABASE_URL",
    "DB_POOL_SIZE",
    "DB_MAX_OVERFLOW",
    "DB_POOL_RECYCLE",
    "DB_SSL",
    "DB_SSL_ROOT_CERT",
    "JWT_SECRET",
    "ACCESS_TOKEN_EXPIRE_MINUTES",
    "CORS_ORIGINS",
    "LOG_LEVEL",
    "LOG_JSON",
    "VIRTUAL_ENV",
    "PYENV_VERSION",
    # The outer `make test` must not turn the rendered project's make into a sub-make.
    "MAKELEVEL",
    "MAKEFLAGS",
    "MFLAGS",
)


# What `make rds-ca` leaves, for the tests that build and deploy (AWS's download is out of
# reach here; the generated project's tests fetch from a local server instead). A
# self-signed authority of no one's, which no database in these tests presents.
STAND_IN_RDS_BUNDLE = """\
-----BEGIN CERTIFICATE-----
MIIBczCCARmgAwIBAgIBATAKBggqhkjOPQQDAjA2MTQwMgYDVQQDDCtUZW1wbGF0
ZSB0ZXN0cycgc3RhbmQtaW4gZm9yIHRoZSBSRFMgYnVuZGxlMCAXDTI2MDEwMTAw
MDAwMFoYDzIxMjYwMTAxMDAwMDAwWjA2MTQwMgYDVQQDDCtUZW1wbGF0ZSB0ZXN0
cycgc3RhbmQtaW4gZm9yIHRoZSBSRFMgYnVuZGxlMFkwEwYHKoZIzj0CAQYIKoZI
zj0DAQcDQgAEuw4xFZ6bhC7Z4e375QSXaqEghMips4attYomRCXn22nF6QP0FfOt
l+gPr8yBQEokaM5fFD/frp6BTq0GAQCtMqMWMBQwEgYDVR0TAQH/BAgwBgEB/wIB
ADAKBggqhkjOPQQDAgNIADBFAiEAzvk1JuCKfZJe3rzAnYXs2ON8FsYS280+FGSj
UXID1iMCIAf0hCCZ81oLvQrGS8/a3KfwosHYCr7E4nRhxIEyCMvc
-----END CERTIFICATE-----
"""
RDS_BUNDLE_NAME = "rds-ca-bundle.pem"


def seed_rds_bundle(project: Path) -> None:
    """Writes the bundle and its pin where `make rds-ca` would."""
    package = next((project / "src").glob("*/migrate.py")).parent
    (package / RDS_BUNDLE_NAME).write_text(STAND_IN_RDS_BUNDLE)
    digest = hashlib.sha256(STAND_IN_RDS_BUNDLE.encode()).hexdigest()
    (project / "deploy" / "rds-ca-bundle.sha256").write_text(f"{digest}\n")


def project_env(python_version: str) -> dict[str, str]:
    """Environment for commands run in a rendered project: the right Python, uv on PATH."""
    uv_path = uv()
    env = {key: value for key, value in os.environ.items() if key not in APP_VARIABLES}
    env.update(
        UV=uv_path,
        UV_PYTHON=find_python(python_version),
        PATH=f"{Path(uv_path).parent}{os.pathsep}{os.environ['PATH']}",
    )
    return env


def cookiecutter_command(
    config: Path,
    output_dir: Path | str,
    template: Path | str = TEMPLATE,
    answers: Answers | None = None,
) -> list[str]:
    """`cookiecutter` as a user runs it: no prompts, the tests' config, answers as NAME=value."""
    return [
        *(sys.executable, "-m", "cookiecutter", "--no-input"),
        *("--config-file", str(config), "--output-dir", str(output_dir), str(template)),
        *(f"{key}={value}" for key, value in (answers or {}).items()),
    ]


def record(command: list[str]) -> None:
    """Adds the command to the ledger of commands the tests ran, which the documentation
    site's commands are checked against at the end of a whole run (tests/docs_commands.py)."""
    ledger = os.environ.get("COMMAND_LEDGER")
    if ledger:
        with (Path(ledger) / f"{os.getpid()}.jsonl").open("a") as commands:
            commands.write(json.dumps(command) + "\n")


def run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 900
) -> subprocess.CompletedProcess[str]:
    """Run a command (recorded); on failure, fail with its whole output."""
    record(command)
    result = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"`{' '.join(command)}` failed in {cwd} (exit {result.returncode})\n"
            f"--- stdout ---\n{result.stdout[-20000:]}\n--- stderr ---\n{result.stderr[-20000:]}"
        )
    return result

"""The generated project's container files, for every supported combination.

No Docker engine runs here, so the image is never built; instead the Dockerfile passes
hadolint and checkov, the .dockerignore sends the build everything the Dockerfile copies
and nothing secret, and docker-compose.yml parses and is wired to services that exist.

Only the three container files are rendered for each combination (tests.support's
shortcut), and combinations whose files come out byte-identical share one check: each
test id says how many combinations it covers. One full cookiecutter render per group
proves the shortcut renders what cookiecutter does.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.combinations import SUPPORTED, TEMPLATE, Group, group_id
from tests.support import (
    by_inputs,
    context,
    linter,
    render_files,
    render_like_cookiecutter,
    run,
)

CONTAINER_FILES = ("Dockerfile", ".dockerignore", "docker-compose.yml")
# What each group of checks reads: equal contents, equal results.
DOCKERFILE_INPUTS = ("Dockerfile", ".dockerignore")
COMPOSE_INPUTS = ("docker-compose.yml",)

# The Dockerfile copies uv.lock, which `make install` writes and the user commits.
MADE_BY_INSTALL = {"uv.lock"}
# Paths a build context must never carry (secrets, local state, what the image ignores).
NEVER_IN_CONTEXT = [
    ".env",
    ".env.local",
    ".venv/pyvenv.cfg",
    ".git/config",
    ".github/workflows/ci.yml",
    "tests/conftest.py",
    "infra/envs/prod/terraform.tfstate",
    "app.db",
    "app.db-wal",
    "dist/app-0.1.0-py3-none-any.whl",
    ".pytest_cache/README.md",
    "src/{package}/__pycache__/main.cpython-312.pyc",
    "src/{package}/.env",
    "src/{package}/migrations/__pycache__/env.cpython-312.pyc",
]

RENDERED = [(answers, render_files(answers, CONTAINER_FILES)) for answers in SUPPORTED]
DOCKERFILE_GROUPS = by_inputs(RENDERED, DOCKERFILE_INPUTS)
COMPOSE_GROUPS = by_inputs(RENDERED, COMPOSE_INPUTS)


# --- Dockerfile and .dockerignore -------------------------------------------------------


def dockerignore_regex(pattern: str) -> re.Pattern[str]:
    """Docker's .dockerignore pattern syntax: Go's filepath.Match, plus `**`."""
    pattern = posixpath.normpath(pattern.lstrip("/"))
    regex, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex, i = regex + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            regex, i = regex + ".*", i + 2
        elif pattern[i] == "*":
            regex, i = regex + "[^/]*", i + 1
        elif pattern[i] == "?":
            regex, i = regex + "[^/]", i + 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            regex, i = regex + pattern[i : end + 1], end + 1
        else:
            regex, i = regex + re.escape(pattern[i]), i + 1
    return re.compile(regex)


def excluded_from_context(dockerignore: str, path: str) -> bool:
    """Whether Docker leaves `path` out of the build context: the last pattern matching
    it or one of its parent folders decides."""
    excluded = False
    parts = path.split("/")
    for rule in map(str.strip, dockerignore.splitlines()):
        if not rule or rule.startswith("#"):
            continue
        regex = dockerignore_regex(rule.removeprefix("!"))
        if any(regex.fullmatch("/".join(parts[:end])) for end in range(1, len(parts) + 1)):
            excluded = not rule.startswith("!")
    return excluded


def instructions(dockerfile: str) -> list[list[str]]:
    """Each instruction of the Dockerfile as its words (continuation lines joined)."""
    lines = dockerfile.replace("\\\n", " ").splitlines()
    return [line.split() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def stages(dockerfile: str) -> dict[str, list[list[str]]]:
    """The instructions of each stage by its name (`FROM … AS name`; unnamed: "final")."""
    found: dict[str, list[list[str]]] = {}
    for words in instructions(dockerfile):
        if words[0] == "FROM":
            name = words[3] if [word.upper() for word in words[2:3]] == ["AS"] else "final"
            current = found.setdefault(name, [])
        current.append(words)
    return found


def copied_from_context(dockerfile: str) -> list[str]:
    """The sources of every COPY that reads the build context (not --from a stage)."""
    sources = []
    for words in instructions(dockerfile):
        if words[0] == "COPY" and not any(word.startswith("--from=") for word in words):
            sources += [word for word in words[1:] if not word.startswith("--")][:-1]
    return sources


@pytest.mark.parametrize("group", DOCKERFILE_GROUPS, ids=group_id)
def test_dockerignore_keeps_what_the_build_copies_and_no_secrets(
    group: Group, tmp_path: Path, cookiecutter_config: Path
) -> None:
    project = render_like_cookiecutter(group, tmp_path, cookiecutter_config)
    dockerignore = group.files[".dockerignore"]

    sources = copied_from_context(group.files["Dockerfile"])
    assert sources, "the Dockerfile copies nothing from the build context"
    needed = []
    for source in sources:
        path = project / source
        assert path.exists() or source in MADE_BY_INSTALL, f"COPY {source}: not in the project"
        needed.append(source)
        needed += [
            str(file.relative_to(project))
            for file in (path.rglob("*") if path.is_dir() else [])
            if file.is_file() and "__pycache__" not in file.parts
        ]
    left_out = [path for path in needed if excluded_from_context(dockerignore, path)]
    assert not left_out, f".dockerignore leaves out what the Dockerfile copies: {left_out}"

    package = context(group.members[0])["package_name"]
    sent = [
        path
        for path in (template.format(package=package) for template in NEVER_IN_CONTEXT)
        if not excluded_from_context(dockerignore, path)
    ]
    assert not sent, f".dockerignore lets these into the build context: {sent}"


@pytest.mark.parametrize("group", DOCKERFILE_GROUPS, ids=group_id)
def test_the_image_runs_the_installed_package_with_its_migrations(group: Group) -> None:
    """The package's migrations live in src/<package>/migrations and travel in its wheel
    (tests/test_deploy.py checks the wheel): the image has them, compiled, if the builder
    installs that wheel (not a link to src/) and the runtime takes the builder's venv."""
    built = stages(group.files["Dockerfile"])
    builder, final = built["builder"], built["final"]

    settings = dict(
        word.split("=", 1) for words in builder if words[0] == "ENV" for word in words[1:]
    )
    assert settings.get("UV_COMPILE_BYTECODE") == "1", "the builder compiles no bytecode"
    syncs = [words for words in builder if words[0] == "RUN" and "sync" in words]
    (project_sync,) = [words for words in syncs if "--no-install-project" not in words]
    assert "--no-editable" in project_sync, f"the project is installed editable: {project_sync}"
    assert ["COPY", "src", "./src"] in builder[: builder.index(project_sync)], (
        "the builder installs the project before copying src/"
    )

    # Everything the app runs comes from the builder's venv, nothing from the checkout.
    assert [words for words in final if words[0] == "COPY"] == [
        ["COPY", "--from=builder", "/app/.venv", "./.venv"]
    ]
    assert ["WORKDIR", "/app"] in final
    assert any('PATH="/app/.venv/bin:${PATH}"' in words for words in final if words[0] == "ENV")


ECS_SERVICE = TEMPLATE / "{{cookiecutter.project_slug}}" / "infra" / "modules" / "ecs_service"


def scratch_mounts() -> set[str]:
    """Container paths of the ECS task's bind mounts (volumes with a name and nothing else)."""
    text = (ECS_SERVICE / "service.tf").read_text()
    bind = set(re.findall(r'volume \{\s*name = "([^"]+)"\s*\}', text))
    mounts = re.findall(r'sourceVolume = "([^"]+)", containerPath = "([^"]+)"', text)
    return {path for name, path in mounts if name in bind}


@pytest.mark.parametrize("group", DOCKERFILE_GROUPS, ids=group_id)
def test_the_tasks_scratch_mounts_are_writable_by_the_app_user(group: Group) -> None:
    """With a read-only root filesystem, the task writes only to its bind mounts, which
    ECS creates owned by root with mode 0755 unless the image declares the path as a
    VOLUME (whose owner and mode it copies): each is a VOLUME, made the app user's first."""
    final = stages(group.files["Dockerfile"])["final"]
    mounts = scratch_mounts()
    assert "/tmp" in mounts
    for path in mounts:
        volume = ["VOLUME", f'["{path}"]']
        assert volume in final, f"{path} is mounted by the task but no VOLUME of the image"
        made = " ".join(" ".join(words) for words in final[: final.index(volume)])
        owned = rf"install --directory --owner app --group app (--mode \d+ )?{re.escape(path)}\b"
        assert re.search(owned, made), f"{path} is not the app user's before its VOLUME"


@pytest.mark.slow
@pytest.mark.parametrize("group", DOCKERFILE_GROUPS, ids=group_id)
def test_dockerfile_passes_hadolint_and_checkov(group: Group, tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(group.files["Dockerfile"])
    # The rules as shipped: no user or project hadolint config, no HADOLINT_* settings.
    env = {name: value for name, value in os.environ.items() if not name.startswith("HADOLINT_")}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))
    run([linter("hadolint"), "--no-color", "Dockerfile"], cwd=tmp_path, env=env)

    # checkov imports ~4,000 modules: cached bytecode brings a run from ~10 s to ~4 s.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    result = subprocess.run(
        [
            linter("checkov"),
            *("--file", "Dockerfile", "--framework", "dockerfile", "--output", "json"),
            "--skip-download",  # the public checks only, offline
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"checkov gave no report:\n{result.stdout}\n{result.stderr}") from None
    failed = [
        f"{check['check_id']} {check['check_name']} (line {check['file_line_range'][0]})"
        for check in report["results"]["failed_checks"]
    ]
    assert not failed, "checkov failed:\n" + "\n".join(failed)
    assert report["summary"]["parsing_errors"] == 0, result.stdout
    assert report["summary"]["passed"] > 0, result.stdout
    unexplained = [
        check["check_id"]
        for check in report["results"]["skipped_checks"]
        if check.get("suppress_comment", "No comment provided") == "No comment provided"
    ]
    assert not unexplained, f"checkov skips without an inline reason: {unexplained}"


# --- docker-compose.yml -----------------------------------------------------------------


@pytest.mark.parametrize("group", COMPOSE_GROUPS, ids=group_id)
def test_compose_parses_and_is_wired_to_existing_services(
    group: Group, tmp_path: Path, cookiecutter_config: Path
) -> None:
    render_like_cookiecutter(group, tmp_path, cookiecutter_config)
    compose = yaml.safe_load(group.files["docker-compose.yml"])
    services: dict[str, dict[str, Any]] = compose["services"]
    volumes = set(compose.get("volumes") or {})

    for name, service in services.items():
        assert "image" in service or "build" in service, f"{name}: neither image nor build"
        # depends_on is a list of names or a mapping of name -> condition.
        missing = set(service.get("depends_on") or []) - set(services)
        assert not missing, f"{name} depends on services that do not exist: {missing}"
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            assert source.startswith((".", "/")) or source in volumes, (
                f"{name}: volume {source!r} is not declared"
            )

    completed = {"condition": "service_completed_successfully"}
    # The data store, and the one-off service that prepares it before the app starts.
    dynamodb = group.answers["database"] == "dynamodb"
    store, prepare = ("dynamodb", "tables") if dynamodb else ("db", "migrate")
    # The project's own emulator, from the Dockerfile's stage of that name, healthy only
    # once it holds the app's resources.
    emulator_stage = {"context": ".", "target": "emulator"}
    assert services["aws"]["build"] == emulator_stage
    assert "FROM builder AS emulator" in group.files["Dockerfile"]
    if dynamodb:
        assert services["dynamodb"]["image"].startswith("amazon/dynamodb-local:")
        assert any(m.startswith("dynamodb-data:") for m in services["dynamodb"]["volumes"])
        # The tables come from project.json, with the emulator's image (emulator/ is in it).
        assert services["tables"]["build"] == emulator_stage
        assert services["tables"]["command"] == ["python", "-m", "emulator.tables"]
        assert services["tables"]["depends_on"] == ["dynamodb"]
    else:
        assert services["db"]["image"] == "postgres:15"
        assert "healthcheck" in services["db"]
        assert services["migrate"]["depends_on"]["db"] == {"condition": "service_healthy"}
    assert services["app"]["depends_on"][prepare] == completed
    assert any(str(port).endswith(":8000") for port in services["app"]["ports"])

    # The app's image is the Dockerfile's default (last) stage.
    app_image = {name: service for name, service in services.items() if service.get("build") == "."}
    # The file is the same for every member: it must be right for each one's answers.
    for answers in group.members:
        values = context(answers)
        jobs = values["use_background_jobs"] == "y"
        uploads = values["use_s3_uploads"] == "y"
        expected = {store, "aws", prepare, "app"}
        expected |= {"worker"} if jobs else set()
        assert set(services) == expected, f"services with {answers}"
        own_builds = {"aws", "tables"} if dynamodb else {"aws"}
        assert set(app_image) == expected - {store, *own_builds}, f"app image with {answers}"
        healthy = {"condition": "service_healthy"}
        assert services["app"]["depends_on"]["aws"] == healthy
        if jobs:
            assert services["worker"]["depends_on"][prepare] == completed
            assert services["worker"]["depends_on"]["aws"] == healthy
        for name, service in (
            app_image | ({"tables": services["tables"]} if dynamodb else {})
        ).items():
            env = service["environment"]
            if dynamodb:
                endpoint = urlsplit(env["AWS_ENDPOINT_URL_DYNAMODB"])
                assert (endpoint.hostname, endpoint.port) == ("dynamodb", 8000), name
                assert "DATABASE_URL" not in env, name
            else:
                db = services["db"]["environment"]
                database = urlsplit(env["DATABASE_URL"])
                assert (database.hostname, database.port) == ("db", 5432), name
                assert (database.username, database.password, database.path) == (
                    db["POSTGRES_USER"],
                    db["POSTGRES_PASSWORD"],
                    f"/{db['POSTGRES_DB']}",
                ), f"{name}: DATABASE_URL does not match the db service"
            endpoint = urlsplit(env["AWS_ENDPOINT_URL"])
            assert (endpoint.hostname, endpoint.port) == ("aws", 5000), name
            assert env["ENVIRONMENT"] == "local", name
            assert env["AWS_REGION"] == values["aws_region"], name
            assert env["AWS_ACCESS_KEY_ID"], name
            assert env["AWS_SECRET_ACCESS_KEY"], name
            assert ("UPLOADS_BUCKET" in env) == uploads, name
            assert ("JOBS_QUEUE_URL" in env) == jobs, name
            if jobs:
                assert env["JOBS_BACKEND"] == "sqs", name
                assert env["JOBS_QUEUE_URL"] == (
                    f"http://aws:5000/123456789012/{values['project_slug']}-jobs-local"
                ), name
            if uploads:
                assert env["UPLOADS_BUCKET"] == f"{values['project_slug']}-uploads-local", name

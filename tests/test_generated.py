"""The generated projects' own test suites, run for real on SQLite and Postgres.

Runs the combinations of SLOW_SUBSET, which between them use every option value.
TEST_DATABASE_URL (a Postgres server the tests may create databases on) is passed to
the generated suites; with REQUIRE_POSTGRES=1 they fail rather than run on SQLite only.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.combinations import SLOW_SUBSET, Answers, combination_id
from tests.support import project_env, render, run

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("answers", SLOW_SUBSET, ids=combination_id)
def test_generated_suite_passes(
    answers: Answers, tmp_path: Path, cookiecutter_config: Path
) -> None:
    project = render(answers, tmp_path, cookiecutter_config)
    env = project_env(answers["python_version"])
    result = run(["make", "test"], cwd=project, env=env)
    summaries = re.findall(r"^=* ?(\d+ passed.*?) in [\d.]+s", result.stdout, re.MULTILINE)
    assert summaries, result.stdout[-3000:]
    summary = summaries[-1]
    assert not re.search(r"failed|error", summary), summary
    if os.environ.get("TEST_DATABASE_URL"):
        # With Postgres available nothing may be skipped: every test ran on both backends.
        assert "skipped" not in summary, summary
        assert "database backends: sqlite, postgresql" in result.stdout
    print(f"{combination_id(answers)}: {summary}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def call(
    method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_served_app_works_end_to_end(tmp_path: Path, cookiecutter_config: Path) -> None:
    """What `make run` gives a new user, with no AWS account and no Docker: migrate,
    serve, register, log in, create an item, sign an upload to the in-process emulator."""
    answers = SLOW_SUBSET[0]
    project = render(answers, tmp_path, cookiecutter_config)
    env = {**project_env(answers["python_version"]), "ENVIRONMENT": "local"}
    env.pop("AWS_ENDPOINT_URL", None)
    port = free_port()
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # make, uv, the reloader and the server: stopped together
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # uv sync and the migrations first
        while True:
            try:
                if call("GET", f"{base}/health")[0] == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert call("GET", f"{base}/health/db") == (200, {"status": "ok", "database": "sqlite"})
        credentials = {"email": "demo@example.com", "password": "correct horse battery"}
        status, user = call(
            "POST",
            f"{base}/api/v1/auth/register",
            json.dumps(credentials).encode(),
            {"Content-Type": "application/json"},
        )
        assert status == 201, user
        form = urllib.parse.urlencode(
            {"username": credentials["email"], "password": credentials["password"]}
        )
        status, token = call(
            "POST",
            f"{base}/api/v1/auth/login",
            form.encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 200, token
        auth = {
            "Authorization": f"Bearer {token['access_token']}",
            "Content-Type": "application/json",
        }
        status, item = call("POST", f"{base}/api/v1/items", b'{"title": "first"}', auth)
        assert status == 201, item
        status, page = call("GET", f"{base}/api/v1/items", headers=auth)
        assert (status, len(page["items"]), page["items"][0]["title"]) == (200, 1, "first")
        status, docs = call("GET", f"{base}/openapi.json")
        assert status == 200
        assert "/api/v1/items" in docs["paths"]
        upload = {"filename": "notes.txt", "content_type": "text/plain", "size": 5}
        status, signed = call("POST", f"{base}/api/v1/uploads", json.dumps(upload).encode(), auth)
        assert status == 201, signed
        assert signed["url"].startswith("http://127.0.0.1:"), signed  # the in-process emulator
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode()
    assert "the AWS emulator runs in this process" in output, output

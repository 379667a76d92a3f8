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
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.combinations import SLOW_SUBSET, TEMPLATE, Answers, combination_id
from tests.support import project_env, record, render, run

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
        if answers["database"] != "dynamodb":
            assert "database backends: sqlite, postgresql" in result.stdout
    print(f"{combination_id(answers)}: {summary}")


# One project per data layer, with every feature: their APIs must be the same, and the
# SQL one's database must move into the DynamoDB one.
SAME_API = [
    {**SLOW_SUBSET[0], "database": database, "compute": compute}
    for database, compute in (("sqlite", "ecs"), ("dynamodb", "lambda"))
]
OPENAPI = (
    "import json, acme_orders_api.main as m; print(json.dumps(m.app.openapi(), sort_keys=True))"
)
# Run in the SQL project: its migrations make the database, its API fills it.
FILL_SQL = """
from fastapi.testclient import TestClient
from acme_orders_api.main import create_app

with TestClient(create_app()) as client:
    for email in ("ana@example.com", "bob@example.com"):
        body = {"email": email, "password": "correct horse battery staple"}
        assert client.post("/api/v1/auth/register", json=body).status_code == 201
        login = {"username": email, "password": body["password"]}
        token = client.post("/api/v1/auth/login", data=login).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for title in ("one", "two ✓"):
            item = {"title": f"{email} {title}", "description": "ünïcödé"}
            assert client.post("/api/v1/items", json=item, headers=headers).status_code == 201
        upload = {"filename": "a.txt", "content_type": "text/plain", "size": 3}
        assert client.post("/api/v1/uploads", json=upload, headers=headers).status_code == 201
"""
# Run in the DynamoDB project: copy_db into fresh tables on its emulator, then its API
# serves Ana her own items and uploads, signed in with her old password.
COPY_INTO_DYNAMODB = """
import json, os, sys
from fastapi.testclient import TestClient
from acme_orders_api.copy_db.cli import main as copy_db
from acme_orders_api.core.config import get_settings
from acme_orders_api.main import create_app
from emulator import server
from scripts.scratch import fresh_tables, make_settings

with server.in_thread() as url, fresh_tables(url) as prefix:
    os.environ.update(DYNAMODB_TABLE_PREFIX=prefix, AWS_ENDPOINT_URL=url, AWS_REGION="us-east-1")
    get_settings.cache_clear()  # main's module-level app read them at import
    assert copy_db(["--source", sys.argv[1]]) == 0
    settings = make_settings(prefix, aws_endpoint_url=url, uploads_bucket="uploads")
    with TestClient(create_app(settings)) as client:
        login = {"username": "ana@example.com", "password": "correct horse battery staple"}
        token = client.post("/api/v1/auth/login", data=login).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        items = client.get("/api/v1/items", headers=headers).json()["items"]
        uploads = client.get("/api/v1/uploads", headers=headers).json()["items"]
        print(json.dumps({"items": [item["title"] for item in items], "uploads": len(uploads)}))
"""


def test_one_api_on_every_data_layer_and_a_sql_database_moves_into_dynamodb(
    tmp_path: Path, cookiecutter_config: Path
) -> None:
    """A client generated from one backend's /openapi.json works against the other's,
    and `copy_db` carries a database the SQL project's migrations made into DynamoDB."""
    projects, schemas = [], []
    for answers in SAME_API:
        project = render(answers, tmp_path / answers["database"], cookiecutter_config)
        env = {**project_env(answers["python_version"]), "ENVIRONMENT": "local"}
        run([env["UV"], "sync", "--quiet"], cwd=project, env=env)
        python = str(project / ".venv" / "bin" / "python")
        schemas.append(json.loads(run([python, "-c", OPENAPI], project, env).stdout))
        projects.append((project, python, env))
    sql, dynamodb = schemas
    assert "/api/v1/items" in sql["paths"]
    assert dynamodb == sql
    # The README's client generator takes the document as it is, with no warning.
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(sql))
    generator = [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(document)]
    generated = run(generator, tmp_path, os.environ)
    assert "Warning" not in generated.stdout + generated.stderr, generated.stdout
    client = tmp_path / "acme-orders-api-client" / "acme_orders_api_client"
    assert (client / "api" / "items" / "list_items_api_v1_items_get.py").is_file()
    run([sys.executable, "-m", "compileall", "-q", str(client)], tmp_path, os.environ)

    (sql_project, sql_python, env), (dynamodb_project, dynamodb_python, _) = projects
    database = f"sqlite:///{tmp_path / 'app.db'}"
    sql_env = {
        **env,
        "DATABASE_URL": database,
        "UPLOADS_BUCKET": "uploads",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
    }
    run([sql_python, "-m", "acme_orders_api.migrate"], sql_project, sql_env)
    run([sql_python, "-c", FILL_SQL], sql_project, sql_env)
    dynamodb_env = {**env, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
    copy = [dynamodb_python, "-c", COPY_INTO_DYNAMODB, database]
    copied = run(copy, dynamodb_project, dynamodb_env)
    assert "Copied and verified." in copied.stdout
    # The app logs JSON lines to stdout too: the script's own line is the one it printed.
    (line,) = [line for line in copied.stdout.splitlines() if line.startswith('{"items"')]
    served = json.loads(line)
    assert served == {"items": ["ana@example.com one", "ana@example.com two ✓"], "uploads": 1}


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


def test_make_demo_serves_the_page_and_the_api() -> None:
    """What `make demo` gives a new user of the template, with no AWS account and no
    Docker: the default project with the page, rendered into build/demo, installed,
    migrated and served: the page, register, log in, create an item, sign an upload to
    the in-process emulator."""
    env = dict(os.environ)
    env.pop("AWS_ENDPOINT_URL", None)
    port = free_port()
    command = ["make", "demo", f"PORT={port}"]
    record(command)
    server = subprocess.Popen(
        command,
        cwd=TEMPLATE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # make, uv, the reloader and the server: stopped together
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # the render, uv sync and the migrations first
        while True:
            try:
                if call("GET", f"{base}/health")[0] == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        with urllib.request.urlopen(f"{base}/", timeout=10) as index:
            assert b"<title>Acme Orders API</title>" in index.read()
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

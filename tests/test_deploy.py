"""The generated deploy path: `make package` builds a Lambda zip that really runs on the
runtime's Python (built for x86_64, the CPU of the machine running the tests), from
nothing but the zip, with its bytecode and the AWS models of the services the app calls
(no others), and carries aarch64 code for the default arm64 functions."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import uuid
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

import boto3
import pytest
import snapshot_restore_py
from moto.server import ThreadedMotoServer

from tests.combinations import SLOW_SUBSET, Answers, combination_id
from tests.support import (
    RDS_BUNDLE_NAME,
    STAND_IN_RDS_BUNDLE,
    alembic_head,
    find_python,
    project_env,
    render,
    run,
    seed_rds_bundle,
)

pytestmark = pytest.mark.slow

LAMBDA_SUBSET = [answers for answers in SLOW_SUBSET if answers["compute"] == "lambda"]
ELF_MACHINE = {b"\xb7\x00": "aarch64", b"\x3e\x00": "x86_64"}
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
# The zip's budget, well under Lambda's 50 MB for a zip uploaded directly: the image's
# server (uvicorn), the models of AWS services the app never calls and the extensions'
# debug information stay out of it.
MAX_ZIPPED = 20 * 1000 * 1000

# What the Lambda runtime does with the zip, run by the runtime's Python with -I -S:
# only the unpacked zip on sys.path, then the handlers invoked with real event shapes.
DRIVER = '''
import asyncio
import importlib
import importlib._bootstrap_external as bootstrap
import json
import os
import sys
import urllib.parse
import uuid

task, package, events, database, output = sys.argv[1:]
sys.path.insert(0, task)
# What the runtime itself provides (SnapStart's hook library), after the task.
if runtime := os.environ.pop("RUNTIME_LIBRARIES", ""):
    sys.path.append(runtime)
# As on Lambda, whose /var/task is read-only: nothing compiled here is kept for a next run.
sys.dont_write_bytecode = True

# The modules compiled from source: with the zip's bytecode used, none of its own.
compiled = []
source_to_code = bootstrap.SourceLoader.source_to_code


def recording_source_to_code(self, data, path, *args, **kwargs):
    compiled.append(str(path))
    return source_to_code(self, data, path, *args, **kwargs)


bootstrap.SourceLoader.source_to_code = recording_source_to_code


def on_server(statement):
    import asyncpg  # the zip's own Postgres driver

    async def execute():
        connection = await asyncpg.connect(database)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(execute())


def table_names():
    from sqlalchemy import inspect

    config = importlib.import_module(f"{package}.core.config")
    db = importlib.import_module(f"{package}.core.db")

    async def read():
        engine = db.build_engine(config.get_settings(), pooled=False)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        finally:
            await engine.dispose()

    return sorted(asyncio.run(read()))


def http(handler, method, path, body=None, headers=None):
    """An API Gateway HTTP API (payload 2.0) request to the handler: (status, JSON body)."""
    with open(os.path.join(events, "http_api_v2.json")) as file:
        event = json.load(file)
    event["rawPath"] = path
    event["requestContext"]["http"].update(method=method, path=path)
    event["headers"].update(headers or {})
    if body is not None:
        event["body"] = body
    response = handler(event, None)
    return response["statusCode"], json.loads(response["body"])


def packaged_authorities():
    """The RDS bundle as the app finds it in the task: where, and how many authorities."""
    config = importlib.import_module(f"{package}.core.config")
    stats = config.trusted_authorities("").cert_store_stats()
    return os.path.relpath(config.RDS_CA_BUNDLE, task), stats["x509_ca"]


def aws_clients():
    """The app's clients of the services it lists, built from the task's botocore: each
    model's API version, whether an RDS token signs, and what another service gets."""
    import botocore.exceptions
    import botocore.session

    aws = importlib.import_module(f"{package}.core.aws")
    settings = importlib.import_module(f"{package}.core.config").get_settings()
    models = {
        service: aws._client(service, settings.aws_region, "").meta.service_model.api_version
        for service in sorted(aws.SERVICES)
    }
    token = ""
    if hasattr(aws, "database_auth_token"):
        token = aws.database_auth_token(settings, "db.example.com", 5432, "app")
    try:
        botocore.session.get_session().create_client("ec2", region_name=settings.aws_region)
        unlisted = "built"
    except botocore.exceptions.UnknownServiceError as error:
        unlisted = type(error).__name__
    return {
        "models": models,
        "rds_token_signed": token.startswith("db.example.com:5432/?Action=connect"),
        "unlisted": unlisted,
    }


def snapshot_and_restore():
    """In an init that ends in a snapshot: the hooks, run as the runtime runs them (before
    the snapshot last registered first, after the restore first registered first)."""
    import snapshot_restore_py as hooks

    before, after = hooks.get_before_snapshot(), hooks.get_after_restore()
    for hook, args, kwargs in reversed(before):
        hook(*args, **kwargs)
    for hook, args, kwargs in after:
        hook(*args, **kwargs)
    return [len(before), len(after)]


def run():
    handlers = importlib.import_module(f"{package}.lambda_handler")
    snap_start = os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start"
    report = {
        "snapstart_hooks": snapshot_and_restore() if snap_start else None,
        "aws": aws_clients(),
    }
    if database != "dynamodb":
        report.update(
            packaged_authorities=packaged_authorities(),
            migrated=handlers.migrate({}, None),
            tables=table_names(),
            model_tables=sorted(importlib.import_module(f"{package}.models").Base.metadata.tables),
            bookkeeping_tables=sorted(
                importlib.import_module(f"{package}.migrate").BOOKKEEPING_TABLES
            ),
        )
    report["health_db"] = http(handlers.handler, "GET", "/health/db")
    credentials = {"email": "lambda@example.com", "password": "correct horse battery staple"}
    json_body = {"content-type": "application/json"}
    report["register"] = http(
        handlers.handler, "POST", "/api/v1/auth/register", json.dumps(credentials), json_body
    )
    form = urllib.parse.urlencode(
        {"username": credentials["email"], "password": credentials["password"]}
    )
    form_body = {"content-type": "application/x-www-form-urlencoded"}
    report["login"] = http(handlers.handler, "POST", "/api/v1/auth/login", form, form_body)
    bearer = {"authorization": f"Bearer {report['login'][1].get('access_token')}"}

    def me():
        return http(handlers.handler, "GET", "/api/v1/users/me", headers=bearer)

    report["me"] = me()
    if hasattr(handlers, "worker"):
        # What SQS would deliver to the worker: the messages the login sent, in the shape of
        # an SQS event record.
        import boto3

        with open(os.path.join(events, "sqs.json")) as file:
            (record,) = json.load(file)["Records"]
        sqs = boto3.client("sqs", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
        queue = os.environ["JOBS_QUEUE_URL"]
        sent = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        records = [
            {**record, "messageId": message["MessageId"], "body": message["Body"]}
            for message in sent
        ]
        report["enqueued"] = [json.loads(message["Body"])["job"] for message in sent]
        report["worker"] = handlers.worker({"Records": records}, None)
        rejected = {**record, "messageId": "rejected", "body": "not json"}
        report["worker_with_a_rejected"] = handlers.worker({"Records": [*records, rejected]}, None)
        report["me_after_worker"] = me()
    return report


name = None
if database.startswith("postgresql"):
    name = f"lambda_{uuid.uuid4().hex[:16]}"
    on_server(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urllib.parse.urlsplit(database)._replace(path=f"/{name}").geturl()
elif database != "dynamodb":  # DynamoDB's tables are named by the environment
    os.environ["DATABASE_URL"] = database
try:
    report = run()
finally:
    if name:
        on_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
report["compiled_in_task"] = [path for path in compiled if path.startswith(task)]
with open(output, "w") as file:
    json.dump(report, file)
'''


def machines(package: Path) -> set[str]:
    """The CPU of every compiled extension in the zip (from the ELF header)."""
    with zipfile.ZipFile(package) as archive:
        return {
            ELF_MACHINE.get(archive.read(name)[18:20], "other")
            for name in archive.namelist()
            if name.endswith(".so")
        }


def aws_models(package: Path) -> dict[str, set[str]]:
    """The services whose models the zip's botocore and boto3 carry."""
    with zipfile.ZipFile(package) as archive:
        parts = [PurePosixPath(name).parts for name in archive.namelist()]
    return {
        library: {path[2] for path in parts if path[:2] == (library, "data") and len(path) > 3}
        for library in ("botocore", "boto3")
    }


def check_bytecode(package: Path, tag: str) -> None:
    """Every module of the zip has bytecode for the runtime and no other Python's, hash-based
    and unchecked (PEP 552 flags 0b01), so the read-only /var/task needs no compiling."""
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        modules = [name for name in names if name.endswith(".py")]
        assert modules
        missing = [
            name
            for name in map(PurePosixPath, modules)
            if str(name.parent / "__pycache__" / f"{name.stem}.{tag}.pyc") not in names
        ]
        assert not missing, f"{len(missing)} modules without {tag} bytecode: {missing[:10]}"
        bytecode = [name for name in names if name.endswith(".pyc")]
        assert len(bytecode) == len(modules), "bytecode of another Python or optimisation level"
        flags = {int.from_bytes(archive.read(name)[4:8], "little") for name in bytecode}
        assert flags == {0b01}, f"bytecode flags {flags}: not all unchecked-hash"


def check_wheel(project: Path, package_name: str, answers: Answers) -> None:
    """The project's wheel (the one `make package` built, as `uv sync --no-editable` builds
    it for the image) carries the migrations and the RDS certificate bundle as package
    data; a DynamoDB project's carries neither."""
    (wheel,) = (project / "build" / "lambda" / "wheel").glob("*.whl")
    if answers["database"] == "dynamodb":
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()
        assert f"{package_name}/copy_db/__main__.py" in names, "the wheel lacks the copy tool"
        sql = [name for name in names if "/migrations/" in name or name.endswith(".pem")]
        assert sql == [], f"SQL files in a DynamoDB project's wheel: {sql}"
        return
    migrations = project / "src" / package_name / "migrations"
    expected = {
        f"{package_name}/migrations/{path.relative_to(migrations).as_posix()}"
        for path in migrations.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert {
        f"{package_name}/migrations/env.py",
        f"{package_name}/migrations/script.py.mako",
        f"{package_name}/migrations/versions/20260101_0001_initial.py",
    } <= expected
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        shipped = {name for name in names if name.startswith(f"{package_name}/migrations/")}
        bundle = archive.read(f"{package_name}/{RDS_BUNDLE_NAME}").decode()
    assert shipped == expected, f"the wheel's migrations differ: {shipped ^ expected}"
    assert f"{package_name}/copy_db/__main__.py" in names, "the wheel lacks the copy tool"
    assert bundle == STAND_IN_RDS_BUNDLE, "the wheel lacks the RDS certificate bundle"


@contextmanager
def aws_resources(answers: Answers, project: Path) -> Iterator[dict[str, str]]:
    """The settings of what the app keeps on a moto server: an SQS queue when it has jobs
    (on Lambda they go through SQS, never inline), project.json's tables on DynamoDB."""
    dynamodb = answers["database"] == "dynamodb"
    if answers["use_background_jobs"] != "y" and not dynamodb:
        yield {}
        return
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        aws = {
            "AWS_ENDPOINT_URL": f"http://{host}:{port}",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
        client = {
            "endpoint_url": aws["AWS_ENDPOINT_URL"],
            "region_name": aws["AWS_REGION"],
            "aws_access_key_id": aws["AWS_ACCESS_KEY_ID"],
            "aws_secret_access_key": aws["AWS_SECRET_ACCESS_KEY"],
        }
        if answers["use_background_jobs"] == "y":
            sqs = boto3.client("sqs", **client)
            queue = sqs.create_queue(QueueName=f"jobs-{uuid.uuid4().hex[:12]}")["QueueUrl"]
            aws["JOBS_QUEUE_URL"] = queue
        if dynamodb:
            aws["DYNAMODB_TABLE_PREFIX"] = create_tables(
                boto3.client("dynamodb", **client), project
            )
        if answers["use_s3_uploads"] == "y":
            aws["UPLOADS_BUCKET"] = "uploads"
        yield aws
    finally:
        server.stop()


def create_tables(client: Any, project: Path) -> str:
    """project.json's tables, made by the project's own emulator/tables.py (as Terraform
    makes them), under a prefix of their own."""
    spec = importlib.util.spec_from_file_location(
        f"tables_{uuid.uuid4().hex}", project / "emulator" / "tables.py"
    )
    assert spec is not None
    assert spec.loader is not None
    tables = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tables)
    prefix = f"lambda-{uuid.uuid4().hex[:8]}-"
    tables.create_tables(client, prefix)
    return prefix


def run_on_lambda_runtime(
    answers: Answers,
    project: Path,
    task: Path,
    database: str,
    workdir: Path,
    *,
    snap_start: bool = False,
) -> dict:
    """The driver's report of the handlers run from `task` on `database`; with `snap_start`,
    from an init that ends in a snapshot, and the flows run in the restored copy."""
    cwd = workdir / "cwd"
    cwd.mkdir(parents=True)
    runtime = workdir / "runtime"
    runtime.mkdir()
    shutil.copy(snapshot_restore_py.__file__, runtime)
    driver = workdir / "driver.py"
    driver.write_text(DRIVER)
    env = {
        "PATH": "/usr/bin:/bin",
        # What RDS tokens sign with: "the access keys obtained from the function's execution
        # role" (Lambda Developer Guide, "Defined runtime environment variables").
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "ENVIRONMENT": "dev",
        "JWT_SECRET": "a-secret-for-the-lambda-package-test-only",
        "MAIL_BACKEND": "none",  # as Terraform sets it for an environment without a sender
        "DB_SSL": "disable",
        # What the runtime sets: the app sizes its database pool for Lambda.
        "AWS_LAMBDA_FUNCTION_NAME": f"{project.name}-api",
        "LAMBDA_TASK_ROOT": str(task),
        "RUNTIME_LIBRARIES": str(runtime),
        **({"AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start"} if snap_start else {}),
    }
    package = project.name.replace("-", "_")
    output = workdir / "report.json"
    with aws_resources(answers, project) as queue:
        run(
            [
                *(find_python(answers["python_version"]), "-I", "-S", str(driver)),
                *(str(task), package, str(project / "tests" / "events"), database, str(output)),
            ],
            cwd=cwd,
            env={**env, **queue},
        )
    assert not any(cwd.iterdir()), "the handlers wrote into the working directory"
    report: dict = json.loads(output.read_text())
    return report


def check_report(
    report: dict, answers: Answers, head: str, dialect: str, *, snap_start: bool
) -> None:
    assert report["compiled_in_task"] == [], "modules of the zip compiled from source"
    # One hook each side of the snapshot (snapstart.py), and none without SnapStart.
    assert report["snapstart_hooks"] == ([1, 1] if snap_start else None)
    assert all(report["aws"]["models"].values()), report["aws"]
    assert report["aws"]["unlisted"] == "UnknownServiceError", "models the app never uses"
    if dialect != "dynamodb":
        assert report["aws"]["rds_token_signed"]
        assert report["migrated"] == {"status": "ok", "revision": head}
        # The models' tables, and Alembic's version and lineage.
        assert set(report["tables"]) == {*report["model_tables"], *report["bookkeeping_tables"]}
        assert "alembic_version" in report["bookkeeping_tables"]

    assert report["health_db"][0] == 200, report["health_db"]
    assert dialect in json.dumps(report["health_db"][1])
    status, user = report["register"]
    assert status == 201, user
    assert report["login"][0] == 200, report["login"]
    status, me = report["me"]
    assert status == 200, me
    assert (me["id"], me["email"]) == (user["id"], user["email"])

    if answers["use_background_jobs"] == "y":
        # The login's job went to SQS; only the worker records it.
        assert report["enqueued"] == ["record_login"]
        assert me["last_login_at"] is None
        assert report["worker"] == {"batchItemFailures": []}
        assert report["worker_with_a_rejected"] == {
            "batchItemFailures": [{"itemIdentifier": "rejected"}]
        }
        status, after = report["me_after_worker"]
        assert status == 200
        assert after["last_login_at"] is not None, after
    else:
        assert "worker" not in report


@pytest.mark.parametrize("answers", LAMBDA_SUBSET, ids=combination_id)
def test_lambda_package_runs_on_the_runtime_python(
    answers: Answers, tmp_path: Path, cookiecutter_config: Path
) -> None:
    if not POSTGRES_URL and os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
    project = render(answers, tmp_path / "render", cookiecutter_config)
    dynamodb = answers["database"] == "dynamodb"
    if not dynamodb:
        seed_rds_bundle(project)
    env = project_env(answers["python_version"])
    package = project / "dist" / "lambda.zip"
    package_name = project.name.replace("-", "_")

    built = run(["make", "package"], cwd=project, env=env).stdout
    assert re.search(r"dist/lambda\.zip: [\d.]+ MB zipped, [\d.]+ MB unzipped \(arm64", built)
    assert machines(package) == {"aarch64"}
    assert package.stat().st_size < MAX_ZIPPED
    arm64 = package.read_bytes()
    run(["make", "package"], cwd=project, env=env)
    assert package.read_bytes() == arm64, "the same lock and code must give the same zip"

    run(["make", "package", "ARCH=x86_64"], cwd=project, env=env)
    assert machines(package) == {"x86_64"}
    assert package.stat().st_size < MAX_ZIPPED
    check_bytecode(package, f"cpython-{answers['python_version'].replace('.', '')}")
    check_wheel(project, package_name, answers)

    task = tmp_path / "task"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(task)
    if dynamodb:
        head = ""
        databases = [("dynamodb", "dynamodb")]
        # Only what the app uses: no SQL library is in the function.
        sql = {"sqlalchemy", "alembic", "asyncpg", "aiosqlite", "psycopg"}
        assert not {path.name for path in task.iterdir()} & sql
    else:
        head = alembic_head(project / "src" / package_name / "migrations" / "versions")
        databases = [("sqlite", f"sqlite:///{tmp_path / 'lambda.db'}")]
        if POSTGRES_URL:
            databases.append(("postgresql", POSTGRES_URL))
        else:
            warnings.warn(
                "TEST_DATABASE_URL unset: the Lambda package ran on SQLite only", stacklevel=1
            )
    models = aws_models(package)
    # The runtime's hook library is the runtime's: a copy in the zip would shadow it.
    assert not list(task.glob("snapshot_restore_py*"))
    # The operator's copy tool is in the wheel (an ECS task of the image runs it), not in
    # a function's zip.
    assert not (task / package_name / "copy_db").exists()
    for dialect, database in databases:
        # On Postgres, as SnapStart runs it (Python 3.12 and later): the app's init ends in
        # a snapshot, and every flow runs in the restored copy.
        snap_start = dialect != "sqlite" and answers["python_version"] != "3.11"
        report = run_on_lambda_runtime(
            answers, project, task, database, tmp_path / dialect, snap_start=snap_start
        )
        check_report(report, answers, head, dialect, snap_start=snap_start)
        # The models of the services the app lists (its clients were built from them), no others.
        assert models["botocore"] == set(report["aws"]["models"])
        assert models["boto3"] <= models["botocore"]
        if not dynamodb:
            # The app in the task finds the bundle it verifies RDS with.
            assert report["packaged_authorities"] == [f"{package_name}/{RDS_BUNDLE_NAME}", 1]

"""copy_db: a SQL database of the SQL variant's schema copied into the emulator's tables,
then served by the app to the same users.

The source is SQLite, and Postgres too when TEST_DATABASE_URL is set (REQUIRE_POSTGRES=1
makes its absence an error). Its tables are built from the same records the copy reads;
the template's own tests copy a database the SQL variant's migrations made.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Column, MetaData, String, Table, create_engine, insert, text
from sqlalchemy.engine import URL, make_url

from {{ cookiecutter.package_name }}.copy_db import SOURCE_REVISION, copy
from {{ cookiecutter.package_name }}.copy_db.checks import SOURCES, TARGETS
from {{ cookiecutter.package_name }}.copy_db.checksum import Checksum
from {{ cookiecutter.package_name }}.copy_db.cli import main as copy_db
from {{ cookiecutter.package_name }}.copy_db.source import REVISION_TABLE, source_table
from {{ cookiecutter.package_name }}.copy_db.target import Target
from {{ cookiecutter.package_name }}.core.config import Settings, get_settings
from {{ cookiecutter.package_name }}.core.db import Record
from {{ cookiecutter.package_name }}.core.security import hash_password
from {{ cookiecutter.package_name }}.items.models import Item
from {{ cookiecutter.package_name }}.main import create_app
{%- if cookiecutter.use_s3_uploads == "y" %}
from {{ cookiecutter.package_name }}.uploads.models import Upload
from {{ cookiecutter.package_name }}.uploads.status import UploadStatus
{%- endif %}
from {{ cookiecutter.package_name }}.users.models import User
from emulator.tables import definitions
from tests.helpers import PASSWORD{% if cookiecutter.use_s3_uploads == "y" %}, UPLOADS{% endif %}, assert_error

ITEMS = "/api/v1/items"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
CREATED = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


@dataclass
class Sample:
    """Two users, one inactive, with items (one without a description, one in several
    scripts){% if cookiecutter.use_s3_uploads == "y" %} and uploads (pending and uploaded){% endif %}, as SQL rows."""

    ana: User
    bob: User
    items: list[Item]
{%- if cookiecutter.use_s3_uploads == "y" %}
    uploads: list[Upload]
{%- endif %}

    def rows(self) -> dict[str, list[Record]]:
        """The rows, by SQL table."""
        return {
            "users": [self.ana, self.bob],
            "items": list(self.items),
{%- if cookiecutter.use_s3_uploads == "y" %}
            "uploads": list(self.uploads),
{%- endif %}
        }


def sample() -> Sample:
    ana = User(email="ana@example.com", password_hash=hash_password(PASSWORD), created_at=CREATED)
    bob = User(
        email="bob@example.com",
        password_hash=hash_password(PASSWORD),
        is_active=False,
        created_at=CREATED + timedelta(seconds=1),
{%- if cookiecutter.use_background_jobs == "y" %}
        last_login_at=CREATED + timedelta(days=1),
{%- endif %}
    )
    return Sample(
        ana=ana,
        bob=bob,
        items=[
            Item(owner_id=ana.id, title="Buy milk", description="2 litres, ünïcödé ✓ 日本"),
            Item(owner_id=ana.id, title="No description"),
            Item(owner_id=bob.id, title="Bob's", description='quotes " and \\ and \n'),
        ],
{%- if cookiecutter.use_s3_uploads == "y" %}
        uploads=[
            Upload(
                owner_id=ana.id,
                key=f"uploads/{ana.id}/1/notes.txt",
                filename="notes.txt",
                content_type="text/plain",
                size=10,
            ),
            Upload(
                owner_id=ana.id,
                key=f"uploads/{ana.id}/2/big.bin",
                filename="big.bin",
                content_type="application/octet-stream",
                size=2**40,
                status=UploadStatus.UPLOADED,
                completed_at=CREATED,
            ),
        ],
{%- endif %}
    )


def build_source(url: URL, rows: dict[str, list[Record]]) -> None:
    """The SQL variant's tables, at SOURCE_REVISION, holding `rows`."""
    metadata = MetaData()
    tables = {
        name: source_table(name, record, list(record.field_types())).to_metadata(metadata)
        for name, record in SOURCES.items()
    }
    versions = Table(REVISION_TABLE, metadata, Column("version_num", String(32), primary_key=True))
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            metadata.create_all(connection)
            connection.execute(insert(versions).values(version_num=SOURCE_REVISION))
            for name, records in rows.items():
                connection.execute(insert(tables[name]), [vars(record) for record in records])
    finally:
        engine.dispose()


def execute(url: URL, *statements: str, **values: Any) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement), values)
    finally:
        engine.dispose()


@contextmanager
def postgres_database() -> Iterator[URL]:
    """A new database on TEST_DATABASE_URL's server, dropped afterwards."""
    server = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    name = f"copy_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def source_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[URL]:
    """An empty source database, not yet built."""
    if request.param == "sqlite":
        path = tmp_path / "app.db"
        path.touch()
        yield URL.create("sqlite", database=str(path))
        return
    if not POSTGRES_URL:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        pytest.skip("needs a Postgres server: set TEST_DATABASE_URL")
    with postgres_database() as url:
        yield url


@pytest.fixture
def target_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The copy's settings, read from the environment as the command reads them: the
    session's tables, emptied afterwards."""
    monkeypatch.setenv("DYNAMODB_TABLE_PREFIX", settings.dynamodb_table_prefix)
    monkeypatch.setenv("AWS_ENDPOINT_URL", settings.aws_endpoint_url)
    monkeypatch.setenv("AWS_REGION", settings.aws_region)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()
    target = Target(settings)
    try:
        for name in TARGETS:
            target.delete_all(name)
    finally:
        target.close()


def run(url: URL, *args: str) -> int:
    return copy_db(["--source", url.render_as_string(hide_password=False), *args])


def stored(settings: Settings) -> dict[str, int]:
    target = Target(settings)
    try:
        return {name: target.count(name) for name in TARGETS}
    finally:
        target.close()


def log_in(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", data={"username": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def listed(client: TestClient, path: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get(f"{path}?limit=100", headers=headers)
    assert response.status_code == 200, response.text
    page: list[dict[str, Any]] = response.json()["items"]
    return page


def test_the_copy_serves_the_same_data_to_the_same_users(
    source_url: URL,
    target_env: Settings,
{%- if cookiecutter.use_s3_uploads == "y" %}
    uploads_bucket: str,
{%- endif %}
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = sample()
    build_source(source_url, data.rows())

    assert run(source_url) == 0

    out = capsys.readouterr().out
    assert "Copied and verified." in out
    assert "MISMATCH" not in out
    ana, bob = data.ana, data.bob
    settings = target_env{% if cookiecutter.use_s3_uploads == "y" %}.model_copy(update={"uploads_bucket": uploads_bucket}){% endif %}
    with TestClient(create_app(settings)) as client:
        headers = log_in(client, ana.email)
        assert client.get("/api/v1/users/me", headers=headers).json()["id"] == str(ana.id)
        items = listed(client, ITEMS, headers)
        assert [(item["id"], item["title"], item["description"]) for item in items] == [
            (str(item.id), item.title, item.description)
            for item in sorted(data.items, key=lambda item: item.id)
            if item.owner_id == ana.id
        ]
        bobs = next(item for item in data.items if item.owner_id == bob.id)
        assert_error(client.get(f"{ITEMS}/{bobs.id}", headers=headers), 404, "not_found")
{%- if cookiecutter.use_s3_uploads == "y" %}
        uploads = listed(client, UPLOADS, headers)
        assert [(upload["id"], upload["status"], upload["size"]) for upload in uploads] == [
            (str(upload.id), upload.status, upload.size)
            for upload in sorted(data.uploads, key=lambda upload: upload.id)
        ]
{%- endif %}
        # The inactive account is copied inactive: it still cannot sign in.
        refused = client.post(
            "/api/v1/auth/login", data={"username": bob.email, "password": PASSWORD}
        )
        assert refused.status_code == 401
        # E-mails are still unique: the copied one is taken.
        again = client.post(
            "/api/v1/auth/register", json={"email": ana.email, "password": PASSWORD}
        )
        assert_error(again, 409, "conflict")


@pytest.fixture
def sqlite_source(tmp_path: Path) -> URL:
    """A SQLite source holding the sample rows."""
    url = URL.create("sqlite", database=str(tmp_path / "app.db"))
    build_source(url, sample().rows())
    return url


def test_a_non_empty_target_is_refused_and_truncate_target_replaces_it(
    sqlite_source: URL, target_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(sqlite_source) == 0
    copied = stored(target_env)
    capsys.readouterr()

    assert run(sqlite_source) == 2
    err = capsys.readouterr().err
    assert "the target already holds items: users (2)" in err
    assert "--truncate-target" in err
    assert stored(target_env) == copied

    assert run(sqlite_source, "--truncate-target") == 0
    out = capsys.readouterr().out
    assert f"--truncate-target: deleting {sum(copied.values())} items" in out
    assert "Copied and verified." in out
    assert stored(target_env) == copied


def test_a_dry_run_checks_reports_and_writes_nothing(
    sqlite_source: URL, target_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(sqlite_source, "--dry-run") == 0
    out = capsys.readouterr().out
    assert f"Source revision {SOURCE_REVISION}." in out
    assert ["users", "2", "rows"] in [line.split() for line in out.splitlines()]
    assert "Dry run: nothing was written." in out
    assert set(stored(target_env).values()) == {0}


@pytest.mark.parametrize(
    ("statements", "message"),
    [
        (["DROP TABLE alembic_version"], "no migration revision"),
        (["UPDATE alembic_version SET version_num = '0002'"], "revision 0002"),
        (["INSERT INTO alembic_version VALUES ('f00d')"], "several migration heads"),
        (["ALTER TABLE items ADD COLUMN priority INTEGER"], "items has priority"),
        (["ALTER TABLE items DROP COLUMN title"], "items lacks title"),
    ],
    ids=["no-revision", "earlier-revision", "two-heads", "extra-column", "missing-column"],
)
def test_a_source_of_another_schema_is_refused(
    sqlite_source: URL,
    target_env: Settings,
    capsys: pytest.CaptureFixture[str],
    statements: list[str],
    message: str,
) -> None:
    execute(sqlite_source, *statements)
    assert run(sqlite_source) == 2
    err = capsys.readouterr().err
    assert err.startswith("Refused: ")
    assert message in err
    assert set(stored(target_env).values()) == {0}


def test_a_nullable_column_the_source_lacks_is_left_empty(
    sqlite_source: URL, target_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    execute(sqlite_source, "ALTER TABLE items DROP COLUMN description")
    assert run(sqlite_source) == 0
    out = capsys.readouterr().out
    assert "Left empty (the source lacks them): items.description" in out
    assert "Copied and verified." in out


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("not a url", "not a database URL"),
        ("mysql://db/app", "mysql is not SQLite or Postgres"),
        ("sqlite:///no/such/app.db", "no SQLite file at no/such/app.db"),
    ],
)
def test_wrong_sources_are_refused(
    target_env: Settings, capsys: pytest.CaptureFixture[str], source: str, message: str
) -> None:
    assert copy_db(["--source", source]) == 2
    assert message in capsys.readouterr().err


def test_missing_tables_are_refused(
    sqlite_source: URL,
    target_env: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DYNAMODB_TABLE_PREFIX", "nowhere-")
    get_settings.cache_clear()
    assert run(sqlite_source) == 2
    err = capsys.readouterr().err
    assert "no table nowhere-users" in err
    assert "`make migrate`" in err


def test_a_failed_table_is_reported_with_what_was_copied(
    sqlite_source: URL, target_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    # SQL stores what DynamoDB refuses: an item over 400 KB (DynamoDB Developer Guide,
    # "Service quotas"); the API never would.
    execute(sqlite_source, "UPDATE items SET description = :text", text="x" * 500_000)
    assert run(sqlite_source) == 1
    err = capsys.readouterr().err
    assert "Copying items failed: " in err
    assert "copied:      users" in err
    assert "partly copied: items" in err
    later = list(SOURCES)[list(SOURCES).index("items") + 1 :]
    assert f"not copied:  {', '.join(later) or 'none'}" in err
    assert stored(target_env)["users"] == 2


def test_verification_finds_an_item_written_wrong(
    sqlite_source: URL,
    target_env: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def wrong_title(record: Record) -> Any:
        written = stored_item(record)
        if isinstance(record, Item):
            written["title"] = {"S": f"{record.title}!"}
        return written

    stored_item = copy.item
    monkeypatch.setattr(copy, "item", wrong_title)
    assert run(sqlite_source) == 1
    out, err = capsys.readouterr()
    report = [line.split() for line in out.splitlines()[-len(TARGETS) :]]
    verdicts = {words[0]: words[3] for words in report}
    assert verdicts["items"] == "MISMATCH"
    assert verdicts["users"] == verdicts["user_emails"] == "ok"
    assert "The target differs from the source" in err


def test_unprocessed_items_are_written_again(
    target_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DynamoDB may accept part of a batch (when throttled): the rest is sent again."""
    target = Target(target_env)
    write = target.database.client.batch_write_item
    calls: list[int] = []

    def half_at_first(**request: Any) -> Any:
        ((table, requests),) = request["RequestItems"].items()
        calls.append(len(requests))
        if len(calls) > 1:
            return write(**request)
        write(RequestItems={table: requests[:1]})
        return {"UnprocessedItems": {table: requests[1:]}}

    monkeypatch.setattr(target.database.client, "batch_write_item", half_at_first)
    monkeypatch.setattr("time.sleep", lambda _seconds: None)
    users = [User(email=f"u{n}@example.com", password_hash="x") for n in range(3)]
    try:
        target.put("users", [user.to_item() for user in users])
        assert calls == [3, 2]
        assert target.count("users") == 3
    finally:
        target.close()


def test_the_copy_writes_every_table_and_reads_into_them() -> None:
    assert set(TARGETS) == set(definitions())
    assert set(SOURCES) <= set(TARGETS)


def test_checksums_ignore_order_and_see_every_row() -> None:
    users = [User(email=f"u{n}@example.com", password_hash="x") for n in range(3)]
    one, other, fewer = Checksum(), Checksum(), Checksum()
    one.add(users)
    other.add(reversed(users))
    fewer.add(users[:2])
    assert one.hexdigest() == other.hexdigest()
    assert (one.rows, fewer.rows) == (3, 2)
    assert fewer.hexdigest() != one.hexdigest()

    twice = Checksum()
    twice.add([users[0], users[0], users[1]])
    assert twice.hexdigest() != one.hexdigest()
    changed = Checksum()
    changed.add([*users[:2], User(**{**vars(users[2]), "is_active": False})])
    assert changed.hexdigest() != one.hexdigest()

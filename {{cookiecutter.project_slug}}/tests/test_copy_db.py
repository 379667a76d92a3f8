"""copy_db: a SQLite database filled through the API, copied to a fresh Postgres database.

The copies need a Postgres server (TEST_DATABASE_URL); they are skipped without one
unless REQUIRE_POSTGRES=1 makes that an error.
"""

from __future__ import annotations

import asyncio
import enum
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from {{ cookiecutter.package_name }}.copy_db.canonical import canonical
from {{ cookiecutter.package_name }}.copy_db.checksum import (
    Checksum,
    canonical_json,
    primary_key_order,
    table_checksum,
    verify,
)
from {{ cookiecutter.package_name }}.copy_db.cli import main as copy_db
from {{ cookiecutter.package_name }}.copy_db.report import TableResult, print_report
from {{ cookiecutter.package_name }}.core.config import get_settings
from {{ cookiecutter.package_name }}.core.db import build_engine
from {{ cookiecutter.package_name }}.main import create_app
from {{ cookiecutter.package_name }}.migrate import alembic_config, upgrade
from {{ cookiecutter.package_name }}.models import Base
from scripts.scratch import POSTGRES_URL, fresh_database, make_settings
from tests.helpers import (
{%- if cookiecutter.use_s3_uploads == "y" %}
    UPLOADS,
{%- endif %}
    AuthHeaders,
{%- if cookiecutter.use_s3_uploads == "y" %}
    post_file,
    sign,
{%- endif %}
    table_names,
    transaction,
)

ME = "/api/v1/users/me"
ITEMS = "/api/v1/items"
PAGES = [ME, f"{ITEMS}?limit=100"{% if cookiecutter.use_s3_uploads == "y" %}, f"{UPLOADS}?limit=100"{% endif %}]
TABLES = [table.name for table in Base.metadata.sorted_tables]

Users = dict[str, dict[str, str]]  # name -> Authorization header


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    """The source: a SQLite file at the latest migration."""
    with fresh_database("sqlite", tmp_path) as url:
        upgrade(url)
        yield url


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    """The target: an empty Postgres database (no tables), dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("needs a Postgres server: set TEST_DATABASE_URL")
    with fresh_database("postgresql", tmp_path) as url:
        yield url
{%- if cookiecutter.use_s3_uploads == "y" %}


@pytest.fixture
def app_settings(moto_url: str, uploads_bucket: str) -> dict[str, Any]:
    """What the apps on either database share, the database aside."""
    return {
        "aws_endpoint_url": moto_url,
        "uploads_bucket": uploads_bucket,
    }
{%- else %}


@pytest.fixture
def app_settings() -> dict[str, Any]:
    """What the apps on either database share, the database aside: the test defaults."""
    return {}
{%- endif %}


@pytest.fixture
def app(sqlite_url: str, app_settings: dict[str, Any]) -> FastAPI:
    """The app on the SQLite source (what `client` and `auth_headers` talk to)."""
    return create_app(make_settings(sqlite_url, **app_settings))


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def users(client: TestClient, auth_headers: AuthHeaders, sqlite_url: str) -> Users:
    """Fills the source through the API; returns each user's Authorization header."""
    alice = auth_headers("alice@example.com")
    zoe = auth_headers("zoë@example.com")
    gone = auth_headers("gone@example.com")
    for headers, title, description in [
        (alice, "Buy milk", "2 litres, ünïcödé ✓ 🥛"),
        (alice, "No description", None),
        (alice, "Deleted later", "leaves a gap in the ids"),
        (zoe, "Ζωή's item", "multi\nline\ttext"),
        (gone, "Owned by a deactivated user", None),
    ]:
        response = client.post(
            ITEMS, json={"title": title, "description": description}, headers=headers
        )
        assert response.status_code == 201, response.text
    deleted = client.get(ITEMS, headers=alice).json()["items"][2]["id"]
    assert client.delete(f"{ITEMS}/{deleted}", headers=alice).status_code == 204
{%- if cookiecutter.use_s3_uploads == "y" %}

    content = "héllo\n".encode()
    uploaded = sign(client, alice, content)
    post_file(uploaded, content)
    assert client.post(f"{UPLOADS}/{uploaded['id']}/complete", headers=alice).status_code == 200
    sign(client, zoe, b"never sent")  # stays pending: NULL completed_at
{%- endif %}

    with sqlite3.connect(sqlite_path(sqlite_url)) as source:
        # What another writer may have left: a timestamp with an offset, a false boolean.
        source.execute(
            "UPDATE items SET created_at = '2026-03-01 12:00:00.250000+02:00' WHERE title = ?",
            ("Buy milk",),
        )
        source.execute("UPDATE users SET is_active = 0 WHERE email = 'gone@example.com'")
    return {"alice": alice, "zoe": zoe, "gone": gone}


def sqlite_path(url: str) -> str:
    database = make_url(url).database
    assert database
    return database


def copy(source: str, target: str, *args: str) -> int:
    return copy_db(["--source", source, "--target", target, *args])


def seen_through_api(client: TestClient, users: Users) -> dict[str, Any]:
    """What each user gets from the API (the status alone for a refusal)."""
    seen = {}
    for name, headers in users.items():
        for path in PAGES:
            response = client.get(path, headers=headers)
            seen[f"{name} {path}"] = (
                response.json() if response.status_code == 200 else response.status_code
            )
    return seen


def execute(database_url: str, statement: str) -> None:
    async def run() -> None:
        async with transaction(database_url) as conn:
            await conn.execute(text(statement))

    asyncio.run(run())


def row_counts(database_url: str) -> dict[str, int]:
    """Rows per table of the models that the database has."""
    present = table_names(database_url)

    async def count() -> dict[str, int]:
        async with transaction(database_url) as conn:
            return {
                table.name: await conn.scalar(select(func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables
                if table.name in present
            }

    return asyncio.run(count())


def test_copy_serves_the_same_data_to_the_same_users(
    postgres_url: str,
    client: TestClient,
    users: Users,
    sqlite_url: str,
    app_settings: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = seen_through_api(client, users)
    assert before["gone /api/v1/users/me"] == 401
    milk = before[f"alice {ITEMS}?limit=100"]["items"][0]
    assert milk["created_at"] == "2026-03-01T10:00:00.250000Z"
    assert milk["description"] == "2 litres, ünïcödé ✓ 🥛"

    assert copy(sqlite_url, postgres_url) == 0

    out, err = capsys.readouterr()
    assert "Copied and verified." in out
    for name, rows in row_counts(sqlite_url).items():
        assert any(
            line.split()[:3] == [name, str(rows), str(rows)] and " ok " in line
            for line in out.splitlines()
        ), out
    password = make_url(postgres_url).password
    assert password
    assert f":{password}@" not in out + err
    assert "***" in out
    assert "users: 3/3 rows" in err

    target_app = create_app(make_settings(postgres_url, **app_settings))
    with TestClient(target_app) as target:
        # The tokens issued by the SQLite app still name the same users.
        assert seen_through_api(target, users) == before

        newcomer = target.post(
            "/api/v1/auth/register", json={"email": "new@example.com", "password": "x" * 12}
        )
        assert newcomer.status_code == 201, newcomer.text
        assert newcomer.json()["id"] > max(
            before[f"{name} {ME}"]["id"] for name in ("alice", "zoe")
        )
        item = target.post(ITEMS, json={"title": "after the copy"}, headers=users["alice"])
        assert item.status_code == 201, item.text
        copied_ids = [
            copied["id"]
            for name in ("alice", "zoe")
            for copied in before[f"{name} {ITEMS}?limit=100"]["items"]
        ]
        assert item.json()["id"] > max(copied_ids)


def test_non_empty_target_is_refused_and_truncate_target_replaces_it(
    postgres_url: str,
    client: TestClient,
    users: Users,
    sqlite_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert copy(sqlite_url, postgres_url) == 0
    copied = row_counts(postgres_url)
    client.post(ITEMS, json={"title": "added after the first copy"}, headers=users["alice"])
    capsys.readouterr()

    assert copy(sqlite_url, postgres_url) == 2
    err = capsys.readouterr().err
    assert "the target already holds rows" in err
    assert f"users ({copied['users']})" in err
    assert f"items ({copied['items']})" in err
    assert row_counts(postgres_url) == copied

    assert copy(sqlite_url, postgres_url, "--truncate-target") == 0
    out = capsys.readouterr().out
    held = ", ".join(f"{name} ({rows})" for name, rows in copied.items() if rows)
    assert f"--truncate-target: deleting {sum(copied.values())} rows from the target: {held}" in out
    assert row_counts(postgres_url) == row_counts(sqlite_url)
    assert row_counts(postgres_url)["items"] == copied["items"] + 1


def test_dry_run_reports_and_writes_nothing(
    postgres_url: str, users: Users, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert copy(sqlite_url, postgres_url, "--dry-run") == 0
    out = capsys.readouterr().out
    for name, rows in row_counts(sqlite_url).items():
        assert any(line.split() == [name, str(rows), "rows"] for line in out.splitlines()), out
    assert "Dry run: nothing was written." in out
    assert table_names(postgres_url) == set()


@pytest.mark.parametrize(
    ("statement", "value", "message"),
    [
        ("UPDATE items SET title = ? WHERE title = 'No description'", "x" * 201, "value too long"),
        ("UPDATE items SET description = ? WHERE title = 'No description'", "NUL \x00", "0x00"),
    ],
    ids=["too-long", "nul-byte"],
)
def test_a_failed_table_is_rolled_back_and_reported(
    postgres_url: str,
    users: Users,
    sqlite_url: str,
    capsys: pytest.CaptureFixture[str],
    statement: str,
    value: str,
    message: str,
) -> None:
    # SQLite stores what Postgres refuses; the API never would.
    with sqlite3.connect(sqlite_path(sqlite_url)) as source:
        source.execute(statement, (value,))

    # One row per COPY: the rows written before the refused one are rolled back too.
    assert copy(sqlite_url, postgres_url, "--batch-size", "1") == 1

    err = capsys.readouterr().err
    assert "Copying items failed: " in err
    assert message in err
    assert "copied:      users" in err
    assert "rolled back: items" in err
    later = TABLES[TABLES.index("items") + 1 :]
    assert f"not copied:  {', '.join(later) or 'none'}" in err
    counts = row_counts(postgres_url)
    assert counts["users"] == row_counts(sqlite_url)["users"]
    assert counts["items"] == 0


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ("UPDATE alembic_version SET version_num = 'f00dcafe'", "revision f00dcafe"),
        ("DROP TABLE alembic_version", "no migration revision"),
    ],
    ids=["unknown-revision", "no-revision"],
)
def test_a_source_at_no_known_revision_is_refused(
    sqlite_url: str,
    postgres_url: str,
    capsys: pytest.CaptureFixture[str],
    tamper: str,
    message: str,
) -> None:
    with sqlite3.connect(sqlite_path(sqlite_url)) as source:
        source.execute(tamper)

    assert copy(sqlite_url, postgres_url) == 2

    assert message in capsys.readouterr().err
    assert table_names(postgres_url) == set()


def test_a_source_at_an_earlier_revision_is_refused(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The copy reads through the latest models (revision 0001 kept integer ids).
    source = f"sqlite+aiosqlite:///{tmp_path / 'older.db'}"
    command.upgrade(alembic_config(source), "0001")

    assert copy(source, postgres_url) == 2

    assert "the source is at revision 0001, before this release's" in capsys.readouterr().err
    assert table_names(postgres_url) == set()


def test_a_target_at_a_later_revision_is_refused(
    sqlite_url: str, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    upgrade(postgres_url)
    # As a newer release would have left it.
    execute(postgres_url, "UPDATE alembic_version SET version_num = 'f00dcafe'")

    assert copy(sqlite_url, postgres_url) == 2

    assert "the target is at revision f00dcafe, which is not" in capsys.readouterr().err
    assert row_counts(postgres_url) == dict.fromkeys(TABLES, 0)


def test_the_target_defaults_to_the_apps_database_settings(
    sqlite_url: str,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    get_settings.cache_clear()
    try:
        assert copy_db(["--source", sqlite_url, "--dry-run"]) == 0
    finally:
        get_settings.cache_clear()
    hidden = make_url(postgres_url).render_as_string(hide_password=True)
    assert f"Target: {hidden}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("sqlite:///{tmp}/missing.db", "postgresql://u:p@db/app", "no SQLite file at"),
        (
            "postgresql://u:p@db/app",
            "postgresql://u:p@db/app",
            "--source: give the SQLite database",
        ),
        ("sqlite:///{tmp}/app.db", "sqlite:///{tmp}/other.db", "the target must be Postgres"),
        (
            "sqlite:///{tmp}/app.db",
            "mysql://u:p@db/app",
            "--target: unsupported database",
        ),
    ],
)
def test_wrong_databases_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, target: str, message: str
) -> None:
    (tmp_path / "app.db").touch()
    status = copy(source.format(tmp=tmp_path), target.format(tmp=tmp_path))
    assert status == 2
    assert message in capsys.readouterr().err


def compare(sqlite_url: str, postgres_url: str) -> list[TableResult]:
    """Each table's count and checksum on the source, then on the target, as the copy's
    verification computes them."""

    async def run() -> list[TableResult]:
        source = build_engine(make_settings(sqlite_url), pooled=False)
        target = build_engine(make_settings(postgres_url), pooled=False)
        try:
            results = []
            async with source.connect() as conn:
                for table in Base.metadata.sorted_tables:
                    checksum = await table_checksum(conn, table)
                    results.append(TableResult(table.name, checksum.rows, checksum.hexdigest()))
            await verify(target, Base.metadata.sorted_tables, results)
            return results
        finally:
            await source.dispose()
            await target.dispose()

    return asyncio.run(run())


@pytest.mark.parametrize(
    ("side", "statement", "changed"),
    [
        ("target", "UPDATE items SET title = 'changed' WHERE title = 'Buy milk'", "items"),
        (
            "target",
            "UPDATE items SET created_at = created_at + interval '1 microsecond' "
            "WHERE title = 'Buy milk'",
            "items",
        ),
        (
            "target",
            "UPDATE users SET is_active = NOT is_active WHERE email = 'gone@example.com'",
            "users",
        ),
        ("source", "UPDATE items SET description = NULL WHERE title = 'Buy milk'", "items"),
    ],
    ids=["target-text", "target-timestamp", "target-boolean", "source-null"],
)
def test_verification_finds_a_changed_row(
    postgres_url: str,
    users: Users,
    sqlite_url: str,
    capsys: pytest.CaptureFixture[str],
    side: str,
    statement: str,
    changed: str,
) -> None:
    assert copy(sqlite_url, postgres_url) == 0
    if side == "target":
        execute(postgres_url, statement)
    else:
        with sqlite3.connect(sqlite_path(sqlite_url)) as source:
            source.execute(statement)

    results = compare(sqlite_url, postgres_url)
    assert {result.name: result.matches for result in results} == {
        name: name != changed for name in TABLES
    }
    capsys.readouterr()
    print_report(results)
    report = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in report if "MISMATCH" in line] == [changed]


def test_postgres_writes_each_rows_line_as_python_does(
    postgres_url: str, users: Users, sqlite_url: str
) -> None:
    # Every character JSON escapes (Postgres refuses NUL) and some it leaves as they are.
    awkward = "".join(map(chr, range(1, 32))) + '"\\/ \x7f \u2028 ünïcödé 🥛'
    with sqlite3.connect(sqlite_path(sqlite_url)) as source:
        source.execute("UPDATE items SET description = ? WHERE title = 'Buy milk'", (awkward,))
    assert copy(sqlite_url, postgres_url) == 0

    async def both_ways() -> dict[str, tuple[str, str]]:
        checksums = {}
        async with transaction(postgres_url) as conn:
            for table in Base.metadata.sorted_tables:
                assert canonical_json(table) is not None, table.name
                in_database = await table_checksum(conn, table)
                decoded = Checksum()
                order = primary_key_order(table, conn.dialect.name)
                decoded.add((await conn.execute(select(table).order_by(*order))).all())
                checksums[table.name] = (in_database.hexdigest(), decoded.hexdigest())
        return checksums

    for name, (in_database, decoded) in asyncio.run(both_ways()).items():
        assert in_database == decoded, name
    assert all(result.matches for result in compare(sqlite_url, postgres_url))


class Status(enum.StrEnum):
    PENDING = "pending"


def test_checksums_normalise_what_each_backend_returns() -> None:
    instant = datetime(2026, 3, 1, 10, tzinfo=UTC)
    same = instant.astimezone(timezone(timedelta(hours=2)))
    upload_id = uuid.uuid4()
    one, other = Checksum(), Checksum()
    one.add([(1, instant, upload_id, Status.PENDING, True, None)])
    other.add([(1, same, upload_id, "pending", True, None)])
    assert one.hexdigest() == other.hexdigest()
    assert one.rows == 1

    changed = Checksum()
    changed.add([(1, instant, upload_id, "pending", False, None)])
    assert changed.hexdigest() != one.hexdigest()

    tick = datetime(1970, 1, 1, microsecond=1, tzinfo=UTC)
    assert canonical(tick) == canonical(tick.replace(tzinfo=None)) == 1


def test_checksums_do_not_depend_on_the_batches() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [(n, f"item {n}", start + timedelta(seconds=n)) for n in range(5)]
    whole, parts = Checksum(), Checksum()
    whole.add(rows)
    for first in range(0, len(rows), 2):
        parts.add(rows[first : first + 2])
    assert parts.rows == whole.rows == len(rows)
    assert parts.hexdigest() == whole.hexdigest()

"""SQLite's journal follows from where the file is: WAL on a local disk, the rollback
journal on a network filesystem such as EFS (where SQLite's documentation says WAL does
not work), whichever process opens it: the app, the worker or a migration."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from {{ cookiecutter.package_name }}.core import db
from {{ cookiecutter.package_name }}.core.db import build_engine, journal_mode
from scripts.scratch import make_settings

# /proc/self/mounts in a Fargate task with the EFS volume at /data (TLS: through the
# mount helper's local tunnel), and a mount point whose name holds a space.
FARGATE_MOUNTS = """\
overlay / overlay rw,relatime,lowerdir=/var/lib/l 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
tmpfs /scratch tmpfs rw,nosuid,nodev 0 0
127.0.0.1:/ /data nfs4 rw,relatime,vers=4.1,rsize=1048576,hard,proto=tcp,port=20049 0 0
fs-0123.efs.us-east-1.amazonaws.com:/ /mnt/shared\\040files nfs4 rw,vers=4.1 0 0
"""


@pytest.mark.parametrize(
    ("database", "mode"),
    [
        ("/data/app.db", "DELETE"),
        ("/data/nested/app.db", "DELETE"),
        ("/mnt/shared files/app.db", "DELETE"),
        ("/database/app.db", "WAL"),  # shares a prefix with /data, not the mount
        ("/scratch/app.db", "WAL"),
        ("/srv/app.db", "WAL"),  # the overlay root
    ],
)
def test_the_journal_follows_the_filesystem(database: str, mode: str) -> None:
    assert journal_mode(database, FARGATE_MOUNTS) == mode


def test_without_a_mounts_table_the_file_is_local() -> None:
    assert journal_mode("/data/app.db", "") == "WAL"


async def _journal_of(url: str) -> str:
    engine = build_engine(make_settings(url))
    try:
        async with engine.connect() as conn:
            return str(await conn.scalar(text("PRAGMA journal_mode")))
    finally:
        await engine.dispose()


def test_every_connection_gets_the_chosen_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = tmp_path / "local"
    shared = tmp_path / "efs"
    local.mkdir()
    shared.mkdir()
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/root / ext4 rw 0 0\n127.0.0.1:/ {shared} nfs4 rw,vers=4.1 0 0\n")
    monkeypatch.setattr(db, "MOUNTS_TABLE", mounts)

    assert asyncio.run(_journal_of(f"sqlite+aiosqlite:///{local / 'app.db'}")) == "wal"
    assert asyncio.run(_journal_of(f"sqlite+aiosqlite:///{shared / 'app.db'}")) == "delete"

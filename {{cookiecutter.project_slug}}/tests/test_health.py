from __future__ import annotations

{% if cookiecutter.database == "dynamodb" -%}
import contextlib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from structlog.testing import capture_logs

from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.main import create_app
from scripts.scratch import make_settings
from tests.helpers import assert_error
{%- else -%}
import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from structlog.testing import capture_logs

from {{ cookiecutter.package_name }}.core import db
from {{ cookiecutter.package_name }}.main import create_app
from scripts.scratch import POSTGRES_URL, execute, make_settings
from tests.helpers import assert_error

ON_POSTGRES = pytest.mark.parametrize(
    "database_url", ["postgresql"] if POSTGRES_URL else [], indirect=True
)
{%- endif %}


def test_liveness_does_no_io() -> None:
    # Nothing listens on port 1: liveness must not care.
{%- if cookiecutter.database == "dynamodb" %}
    settings = make_settings(None, aws_endpoint_url="http://127.0.0.1:1")
{%- else %}
    settings = make_settings("postgresql://user:pw@127.0.0.1:1/none")
{%- endif %}
    with TestClient(create_app(settings)) as client:
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


{% if cookiecutter.database == "dynamodb" -%}
def test_readiness_reports_the_database(client: TestClient) -> None:
    response = client.get("/health/db")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "dynamodb"}
{%- else -%}
def test_readiness_reports_dialect(client: TestClient, database_url: str) -> None:
    response = client.get("/health/db")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": make_url(database_url).get_dialect().name,
    }
{%- endif %}


def assert_outage(client: TestClient) -> None:
    """The database is down: readiness says so (and logs what the database alarm counts);
    liveness, which the load balancer and the container health check probe, does not; an
    API call is a 503 too, as its OpenAPI document says, never a 500."""
    with capture_logs() as logged:
        assert_error(client.get("/health/db"), 503, "service_unavailable")
    assert "database_unreachable" in [entry["event"] for entry in logged]
    assert client.get("/health").status_code == 200
    login = {"username": "outage@example.com", "password": "correct horse battery"}
    assert_error(client.post("/api/v1/auth/login", data=login), 503, "service_unavailable")


{%- if cookiecutter.database != "dynamodb" %}


def test_readiness_recovers_without_restart_sqlite(tmp_path: Path) -> None:
    missing = tmp_path / "not-yet"
    settings = make_settings(f"sqlite+aiosqlite:///{missing / 'app.db'}")
    with TestClient(create_app(settings)) as client:
        assert_outage(client)
        missing.mkdir()
        assert client.get("/health/db").status_code == 200
{%- endif %}


@contextmanager
def tcp_forwarder(listen_port: int, target: tuple[str, int]) -> Iterator[None]:
    """Forward 127.0.0.1:listen_port to target; leaving the block cuts every connection."""
    server = socket.create_server(("127.0.0.1", listen_port))
    server.settimeout(0.2)
    stop = threading.Event()
    open_sockets: list[socket.socket] = []

    def pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                sink.sendall(chunk)

    def accept() -> None:
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            upstream = socket.create_connection(target)
            open_sockets.extend((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=pipe, args=(a, b), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        server.close()
        for sock in open_sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
{%- if cookiecutter.database == "dynamodb" %}


def test_readiness_recovers_without_restart(
    settings: Settings, moto_url: str, unused_port: int
) -> None:
    emulator = urlsplit(moto_url)
    reached_through = settings.model_copy(
        update={"aws_endpoint_url": f"http://127.0.0.1:{unused_port}"}
    )
    with TestClient(create_app(reached_through)) as client:
        assert_outage(client)
        with tcp_forwarder(unused_port, (emulator.hostname or "127.0.0.1", emulator.port or 80)):
            assert client.get("/health/db").status_code == 200
        assert_outage(client)
{%- else %}


# Needs a network database to cut off; runs whenever TEST_DATABASE_URL is set.
@ON_POSTGRES
def test_readiness_recovers_without_restart_postgres(database_url: str, unused_port: int) -> None:
    url = make_url(database_url)
    port = unused_port
    via_forwarder = url.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
    with TestClient(create_app(make_settings(via_forwarder))) as client:
        assert_outage(client)
        with tcp_forwarder(port, (url.host or "127.0.0.1", url.port or 5432)):
            assert client.get("/health/db").status_code == 200
        assert_outage(client)


OTHER_SESSIONS = (
    "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
)
END_OTHER_SESSIONS = f"SELECT pg_terminate_backend(pid) {OTHER_SESSIONS}"
COUNT_OTHER_SESSIONS = f"SELECT count(*) {OTHER_SESSIONS}"


def end_other_sessions(database_url: str) -> None:
    """What a restart or a failover does to the app's pooled connections: the server ends
    them. Returns once their server processes are gone (their goodbye sent)."""
    asyncio.run(execute(database_url, END_OTHER_SESSIONS))

    async def remaining() -> int:
        engine = db.build_engine(make_settings(database_url), pooled=False)
        try:
            async with engine.connect() as conn:
                count = await conn.exec_driver_sql(COUNT_OTHER_SESSIONS)
                return int(count.scalar_one())
        finally:
            await engine.dispose()

    deadline = time.monotonic() + 10
    while asyncio.run(remaining()) and time.monotonic() < deadline:
        time.sleep(0.05)


@ON_POSTGRES
def test_connections_the_server_ended_are_replaced_before_use(database_url: str) -> None:
    # No ping on checkout: the pool must notice the goodbye itself, or a request fails.
    with TestClient(create_app(make_settings(database_url))) as client:
        assert client.get("/health/db").status_code == 200
        end_other_sessions(database_url)
        assert [client.get("/health/db").status_code for _ in range(3)] == [200, 200, 200]


@ON_POSTGRES
def test_a_connection_idle_too_long_is_pinged_and_replaced_if_silent(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", -1)  # every pooled connection is "idle"
    app = create_app(make_settings(database_url))
    pinged: list[object] = []

    def silent(connection: object) -> None:
        pinged.append(connection)  # as if the network had dropped it without a word
        raise ConnectionResetError("no answer")

    with TestClient(app) as client:
        assert client.get("/health/db").status_code == 200  # a new connection: no ping
        monkeypatch.setattr(app.state.database.engine.dialect, "do_ping", silent)
        assert client.get("/health/db").status_code == 200  # pinged, replaced, served
    assert len(pinged) == 1
{%- endif %}

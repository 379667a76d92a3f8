"""What each DB_SSL mode lets the app talk to: a local server that opens like Postgres
(an SSLRequest, then TLS) presents certificates from the tests' own authorities, and
records each login it is sent after a completed handshake. A refused handshake sends it
nothing, not even the user name."""

from __future__ import annotations

import asyncio
import socket
import socketserver
import ssl
import struct
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from pydantic import ValidationError

from {{ cookiecutter.package_name }}.core import config
from {{ cookiecutter.package_name }}.core.config import SettingsError, SslMode
from {{ cookiecutter.package_name }}.core.db import build_engine
from scripts.scratch import make_settings
from tests.helpers import Authority, serving

SSL_REQUEST = struct.pack("!ii", 8, 80877103)
# The answer a wrong password gets: the client stops after it, having logged in over TLS.
PASSWORD_REFUSED = b"".join(
    [b"SFATAL\0", b"VFATAL\0", b"C28P01\0", b"Mpassword authentication failed\0", b"\0"]
)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    context: ssl.SSLContext
    logins: list[bytes]


class _Postgres(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        connection: socket.socket = self.request
        if connection.recv(8) != SSL_REQUEST:
            return
        connection.sendall(b"S")
        try:
            tls = self.server.context.wrap_socket(connection, server_side=True)
        except (ssl.SSLError, OSError):
            return  # the client refused the certificate
        with tls:
            (length,) = struct.unpack("!i", _read(tls, 4))
            self.server.logins.append(_read(tls, length - 4))
            tls.sendall(b"E" + struct.pack("!i", len(PASSWORD_REFUSED) + 4) + PASSWORD_REFUSED)


def _read(connection: ssl.SSLSocket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise ConnectionError("the client hung up")
        data += chunk
    return data


@pytest.fixture(scope="module")
def authority() -> Authority:
    return Authority.create("Tests' RDS authority")


@pytest.fixture(scope="module")
def bundle(authority: Authority, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bundle") / "rds-ca-bundle.pem"
    path.write_bytes(authority.pem())
    return path


# A running server whose certificate, for the host named, the authority signed.
Serve = Callable[[Authority, str], AbstractContextManager[_Server]]


@pytest.fixture
def serve(tmp_path: Path) -> Serve:
    @contextmanager
    def running(signer: Authority, host: str) -> Iterator[_Server]:
        server = _Server(("127.0.0.1", 0), _Postgres)
        server.context = signer.server_context(host, tmp_path)
        server.logins = []
        with serving(server):
            yield server

    return running


def connect(port: int, mode: SslMode, root_cert: str = "") -> BaseException:
    """What connecting as the app does with DB_SSL=`mode` raises (every case here fails:
    the server refuses the password even when the handshake succeeds)."""
    settings = make_settings(
        f"postgresql://app:secret@localhost:{port}/app", db_ssl=mode, db_ssl_root_cert=root_cert
    )

    async def attempt() -> None:
        engine = build_engine(settings, pooled=False)
        try:
            async with engine.connect():
                pass
        finally:
            await engine.dispose()

    with pytest.raises(Exception) as failure:  # noqa: PT011 - which one is the point
        asyncio.run(attempt())
    return failure.value


def refused_certificate(error: BaseException) -> bool:
    """Whether the client refused the server's certificate (somewhere in the chain)."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


@pytest.mark.parametrize("mode", ["verify-full", "verify-ca"])
def test_a_verifying_mode_logs_in_to_a_server_the_bundle_vouches_for(
    serve: Serve, authority: Authority, bundle: Path, mode: SslMode
) -> None:
    with serve(authority, "localhost") as server:
        error = connect(server.server_address[1], mode, str(bundle))
    assert not refused_certificate(error), error
    assert len(server.logins) == 1
    assert b"user\0app\0" in server.logins[0]


@pytest.mark.parametrize("mode", ["verify-full", "verify-ca"])
def test_a_verifying_mode_sends_nothing_to_an_impostor(
    serve: Serve, bundle: Path, mode: SslMode
) -> None:
    with serve(Authority.create("An impostor"), "localhost") as server:
        error = connect(server.server_address[1], mode, str(bundle))
    assert refused_certificate(error), error
    assert server.logins == []


def test_verify_full_refuses_a_certificate_for_another_host_that_verify_ca_accepts(
    serve: Serve, authority: Authority, bundle: Path
) -> None:
    with serve(authority, "other-db.example.com") as server:
        port = server.server_address[1]
        assert refused_certificate(connect(port, "verify-full", str(bundle)))
        assert server.logins == []
        assert not refused_certificate(connect(port, "verify-ca", str(bundle)))
        assert len(server.logins) == 1


def test_the_system_store_does_not_vouch_for_a_private_authority(
    serve: Serve, authority: Authority
) -> None:
    with serve(authority, "localhost") as server:
        assert refused_certificate(connect(server.server_address[1], "verify-full", "system"))
    assert server.logins == []


def test_an_empty_root_cert_means_the_packaged_rds_bundle(
    serve: Serve, authority: Authority, bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(config, "RDS_CA_BUNDLE", bundle)
    with serve(authority, "localhost") as server:
        assert not refused_certificate(connect(server.server_address[1], "verify-full"))
    assert len(server.logins) == 1


@pytest.mark.parametrize("mode", ["require", "prefer"])
def test_modes_that_do_not_verify_log_in_to_anyone(serve: Serve, mode: SslMode) -> None:
    # Why the stacks set verify-full: these encrypt, but to whoever answers.
    with serve(Authority.create("An impostor"), "localhost") as server:
        connect(server.server_address[1], mode)
    assert len(server.logins) == 1


def test_a_verifying_mode_without_the_packaged_bundle_names_make_rds_ca(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(config, "RDS_CA_BUNDLE", tmp_path / "rds-ca-bundle.pem")
    with pytest.raises(SettingsError, match=r"^DB_SSL_ROOT_CERT: .*`make rds-ca`"):
        settings_with(db_ssl="verify-full")


@pytest.mark.parametrize(
    ("contents", "message"),
    [
        (None, "cannot read"),
        (b"", "holds no PEM certificate"),
        (b"not a certificate\n", "holds no PEM certificate"),
    ],
)
def test_a_root_cert_that_is_no_bundle_is_refused(
    tmp_path: Path, contents: bytes | None, message: str
) -> None:
    path = tmp_path / "bundle.pem"
    if contents is not None:
        path.write_bytes(contents)
    with pytest.raises(SettingsError, match=rf"^DB_SSL_ROOT_CERT: .*{message}"):
        settings_with(db_ssl="verify-full", db_ssl_root_cert=str(path))


def test_a_root_cert_with_a_mode_that_checks_nothing_is_refused(bundle: Path) -> None:
    with pytest.raises(SettingsError, match=r"^DB_SSL_ROOT_CERT: DB_SSL=require checks no"):
        settings_with(db_ssl="require", db_ssl_root_cert=str(bundle))


def settings_with(**values: str) -> None:
    """Builds the settings, raising SettingsError as start-up would."""
    try:
        make_settings("postgresql://app@db/app", **values)
    except ValidationError as error:
        raise SettingsError(config.describe(error)) from None

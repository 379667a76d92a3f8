"""Helpers the tests import: the tables emptied{% if cookiecutter.database != "dynamodb" %} and inspected{% endif %}, the error-shape check, a
TLS server's certificate authority of the tests' own, and the types of shared fixtures.
Settings and throwaway {{ 'tables' if cookiecutter.database == 'dynamodb' else 'databases' }} are in scripts/scratch.py{% if cookiecutter.database != "dynamodb" %}, which the benchmarks share{% endif %}."""

from __future__ import annotations

{% if cookiecutter.database != "dynamodb" -%}
import asyncio
{% endif -%}
import datetime
import ipaddress
import socketserver
import ssl
import threading
import uuid
{%- if cookiecutter.database == "dynamodb" %}
from collections.abc import Callable, Iterator
from contextlib import contextmanager
{%- else %}
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
{%- endif %}
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
{%- if cookiecutter.use_s3_uploads == "y" %}
from fastapi.testclient import TestClient
{%- endif %}
{%- if cookiecutter.database == "dynamodb" %}

from {{ cookiecutter.package_name }}.copy_db.target import Target
from {{ cookiecutter.package_name }}.core.config import Settings
from emulator.tables import definitions
{%- else %}
from sqlalchemy import TextClause, delete, inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection

from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.core.db import build_engine
from {{ cookiecutter.package_name }}.models import Base
from scripts.scratch import execute, make_settings
{%- endif %}

PASSWORD = "correct horse battery staple"
# The `auth_headers` fixture: registers an e-mail (if new), logs in, gives its header.
AuthHeaders = Callable[[str], dict[str, str]]
{%- if cookiecutter.database == "dynamodb" %}


async def empty_tables(settings: Settings) -> None:
    """Deletes every item of every table, so the next test starts from empty tables (with
    copy_db's --truncate-target, which scans: tests and that tool only, never the app)."""
    target = Target(settings)
    try:
        for name in definitions():
            target.delete_all(name)
    finally:
        target.close()
{%- else %}


def cut_sessions(role: str) -> TextClause:
    """Ends every session of `role`, as RDS does to a rotated user's connections, and
    returns once each server process is gone, its goodbye sent: with a timeout (ms),
    pg_terminate_backend waits for that (PostgreSQL 14+, "Server Signaling Functions"),
    so a test's next request meets a connection that has been told, never one told
    while it is in use."""
    cut = "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = :role"
    return text(cut).bindparams(role=role)


async def drop_role(database_url: str, role: str) -> None:
    """Drops a role the migrations made: its sessions, its grants in this database and on
    it, then the role (roles outlive the throwaway database)."""
    drop = [f'DROP OWNED BY "{role}"', f'DROP ROLE "{role}"']
    await execute(database_url, cut_sessions(role), *drop)


@asynccontextmanager
async def transaction(database_url: str) -> AsyncIterator[AsyncConnection]:
    """A connection of its own engine, in a transaction committed on success."""
    engine = build_engine(make_settings(database_url), pooled=False)
    try:
        async with engine.begin() as conn:
            yield conn
    finally:
        await engine.dispose()


async def empty_tables(settings: Settings) -> None:
    """Deletes every row, children first, so the next test starts from empty tables."""
    async with transaction(settings.raw_database_url) as conn:
        for table in reversed(Base.metadata.sorted_tables):
            await conn.execute(delete(table))


def table_names(database_url: str) -> set[str]:
    async def read() -> set[str]:
        async with transaction(database_url) as conn:
            return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))

    return asyncio.run(read())
{%- endif %}


@contextmanager
def serving(server: socketserver.BaseServer) -> Iterator[None]:
    """Runs `server` in a thread of its own for the block's length, then closes it."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Authority:
    """A certificate authority that signs server certificates for the tests' TLS servers."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @classmethod
    def create(cls, name: str) -> Authority:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        identifier = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        certificate = (
            _valid_for_a_day(x509.CertificateBuilder(), subject, subject, key)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(signs_certificates=True), critical=True)
            .add_extension(identifier, critical=False)
            .sign(key, hashes.SHA256())
        )
        return cls(key, certificate)

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def server_context(self, host: str, directory: Path) -> ssl.SSLContext:
        """A server context presenting a certificate for `host` signed by this authority."""
        key = ec.generate_private_key(ec.SECP256R1())
        names: list[x509.GeneralName] = [x509.DNSName(host)]
        if host == "localhost":
            names.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
        issuer_key = self.key.public_key()
        certificate = (
            _valid_for_a_day(
                x509.CertificateBuilder(),
                x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]),
                self.certificate.subject,
                key,
            )
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(signs_certificates=False), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key), critical=False
            )
            .sign(self.key, hashes.SHA256())
        )
        chain = directory / f"{uuid.uuid4().hex}.pem"
        chain.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            + certificate.public_bytes(serialization.Encoding.PEM)
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(chain)
        return context


def _valid_for_a_day(
    builder: x509.CertificateBuilder,
    subject: x509.Name,
    issuer: x509.Name,
    key: ec.EllipticCurvePrivateKey,
) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        builder.subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
    )


def _key_usage(*, signs_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=signs_certificates,
        crl_sign=signs_certificates,
        encipher_only=False,
        decipher_only=False,
    )


def assert_error(response: httpx2.Response, status: int, code: str) -> dict[str, Any]:
    """The response is an error in the app's one JSON shape; returns its `error` object."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "request_id"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    assert body["request_id"] == response.headers["X-Request-ID"]
    error: dict[str, Any] = body["error"]
    return error
{%- if cookiecutter.use_s3_uploads == "y" %}


UPLOADS = "/api/v1/uploads"


def sign(
    client: TestClient, headers: dict[str, str], content: bytes, *, declared: int | None = None
) -> dict[str, Any]:
    """Starts an upload of `content` (declaring `declared` bytes if given): the signed POST."""
    body = {"filename": "notes.txt", "content_type": "text/plain", "size": declared or len(content)}
    response = client.post(UPLOADS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    signed: dict[str, Any] = response.json()
    return signed


def post_file(signed: dict[str, Any], content: bytes, content_type: str = "text/plain") -> None:
    """POSTs the file to the storage URL, as a browser would with the signed form."""
    response = httpx2.post(
        signed["url"], data=signed["fields"], files={"file": ("notes.txt", content, content_type)}
    )
    assert response.status_code in (200, 201, 204), response.text
{%- endif %}

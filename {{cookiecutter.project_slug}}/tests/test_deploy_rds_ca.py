"""`make rds-ca` against a local HTTPS server standing in for AWS's: the first download is
pinned, a changed one is refused until UPDATE=1, and a deploy or image build stops at a
bundle that is missing or differs from its pin."""

from __future__ import annotations

import http.server
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from deploy import rds_ca, release
from deploy.aws import Aws
from deploy.project import Project
from deploy.runtime import AwsRuntime
from deploy.steps import DeployError, StepError
from deploy.terraform import Terraform
from tests.helpers import Authority, serving


class _Server(http.server.HTTPServer):
    body: bytes


class _Bundle(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.server.body)))
        self.end_headers()
        self.wfile.write(self.server.body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture(scope="module")
def aws_authority() -> Authority:
    """Signs the stand-in server's certificate, as a public authority signs AWS's."""
    return Authority.create("A public web authority")


@pytest.fixture
def served(
    aws_authority: Authority, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[_Server]:
    """The stand-in server, whose authority the system trust store (SSL_CERT_FILE) holds."""
    trusted = tmp_path / "system-store.pem"
    trusted.write_bytes(aws_authority.pem())
    monkeypatch.setenv("SSL_CERT_FILE", str(trusted))
    monkeypatch.setenv("no_proxy", "*")
    server = _Server(("127.0.0.1", 0), _Bundle)
    context = aws_authority.server_context("localhost", tmp_path)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.body = Authority.create("Amazon RDS test Root CA").pem()
    with serving(server):
        yield server


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    (root / "src" / "app").mkdir(parents=True)
    (root / "deploy").mkdir()
    # This project's facts, as another project's would be: the bundle's paths follow them.
    return replace(
        Project.load(),
        root=root,
        name="app",
        prefix="app",
        package="app",
        compute="ecs",
        database="postgres",
        hosted_zone=None,
    )


def url(server: _Server) -> str:
    return f"https://localhost:{server.server_address[1]}/global/global-bundle.pem"


def test_the_first_download_is_packaged_and_pinned(
    served: _Server, project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    path = rds_ca.fetch(project, url=url(served))
    assert path == project.root / "src" / "app" / "rds-ca-bundle.pem"
    assert path.read_bytes() == served.body
    assert "1 authorities" in capsys.readouterr().out
    rds_ca.check(project)

    rds_ca.fetch(project, url=url(served))
    assert "(unchanged)" in capsys.readouterr().out


def test_a_changed_bundle_is_refused_until_update_takes_it(
    served: _Server, project: Project
) -> None:
    first = rds_ca.fetch(project, url=url(served)).read_bytes()
    pin = rds_ca.pin_path(project).read_text()
    served.body += Authority.create("Amazon RDS new Root CA").pem()

    with pytest.raises(StepError, match=r"changed .* `make rds-ca UPDATE=1`"):
        rds_ca.fetch(project, url=url(served))
    assert rds_ca.bundle_path(project).read_bytes() == first
    assert rds_ca.pin_path(project).read_text() == pin

    rds_ca.fetch(project, update=True, url=url(served))
    assert rds_ca.bundle_path(project).read_bytes() == served.body
    assert rds_ca.pin_path(project).read_text() != pin
    rds_ca.check(project)


def test_a_download_that_is_no_bundle_writes_nothing(served: _Server, project: Project) -> None:
    served.body = b"<html>Access denied</html>"
    with pytest.raises(StepError, match="not a PEM certificate bundle"):
        rds_ca.fetch(project, url=url(served))
    assert not rds_ca.bundle_path(project).exists()
    assert not rds_ca.pin_path(project).exists()


def test_a_server_the_system_store_does_not_trust_is_refused(
    served: _Server, project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "other-store.pem"
    elsewhere.write_bytes(Authority.create("Someone else").pem())
    monkeypatch.setenv("SSL_CERT_FILE", str(elsewhere))
    with pytest.raises(StepError, match=r"cannot download .*CERTIFICATE_VERIFY_FAILED"):
        rds_ca.fetch(project, url=url(served))
    assert not rds_ca.bundle_path(project).exists()


def test_plain_http_is_refused(project: Project) -> None:
    with pytest.raises(StepError, match="over HTTPS only"):
        rds_ca.fetch(project, url=rds_ca.BUNDLE_URL.replace("https://", "http://"))


def test_the_deploy_refuses_a_missing_or_changed_bundle(served: _Server, project: Project) -> None:
    with pytest.raises(StepError, match=r"is missing: .*Run `make rds-ca` and commit both"):
        rds_ca.check(project)
    path = rds_ca.fetch(project, url=url(served))
    path.write_bytes(path.read_bytes() + Authority.create("Slipped in").pem())
    with pytest.raises(StepError, match=r"does not match deploy/rds-ca-bundle\.sha256"):
        rds_ca.check(project)


@pytest.mark.parametrize(
    "build",
    [lambda target: release.deploy(target, confirmed=True), release.image],
    ids=["deploy", "image"],
)
def test_a_build_without_the_bundle_stops_before_anything_changes(
    project: Project, monkeypatch: pytest.MonkeyPatch, build: Callable[[release.Target], object]
) -> None:
    (project.root / "infra" / "modules" / "database").mkdir(parents=True)
    monkeypatch.setattr(release, "committed_revision", lambda _root: "0123456789ab")
    # An AWS no call reaches: the check comes first.
    unreachable = Aws("us-east-1", endpoint_url="http://127.0.0.1:9")
    target = release.Target(
        project, "dev", unreachable, Terraform(project.root), AwsRuntime(project, unreachable)
    )
    with pytest.raises(DeployError, match=r"^Checking before anything changes .*`make rds-ca`"):
        build(target)

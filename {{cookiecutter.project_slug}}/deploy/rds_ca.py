"""`make rds-ca`: the certificate bundle the app verifies its RDS database with.

The app connects with DB_SSL=verify-full and trusts the authorities in
src/<package>/rds-ca-bundle.pem, which the wheel, the Lambda zip and the image all carry.
AWS serves the bundle for every region at BUNDLE_URL, over HTTPS only ("All certificates
are only available for download using SSL/TLS connections", RDS User Guide, "Using
SSL/TLS to encrypt a connection to a DB instance or cluster"), and publishes no checksum
of it. So the first fetch trusts what HTTPS delivered and pins its sha256 in
deploy/rds-ca-bundle.sha256; every later fetch must match the pin (UPDATE=1 accepts a new
bundle, when AWS adds authorities), and a deploy refuses a bundle that does not match.
Commit both files: every build from a revision then trusts the same authorities.
"""

from __future__ import annotations

import hashlib
import ssl
import urllib.request
from pathlib import Path

from deploy.project import Project
from deploy.steps import StepError, say

BUNDLE_URL = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"
BUNDLE_NAME = "rds-ca-bundle.pem"
PIN_NAME = "rds-ca-bundle.sha256"
FETCH_TIMEOUT_SECONDS = 30


def bundle_path(project: Project) -> Path:
    return project.root / "src" / project.package / BUNDLE_NAME


def pin_path(project: Project) -> Path:
    return project.root / "deploy" / PIN_NAME


def authorities(bundle: bytes) -> int:
    """How many certificates `bundle` holds; refuses anything that is not PEM certificates."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        context.load_verify_locations(cadata=bundle.decode("ascii"))
    except (UnicodeDecodeError, ssl.SSLError):
        raise StepError("the download is not a PEM certificate bundle") from None
    return int(context.cert_store_stats()["x509_ca"])


def fetch(project: Project, *, update: bool = False, url: str = BUNDLE_URL) -> Path:
    """Download the bundle into the package and pin it (see the module's docstring)."""
    if not url.startswith("https://"):
        raise StepError(f"{url}: the bundle is fetched over HTTPS only")
    # The system's trust store verifies AWS's server (this HTTPS is all the first fetch
    # has to go on), read now: urllib's shared opener keeps the store it first read.
    system_store = ssl.create_default_context()
    try:
        with urllib.request.urlopen(  # noqa: S310 - the scheme is checked above
            url, timeout=FETCH_TIMEOUT_SECONDS, context=system_store
        ) as response:
            bundle = response.read()
    except OSError as error:
        raise StepError(f"cannot download {url}: {error}") from None
    count = authorities(bundle)
    digest = hashlib.sha256(bundle).hexdigest()
    pin = pin_path(project)
    pinned = pin.read_text().strip() if pin.is_file() else ""
    if pinned and pinned != digest and not update:
        raise StepError(
            f"{url} changed (sha256 {digest}, pinned {pinned}); nothing was written. If AWS "
            "announced new certificate authorities, `make rds-ca UPDATE=1` takes it"
        )
    path = bundle_path(project)
    path.write_bytes(bundle)
    pin.write_text(f"{digest}\n")
    state = "unchanged" if pinned == digest else ("updated" if pinned else "pinned")
    say(
        f"    {path.relative_to(project.root)}: {count} authorities, sha256 {digest} ({state})\n"
        f"    commit it with {pin.relative_to(project.root)}"
    )
    return path


def check(project: Project) -> None:
    """Refuses a build whose packaged bundle is missing or differs from its pin."""
    path, pin = bundle_path(project), pin_path(project)
    if not path.is_file() or not pin.is_file():
        raise StepError(
            f"{path.relative_to(project.root)} (or its pin) is missing: the app verifies the "
            "database's certificate with it. Run `make rds-ca` and commit both files"
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != pin.read_text().strip():
        raise StepError(
            f"{path.relative_to(project.root)} does not match {pin.relative_to(project.root)}:"
            " run `make rds-ca` (UPDATE=1 to take a new bundle) and commit both files"
        )

"""The web page's releases: build, upload, switch, roll back (`make deploy`, `make
rollback`, `make deploy-local`).

A release is the build's output folder, stored under releases/<release>/ in the page's
bucket (infra/modules/frontend). CloudFront serves the release the viewer-request
function names (viewer_request.js), so switching is one PublishFunction: the old release
serves until the new one does, never a mix of the two, and as the rewritten URI is the
cache key, nothing needs invalidating. The bucket's releases.json lists the releases in
the order they went live; a rollback goes back to the one before.
"""

from __future__ import annotations

import fnmatch
import json
import mimetypes
import string
import subprocess
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deploy.aws import Aws, error_code
from deploy.steps import StepError

# Terraform publishes this file with release "none"; a deploy publishes it with its own.
VIEWER_REQUEST = Path("infra") / "modules" / "frontend" / "viewer_request.js"
HISTORY_KEY = "releases.json"
RELEASES = "releases"
# A content-hashed file never changes under its name; everything else may change with
# any release, so browsers ask again each time (and get a 304 when it has not).
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
UPLOAD_THREADS = 8
# A path of the page's own (no file extension): the function serves index.html for it.
PAGE_ROUTE = "/deploy/smoke-check"
# Python's own table, not the machine's /etc/mime.types: the same types from every laptop.
TYPES = mimetypes.MimeTypes(filenames=())
TEXT = ("text/", "application/javascript", "application/json", "image/svg+xml")


@dataclass(frozen=True)
class Frontend:
    """project.json's "frontend"."""

    build_command: str | None
    output_dir: Path
    immutable: tuple[str, ...]
    api_paths: tuple[str, ...]
    content_security_policy: str

    @classmethod
    def from_facts(cls, root: Path, facts: Mapping[str, Any]) -> Frontend:
        return cls(
            build_command=facts["build_command"],
            output_dir=root / facts["output_dir"],
            immutable=tuple(facts["immutable"]),
            api_paths=tuple(facts["api_paths"]),
            content_security_policy=facts["content_security_policy"],
        )

    def serves_api(self, path: str) -> bool:
        """Whether CloudFront sends `path` to the API (its path patterns: `*` matches any
        characters, `/` too, as fnmatch's does)."""
        return any(fnmatch.fnmatchcase(path, pattern) for pattern in self.api_paths)

    def security_policy(self, uploads_origin: str = "") -> str:
        """The page's Content-Security-Policy, with the origins the browser uploads to."""
        return string.Template(self.content_security_policy).substitute(
            uploads_origin=uploads_origin
        )

    def cache_control(self, relative: str) -> str:
        immutable = any(fnmatch.fnmatchcase(relative, pattern) for pattern in self.immutable)
        return IMMUTABLE if immutable else REVALIDATE


def content_type(name: str) -> str:
    kind = TYPES.guess_type(name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith(TEXT) else kind


def viewer_request_code(root: Path, release: str) -> str:
    """viewer_request.js for `release`, as Terraform's templatefile renders it."""
    return string.Template((root / VIEWER_REQUEST).read_text()).substitute(release=release)


def build(frontend: Frontend, root: Path) -> list[Path]:
    """Runs the build command (if any); returns the output folder's files."""
    if frontend.build_command:
        completed = subprocess.run(frontend.build_command, shell=True, cwd=root, check=False)  # noqa: S602 - the project's own command
        if completed.returncode:
            raise StepError(f"`{frontend.build_command}` failed (exit {completed.returncode})")
    folder = frontend.output_dir
    if not (folder / "index.html").is_file():
        raise StepError(f"{folder} has no index.html: is project.json's output_dir the build's?")
    return sorted(path for path in folder.rglob("*") if path.is_file())


def upload(aws: Aws, bucket: str, release: str, frontend: Frontend, files: list[Path]) -> None:
    """Stores `files` as releases/<release>/, each with its type and caching."""
    s3 = aws.client("s3")

    def put(path: Path) -> None:
        relative = path.relative_to(frontend.output_dir).as_posix()
        s3.put_object(
            Bucket=bucket,
            Key=f"{RELEASES}/{release}/{relative}",
            Body=path.read_bytes(),
            ContentType=content_type(relative),
            CacheControl=frontend.cache_control(relative),
        )

    with ThreadPoolExecutor(UPLOAD_THREADS) as pool:
        list(pool.map(put, files))


def history(aws: Aws, bucket: str) -> list[str]:
    """The releases that went live, oldest first."""
    try:
        body = aws.client("s3").get_object(Bucket=bucket, Key=HISTORY_KEY)["Body"].read()
    except Exception as error:
        if error_code(error) in ("NoSuchKey", "404"):
            return []
        raise
    releases: list[str] = json.loads(body)["releases"]
    return releases


def record(aws: Aws, bucket: str, releases: list[str]) -> None:
    aws.client("s3").put_object(
        Bucket=bucket,
        Key=HISTORY_KEY,
        Body=json.dumps({"releases": releases}, indent=2).encode(),
        ContentType="application/json",
        CacheControl="no-store",
    )


def switch(aws: Aws, root: Path, function_name: str, release: str) -> None:
    """Publishes the viewer-request function with `release` (UpdateFunction, then
    PublishFunction, each with the ETag it must replace)."""
    cloudfront = aws.client("cloudfront")
    current = cloudfront.describe_function(Name=function_name, Stage="DEVELOPMENT")
    config = current["FunctionSummary"]["FunctionConfig"]
    updated = cloudfront.update_function(
        Name=function_name,
        IfMatch=current["ETag"],
        FunctionConfig={key: config[key] for key in ("Comment", "Runtime") if key in config},
        FunctionCode=viewer_request_code(root, release).encode(),
    )
    cloudfront.publish_function(Name=function_name, IfMatch=updated["ETag"])


def stored_index(aws: Aws, bucket: str, release: str) -> bytes:
    """The release's index.html as uploaded."""
    found = aws.client("s3").get_object(Bucket=bucket, Key=f"{RELEASES}/{release}/index.html")
    body: bytes = found["Body"].read()
    return body


@dataclass(frozen=True)
class Fetched:
    """A response through the distribution."""

    status: int
    headers: Mapping[str, str]  # names in lower case
    body: bytes
    origin: str = field(default="")  # where the path went, when known


def check_page(get: Callable[[str], Fetched], index: bytes) -> str:
    """The page's root and one of its routes answer the release's index.html with the
    page's Content-Security-Policy; raises StepError with what differs."""
    for path in ("/", PAGE_ROUTE):
        response = get(path)
        if response.status != 200:
            raise StepError(f"GET {path} answered {response.status}")
        if response.body != index:
            raise StepError(f"GET {path} is not this release's index.html (yet)")
        if "content-security-policy" not in response.headers:
            raise StepError(f"GET {path} has no Content-Security-Policy header")
    return f"/ and {PAGE_ROUTE} serve the release's index.html under its security policy"

"""`make package`: the Lambda function zip, built from manylinux wheels for the runtime.

Every dependency comes from the lock as a wheel for the Lambda runtime's Python, CPU and
glibc; one without such a wheel fails the build (a source build here would compile for
this machine, not for Lambda). boto3 and botocore are packaged although the runtime has
its own: the runtime's versions change without notice, the locked ones are what the
tests ran. What Lambda never uses is left out (bytecode caches, console scripts, the
installer's records). The zip is reproducible: the same lock and code give the same
bytes, so an unchanged package leaves the function untouched.
"""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from pathlib import Path
from typing import Literal

from deploy.project import Project
from deploy.steps import StepError, run, say

Architecture = Literal["arm64", "x86_64"]

# The functions' default architecture (infra/modules/lambda_api, variable "architecture").
DEFAULT_ARCHITECTURE: Architecture = "arm64"
# glibc of the Lambda runtime images: python3.11 runs on Amazon Linux 2, later ones on 2023.
GLIBC = {"3.11": "2_26", "3.12": "2_34", "3.13": "2_34"}
CPU = {"arm64": "aarch64", "x86_64": "x86_64"}
# Lambda's limits for a zip uploaded directly: 50 MB zipped, 250 MB unzipped.
MAX_ZIPPED = 50 * 1024 * 1024
MAX_UNZIPPED = 250 * 1024 * 1024
LEFT_OUT_DIRS = {"__pycache__", "bin"}
# Installer bookkeeping in *.dist-info: paths and times of this build, used by no import.
LEFT_OUT_METADATA = {"RECORD", "INSTALLER", "direct_url.json", "uv_cache.json"}
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def platform(project: Project, architecture: Architecture) -> str:
    return f"{CPU[architecture]}-manylinux_{GLIBC[project.python_version]}"


def build(
    project: Project, architecture: Architecture = DEFAULT_ARCHITECTURE, uv: str = "uv"
) -> Path:
    """Build dist/lambda.zip and return its path."""
    work = project.root / "build" / "lambda"
    shutil.rmtree(work, ignore_errors=True)
    site = work / "site"
    site.mkdir(parents=True)

    requirements = work / "requirements.txt"
    run(
        [
            uv,
            "export",
            "--no-dev",
            "--no-emit-project",
            "--no-hashes",
            "--quiet",
            "--output-file",
            requirements,
        ],
        cwd=project.root,
    )
    target: list[str | Path] = [
        "--target",
        site,
        "--python-platform",
        platform(project, architecture),
        "--python-version",
        project.python_version,
        "--only-binary",
        ":all:",
        "--quiet",
    ]
    try:
        run([uv, "pip", "install", *target, "--requirement", requirements], cwd=project.root)
    except StepError as error:
        raise StepError(
            f"{error}: a dependency has no wheel for {platform(project, architecture)} "
            f"and Python {project.python_version} (uv's message above names it)"
        ) from error
    run([uv, "build", "--wheel", "--quiet", "--out-dir", work / "wheel"], cwd=project.root)
    (wheel,) = (work / "wheel").glob("*.whl")
    run([uv, "pip", "install", *target, "--no-deps", wheel], cwd=project.root)

    package = project.root / "dist" / "lambda.zip"
    package.parent.mkdir(exist_ok=True)
    unzipped = write_zip(site, package)
    zipped = package.stat().st_size
    say(
        f"    {package.relative_to(project.root)}: {zipped / 1e6:.1f} MB zipped, "
        f"{unzipped / 1e6:.1f} MB unzipped ({architecture}, Python {project.python_version})"
    )
    if zipped > MAX_ZIPPED or unzipped > MAX_UNZIPPED:
        raise StepError("the package exceeds Lambda's 50 MB zipped / 250 MB unzipped limits")
    return package


def packaged(site: Path, path: Path) -> bool:
    parts = path.relative_to(site).parts
    if LEFT_OUT_DIRS & set(parts):
        return False
    return not (parts[0].endswith(".dist-info") and path.name in LEFT_OUT_METADATA)


def write_zip(site: Path, package: Path) -> int:
    """Zip `site` in a fixed order with fixed dates; returns the unzipped size."""
    files = sorted(path for path in site.rglob("*") if path.is_file() and packaged(site, path))
    unzipped = 0
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(site).as_posix(), ZIP_DATE)
            executable = os.stat(path).st_mode & stat.S_IXUSR
            info.external_attr = (0o755 if executable else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
            unzipped += path.stat().st_size
    return unzipped

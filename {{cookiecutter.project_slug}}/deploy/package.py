"""`make package`: the Lambda function zip, built from manylinux wheels for the runtime.

Every dependency comes from the lock as a wheel for the Lambda runtime's Python, CPU and
glibc; one without such a wheel fails the build (a source build here would compile for
this machine, not for Lambda). boto3 and botocore are packaged although the runtime has
its own: the runtime's versions change without notice, the locked ones are what the
tests ran. Every module is compiled for the runtime's Python here: Lambda's /var/task is
read-only, so a zip without bytecode compiles every module it imports from source on each
cold start. What Lambda never uses is left out (other Pythons' bytecode, console scripts,
the installer's records). The zip is reproducible: the same lock and code give the same
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
LEFT_OUT_DIRS = {"bin"}
# Where Lambda unpacks the zip (LAMBDA_TASK_ROOT). The bytecode names its sources there,
# not in this checkout's build folder, which would make the zip differ between checkouts.
TASK_ROOT = "/var/task"
# Installer bookkeeping in *.dist-info: paths and times of this build, used by no import.
LEFT_OUT_METADATA = {"RECORD", "INSTALLER", "direct_url.json", "uv_cache.json"}
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def platform(project: Project, architecture: Architecture) -> str:
    return f"{CPU[architecture]}-manylinux_{GLIBC[project.python_version]}"


def cache_tag(project: Project) -> str:
    """The runtime's bytecode name tag (sys.implementation.cache_tag): `cpython-312`."""
    return f"cpython-{project.python_version.replace('.', '')}"


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
    compile_bytecode(project, site, uv)

    package = project.root / "dist" / "lambda.zip"
    package.parent.mkdir(exist_ok=True)
    unzipped = write_zip(site, package, cache_tag(project))
    zipped = package.stat().st_size
    say(
        f"    {package.relative_to(project.root)}: {zipped / 1e6:.1f} MB zipped, "
        f"{unzipped / 1e6:.1f} MB unzipped ({architecture}, Python {project.python_version})"
    )
    if zipped > MAX_ZIPPED or unzipped > MAX_UNZIPPED:
        raise StepError("the package exceeds Lambda's 50 MB zipped / 250 MB unzipped limits")
    return package


def compile_bytecode(project: Project, site: Path, uv: str) -> None:
    """Compiles every module in `site` with an interpreter of the runtime's Python version.

    Unchecked-hash bytecode records no source mtime (each build's differs, and the zip's
    fixed dates would not match it) and is used without reading the source. One process,
    not compileall's workers: the bytes marshal writes can depend on what the same
    process compiled before, so workers sharing the files out differently would change
    the zip from one build to the next.
    """
    python = run([uv, "python", "find", project.python_version], cwd=project.root).strip()
    try:
        run(
            [
                python,
                "-I",  # PYTHONOPTIMIZE and the like would write bytecode the runtime never reads
                *("-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash"),
                *("-s", site, "-p", TASK_ROOT, site),
            ]
        )
    except StepError as error:
        raise StepError(
            f"{error}: a module does not compile on Python {project.python_version} "
            "(compileall's message above names it)"
        ) from error


def packaged(site: Path, path: Path, tag: str) -> bool:
    parts = path.relative_to(site).parts
    if LEFT_OUT_DIRS & set(parts):
        return False
    if path.parent.name == "__pycache__":
        return path.name.endswith(f".{tag}.pyc")
    return not (parts[0].endswith(".dist-info") and path.name in LEFT_OUT_METADATA)


def write_zip(site: Path, package: Path, tag: str) -> int:
    """Zip `site` in a fixed order with fixed dates, keeping only the bytecode of the
    runtime's cache `tag`; returns the unzipped size."""
    files = sorted(path for path in site.rglob("*") if path.is_file() and packaged(site, path, tag))
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

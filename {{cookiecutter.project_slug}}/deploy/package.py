"""`make package`: the Lambda function zip, built from manylinux wheels for the runtime.

Every dependency comes from the lock as a wheel for the Lambda runtime's Python, CPU and
glibc; one without such a wheel fails the build (a source build here would compile for
this machine, not for Lambda). boto3 and botocore are packaged although the runtime has
its own: the runtime's versions change without notice, the locked ones are what the
tests ran. Every module is compiled for the runtime's Python here: Lambda's /var/task is
read-only, so a zip without bytecode compiles every module it imports from source on each
cold start. What Lambda never uses is left out: the dependency groups (uvicorn serves the
image only), the operator's copy tool (copy_db), botocore's models of the services the
app does not call (most of botocore), the extensions' debug information, other Pythons'
bytecode, console scripts, test suites, type stubs, C and Cython sources, the
installer's records. Every .py source stays, for tracebacks. The zip is reproducible:
the same lock and code give the same bytes, so an unchanged package leaves the function
untouched.
"""

from __future__ import annotations

import importlib
import os
import shutil
import stat
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from deploy.project import Architecture, Project
from deploy.steps import StepError, run, say

# glibc of the Lambda runtime images: python3.11 runs on Amazon Linux 2, later ones on 2023.
GLIBC = {"3.11": "2_26", "3.12": "2_34", "3.13": "2_34"}
CPU = {"arm64": "aarch64", "x86_64": "x86_64"}
# Lambda's limits for a zip uploaded directly: 50 MB zipped, 250 MB unzipped.
MAX_ZIPPED = 50 * 1024 * 1024
MAX_UNZIPPED = 250 * 1024 * 1024
LEFT_OUT_DIRS = {"bin"}
# Of the app, what no function runs: the operator's SQLite-to-Postgres copy, run from a
# checkout (or, on ECS, as a task of the image).
LEFT_OUT_APP_DIRS = {"copy_db"}
# Of the dependencies, never imported by an app: their own test suites and test helpers,
# stubs for type checkers, the sources their extensions were compiled from.
LEFT_OUT_LIBRARY_DIRS = {"testing", "tests"}
LEFT_OUT_LIBRARY_SUFFIXES = {".pyi", ".pyx", ".pxd", ".pxi", ".c", ".cpp", ".h", ".hpp"}
# Folders of AWS models, one subfolder per service (botocore's clients, boto3's resources):
# botocore loads a client's models from <botocore root>/data/<service>/<API version>/
# (botocore docs, "Loaders Reference"). The files directly in them (endpoints, partitions,
# retry and default settings), which every client reads, all stay.
AWS_MODELS = {("botocore", "data"), ("boto3", "data")}
# Where Lambda unpacks the zip (LAMBDA_TASK_ROOT). The bytecode names its sources there,
# not in this checkout's build folder, which would make the zip differ between checkouts.
TASK_ROOT = "/var/task"
# Installer bookkeeping in *.dist-info: paths and times of this build, used by no import.
LEFT_OUT_METADATA = {"RECORD", "INSTALLER", "direct_url.json", "uv_cache.json"}
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# ELF, 64-bit, little-endian: the extensions of both Lambda architectures.
ELF64_LSB = b"\x7fELF\x02\x01"
# A section header: sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size, sh_link,
# sh_info, sh_addralign, sh_entsize. Of a program header, the bytes it maps: p_offset and
# p_filesz (after p_type and p_flags, and p_vaddr and p_paddr).
SECTION = struct.Struct("<IIQQQQIIQQ")
SEGMENT_FILE_RANGE = struct.Struct("<8xQ16xQ")
SHF_ALLOC = 0x2
SHF_INFO_LINK = 0x40
SHT_NOBITS = 8


@dataclass(frozen=True)
class Contents:
    """What the zip takes from the installed site: bytecode of the runtime's cache `tag`
    (`cpython-312`) alone; botocore's and boto3's models of `services` alone; test suites,
    stubs and extension sources of the app's own `package` only, none of the libraries'."""

    tag: str
    services: frozenset[str]
    package: str


def platform(project: Project, architecture: Architecture) -> str:
    return f"{CPU[architecture]}-manylinux_{GLIBC[project.python_version]}"


def cache_tag(project: Project) -> str:
    """The runtime's bytecode name tag (sys.implementation.cache_tag): `cpython-312`."""
    return f"cpython-{project.python_version.replace('.', '')}"


def build(project: Project, architecture: Architecture, uv: str = "uv") -> Path:
    """Build dist/lambda.zip for `architecture` and return its path."""
    work = project.root / "build" / "lambda"
    shutil.rmtree(work, ignore_errors=True)
    site = work / "site"
    site.mkdir(parents=True)

    requirements = work / "requirements.txt"
    run(
        [
            uv,
            "export",
            "--no-default-groups",
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
    contents = Contents(cache_tag(project), aws_services(project), project.package)
    unzipped = write_zip(site, package, contents)
    zipped = package.stat().st_size
    say(
        f"    {package.relative_to(project.root)}: {zipped / 1e6:.1f} MB zipped, "
        f"{unzipped / 1e6:.1f} MB unzipped ({architecture}, Python {project.python_version})"
    )
    if zipped > MAX_ZIPPED or unzipped > MAX_UNZIPPED:
        raise StepError("the package exceeds Lambda's 50 MB zipped / 250 MB unzipped limits")
    return package


def aws_services(project: Project) -> frozenset[str]:
    """The services whose clients the app builds: its `aws.SERVICES`."""
    services: frozenset[str] = importlib.import_module(f"{project.package}.core.aws").SERVICES
    return services


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


def packaged(site: Path, path: Path, contents: Contents) -> bool:
    parts = path.relative_to(site).parts
    if LEFT_OUT_DIRS & set(parts):
        return False
    if parts[0] == contents.package and LEFT_OUT_APP_DIRS & set(parts[1:2]):
        return False
    if parts[0] != contents.package and (
        LEFT_OUT_LIBRARY_DIRS & set(parts) or path.suffix in LEFT_OUT_LIBRARY_SUFFIXES
    ):
        return False
    if parts[:2] in AWS_MODELS and len(parts) > 3 and parts[2] not in contents.services:
        return False
    if path.parent.name == "__pycache__":
        return path.name.endswith(f".{contents.tag}.pyc")
    return not (parts[0].endswith(".dist-info") and path.name in LEFT_OUT_METADATA)


def write_zip(site: Path, package: Path, contents: Contents) -> int:
    """Zip the `contents` of `site` in a fixed order with fixed dates and without debug
    information; returns the unzipped size."""
    files = sorted(
        path for path in site.rglob("*") if path.is_file() and packaged(site, path, contents)
    )
    unzipped = 0
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(site).as_posix(), ZIP_DATE)
            executable = os.stat(path).st_mode & stat.S_IXUSR
            info.external_attr = (0o755 if executable else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            data = without_debug_info(path.read_bytes())
            archive.writestr(info, data)
            unzipped += len(data)
    return unzipped


def without_debug_info(data: bytes) -> bytes:
    """A shared library without its DWARF sections (.debug_*), as `strip --strip-debug`
    leaves it; anything else unchanged. In Python, so every machine strips both
    architectures' libraries alike, with no binutils.

    Many wheels ship their extensions with debug information, most of their size, which
    only a debugger reads. The loader never maps it: what the program headers map stays
    byte for byte, the sections after it close up, and each debug section's header turns
    inactive (SHT_NULL, all zero), so no section index changes. A layout this does not
    expect (extended numbering, a kept section linking to debug information, debug
    information among mapped bytes) keeps the file as it is.
    """
    if not data.startswith(ELF64_LSB):
        return data
    phoff, shoff = struct.unpack_from("<QQ", data, 0x20)
    phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from("<5H", data, 0x36)
    if shentsize != SECTION.size or not 0 < shstrndx < shnum:
        return data
    sections = [
        list(SECTION.unpack_from(data, shoff + index * shentsize)) for index in range(shnum)
    ]
    names = sections[shstrndx][4]

    def name(section: list[int]) -> bytes:
        start = names + section[0]
        return data[start : data.index(b"\0", start)]

    debug = {
        index
        for index, section in enumerate(sections)
        if name(section).startswith(b".debug_") and not section[2] & SHF_ALLOC
    }
    segments = (
        SEGMENT_FILE_RANGE.unpack_from(data, phoff + index * phentsize) for index in range(phnum)
    )
    mapped = max([phoff + phnum * phentsize, *(offset + size for offset, size in segments)])
    kept = [
        section
        for index, section in enumerate(sections)
        if index not in debug and section[1] != SHT_NOBITS
    ]
    if (
        not debug
        or shoff < mapped
        or any(sections[index][4] < mapped for index in debug)
        or any(section[6] in debug for section in kept)
        or any(section[7] in debug for section in kept if section[2] & SHF_INFO_LINK)
        or any(section[4] < mapped < section[4] + section[5] for section in kept)
    ):
        return data
    stripped = bytearray(data[:mapped])
    for section in sorted(
        (section for section in kept if section[4] >= mapped), key=lambda section: section[4]
    ):
        content = data[section[4] : section[4] + section[5]]
        stripped += bytes(-len(stripped) % max(section[8], 1))
        section[4] = len(stripped)
        stripped += content
    stripped += bytes(-len(stripped) % 8)
    struct.pack_into("<Q", stripped, 0x28, len(stripped))
    for index, section in enumerate(sections):
        stripped += bytes(SECTION.size) if index in debug else SECTION.pack(*section)
    return bytes(stripped)

"""The Lambda package's offline parts: platform choice, bytecode, what is left out,
reproducibility. (Building it for real downloads wheels; the template's own tests do that.)"""

from __future__ import annotations

import importlib.util
import os
import struct
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import botocore.session
import pytest

import {{ cookiecutter.package_name }}.core.aws as aws
from deploy.package import (
    SECTION,
    SHF_ALLOC,
    TASK_ROOT,
    Contents,
    aws_services,
    cache_tag,
    compile_bytecode,
    packaged,
    platform,
    without_debug_info,
    write_zip,
)
from deploy.project import Project

TAG = "cpython-313"
CONTENTS = Contents(TAG, frozenset({"sqs"}), "app")


@pytest.mark.parametrize(
    ("python_version", "architecture", "expected"),
    [
        ("3.11", "arm64", "aarch64-manylinux_2_26"),
        ("3.12", "x86_64", "x86_64-manylinux_2_34"),
        ("3.13", "arm64", "aarch64-manylinux_2_34"),
    ],
)
def test_wheels_match_the_lambda_runtime(python_version, architecture, expected):
    project = replace(Project.load(), python_version=python_version)
    assert platform(project, architecture) == expected


KEPT = {
    "app/__init__.py": "VALUE = 1\n",
    "app/__pycache__/__init__.cpython-313.pyc": "bytecode",
    "app/tests/fixtures.json": "{}",  # the app's own folders are its own business
    "boto3/data/sqs/2012-11-05/resources-1.json": "{}",
    "botocore/data/endpoints.json": "{}",
    "botocore/data/sqs/2012-11-05/service-2.json.gz": "model",
    "lib-1.0.dist-info/METADATA": "Name: lib\n",
    "lib/__init__.py": "",
}
LEFT_OUT = {
    "app/copy_db/__main__.py": "the operator's copy tool",
    "app/__pycache__/__init__.cpython-312.pyc": "another Python's bytecode",
    "app/__pycache__/__init__.cpython-313.opt-1.pyc": "bytecode for python -O",
    "bin/uvicorn": "#!/usr/bin/python\n",
    "boto3/data/ec2/2016-11-15/resources-1.json": "{}",
    "botocore/data/ec2/2016-11-15/service-2.json.gz": "a model of a service the app never calls",
    "lib-1.0.dist-info/RECORD": "app/__init__.py,sha256=...,10\n",
    "lib-1.0.dist-info/direct_url.json": '{"url": "file:///home/me/wheel"}',
    "lib/__init__.pyi": "",
    "lib/_speedups.c": "",
    "lib/_speedups.pyx": "",
    "lib/testing/fixtures.py": "",
    "lib/tests/test_lib.py": "",
}


def fill(site: Path) -> None:
    for name, text in {**KEPT, **LEFT_OUT}.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text)


def test_the_zip_leaves_out_what_lambda_never_reads(tmp_path):
    site = tmp_path / "site"
    fill(site)
    write_zip(site, tmp_path / "lambda.zip", CONTENTS)
    with zipfile.ZipFile(tmp_path / "lambda.zip") as archive:
        assert sorted(archive.namelist()) == sorted(KEPT)
    assert not packaged(site, site / "bin" / "uvicorn", CONTENTS)


def test_the_same_files_give_the_same_zip(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    fill(first)
    fill(second)
    # Different modification times must not change the bytes.
    (second / "app" / "__init__.py").touch()
    write_zip(first, tmp_path / "first.zip", CONTENTS)
    write_zip(second, tmp_path / "second.zip", CONTENTS)
    assert (tmp_path / "first.zip").read_bytes() == (tmp_path / "second.zip").read_bytes()


def test_the_package_has_the_models_of_the_services_the_app_lists():
    assert aws_services(Project.load()) == aws.SERVICES
    assert set(botocore.session.get_session().get_available_services()) >= aws.SERVICES


def test_a_client_of_a_service_the_app_does_not_list_is_refused():
    # The Lambda package has no model of it: refused here, not on Lambda.
    with pytest.raises(ValueError, match="ec2: not in SERVICES"):
        aws._client("ec2", "us-east-1", "")


def section_headers(data: bytes) -> list[tuple[bytes, tuple[int, ...]]]:
    """Each section header of an ELF64 little-endian file, with its name."""
    shoff = int.from_bytes(data[0x28:0x30], "little")
    shnum, shstrndx = struct.unpack_from("<2H", data, 0x3C)
    headers = [SECTION.unpack_from(data, shoff + index * SECTION.size) for index in range(shnum)]
    names = headers[shstrndx][4]
    return [
        (data[names + header[0] : data.index(b"\0", names + header[0])], header)
        for header in headers
    ]


{% if cookiecutter.database == "dynamodb" -%}
# A C extension built with debug information: markupsafe's (Jinja's, which the emulator
# uses), as no dependency of the app ships one.
EXTENSION, CALL, RESULT = "markupsafe._speedups", "module._escape_inner('<')", "&lt;"
{%- else -%}
# A C extension built with debug information: greenlet's, which comes with
# sqlalchemy[asyncio] and has no pure-Python fallback.
EXTENSION, CALL, RESULT = "greenlet._greenlet", "module.greenlet(lambda: 42).switch()", "42"
{%- endif %}


def test_extensions_lose_their_debug_information_and_still_load(tmp_path):
    spec = importlib.util.find_spec(EXTENSION)
    assert spec is not None
    assert spec.origin is not None
    library = Path(spec.origin)
    original = library.read_bytes()
    if not original.startswith(b"\x7fELF") or b".debug_info" not in original:
        pytest.skip(f"{library.name} is not an ELF library with debug information")
    stripped = without_debug_info(original)
    assert len(stripped) < len(original) / 2
    assert without_debug_info(stripped) == stripped

    before, after = section_headers(original), section_headers(stripped)
    assert len(before) == len(after), "section indices changed"
    for (name, header), (_, kept) in zip(before, after, strict=True):
        if name.startswith(b".debug_"):
            assert kept == (0,) * 10, f"{name!r} is still active"
            continue
        # Everything else as it was but where it lies in the file, and what the loader
        # maps, at the same place, byte for byte.
        assert kept[:4] + kept[5:] == header[:4] + header[5:]
        offset, size = header[4], header[5]
        if header[2] & SHF_ALLOC:
            assert kept[4] == offset
        assert stripped[kept[4] : kept[4] + size] == original[offset : offset + size]

    copy = tmp_path / library.name
    copy.write_bytes(stripped)
    load = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location({EXTENSION!r}, sys.argv[1])\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        f"print(module.__file__, {CALL})\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", load, copy], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.split() == [str(copy), RESULT]


def test_other_files_keep_every_byte():
    assert without_debug_info(b"#!/usr/bin/python\n") == b"#!/usr/bin/python\n"


def test_bytecode_is_for_the_runtime_and_names_no_build_folder(tmp_path):
    project = Project.load()
    site = tmp_path / "site"
    (site / "app").mkdir(parents=True)
    (site / "app" / "__init__.py").write_text("def f():\n    return 1\n")
    compile_bytecode(project, site, os.environ.get("UV", "uv"))
    pyc = (site / "app" / "__pycache__" / f"__init__.{cache_tag(project)}.pyc").read_bytes()
    # PEP 552 flags: hash-based (bit 0), source not checked (bit 1 clear).
    assert int.from_bytes(pyc[4:8], "little") == 0b01
    assert f"{TASK_ROOT}/app/__init__.py".encode() in pyc
    assert str(tmp_path).encode() not in pyc

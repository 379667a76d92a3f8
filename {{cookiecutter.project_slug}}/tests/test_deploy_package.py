"""The Lambda package's offline parts: platform choice, bytecode, what is left out,
reproducibility. (Building it for real downloads wheels; the template's own tests do that.)"""

from __future__ import annotations

import os
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from deploy.package import TASK_ROOT, cache_tag, compile_bytecode, packaged, platform, write_zip
from deploy.project import Project

TAG = "cpython-313"


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


def fill(site: Path) -> None:
    files = {
        "app/__init__.py": "VALUE = 1\n",
        "app/__pycache__/__init__.cpython-313.pyc": "bytecode",
        "app/__pycache__/__init__.cpython-312.pyc": "another Python's bytecode",
        "app/__pycache__/__init__.cpython-313.opt-1.pyc": "bytecode for python -O",
        "bin/uvicorn": "#!/usr/bin/python\n",
        "lib-1.0.dist-info/METADATA": "Name: lib\n",
        "lib-1.0.dist-info/RECORD": "app/__init__.py,sha256=...,10\n",
        "lib-1.0.dist-info/direct_url.json": '{"url": "file:///home/me/wheel"}',
    }
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text)


def test_the_zip_leaves_out_what_lambda_never_reads(tmp_path):
    site = tmp_path / "site"
    fill(site)
    write_zip(site, tmp_path / "lambda.zip", TAG)
    with zipfile.ZipFile(tmp_path / "lambda.zip") as archive:
        assert archive.namelist() == [
            "app/__init__.py",
            "app/__pycache__/__init__.cpython-313.pyc",
            "lib-1.0.dist-info/METADATA",
        ]
    assert not packaged(site, site / "bin" / "uvicorn", TAG)


def test_the_same_files_give_the_same_zip(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    fill(first)
    fill(second)
    # Different modification times must not change the bytes.
    (second / "app" / "__init__.py").touch()
    write_zip(first, tmp_path / "first.zip", TAG)
    write_zip(second, tmp_path / "second.zip", TAG)
    assert (tmp_path / "first.zip").read_bytes() == (tmp_path / "second.zip").read_bytes()


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

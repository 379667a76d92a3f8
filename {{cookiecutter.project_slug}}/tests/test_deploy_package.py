"""The Lambda package's offline parts: platform choice, what is left out, reproducibility.
(Building it for real downloads wheels; the template's own tests do that.)"""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from deploy.package import packaged, platform, write_zip
from deploy.project import Project


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
    write_zip(site, tmp_path / "lambda.zip")
    with zipfile.ZipFile(tmp_path / "lambda.zip") as archive:
        assert archive.namelist() == ["app/__init__.py", "lib-1.0.dist-info/METADATA"]
    assert not packaged(site, site / "bin" / "uvicorn")


def test_the_same_files_give_the_same_zip(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    fill(first)
    fill(second)
    # Different modification times must not change the bytes.
    (second / "app" / "__init__.py").touch()
    write_zip(first, tmp_path / "first.zip")
    write_zip(second, tmp_path / "second.zip")
    assert (tmp_path / "first.zip").read_bytes() == (tmp_path / "second.zip").read_bytes()

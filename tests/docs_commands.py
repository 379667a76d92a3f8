"""The commands the documentation site shows, and whether the tests ran each one.

Every ```bash block on a page of mkdocs.yml's nav is a list of commands (`&&` and `\\`
continuations allowed, comments ignored). A command counts as run when the tests ran
one (tests.support.record keeps a ledger of them) or CI does (a line of .ci/run) with
the same program and subcommand words, every `--flag` it shows, and every `NAME=` it
sets, whatever the value: the site shows `make cost ENV=dev` and a test may run it with
ENV=dev or ENV=prod alike. `<placeholders>` and paths stand for any value. An `uvx`
prefix, and the interpreter of `python -m`, name the same program as run directly.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from tests.combinations import TEMPLATE

BASH_BLOCK = re.compile(r"^```bash\n(.*?)^```", re.MULTILINE | re.DOTALL)
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def pages() -> list[Path]:
    """The site's pages, in mkdocs.yml's nav."""
    config = yaml.safe_load((TEMPLATE / "mkdocs.yml").read_text())
    return [TEMPLATE / config["docs_dir"] / next(iter(entry.values())) for entry in config["nav"]]


def shown(page: Path) -> Iterator[list[str]]:
    """The commands of the page's bash blocks, as argument lists."""
    for block in BASH_BLOCK.findall(page.read_text()):
        for line in block.replace("\\\n", " ").splitlines():
            for command in line.split("&&"):
                words = shlex.split(command, comments=True)
                while words and ASSIGNMENT.match(words[0]):
                    words = words[1:]  # an environment variable for the command
                if words:
                    yield words


def normalised(command: list[str]) -> list[str]:
    words = [Path(command[0]).name, *command[1:]]
    if words[0] == "uvx":
        words = words[1:]
    if words[0].startswith("python") and words[1:2] == ["-m"]:
        words = words[2:]
    return words


def _is_value(word: str) -> bool:
    return word.startswith("-") or "=" in word or any(mark in word for mark in "/<:…")


def runs(command: list[str], ran: list[str]) -> bool:
    """Whether `ran` (a command the tests ran) runs the site's `command`."""
    shown_words, ran_words = normalised(command), normalised(ran)
    program = []
    for word in shown_words:
        if _is_value(word):
            break
        program.append(word)
    if ran_words[: len(program)] != program:
        return False
    for word in shown_words[len(program) :]:
        if word.startswith("--") and word.split("=", 1)[0] not in ran_words:
            return False
        if ASSIGNMENT.match(word):
            name = word.split("=", 1)[0] + "="
            if not any(other.startswith(name) for other in ran_words):
                return False
    return True


def ci_commands() -> Iterator[list[str]]:
    for line in (TEMPLATE / ".ci" / "run").read_text().splitlines():
        words = shlex.split(line, comments=True)
        if words:
            yield words


def ledger(directory: Path) -> list[list[str]]:
    return [
        json.loads(line)
        for path in sorted(directory.glob("*.jsonl"))
        for line in path.read_text().splitlines()
    ]


def not_run(ran: Iterable[list[str]]) -> list[str]:
    """`page: command` for each command the site shows that nothing ran."""
    everything = [*ran, *ci_commands()]
    return [
        f"{page.name}: {shlex.join(command)}"
        for page in pages()
        for command in shown(page)
        if not any(runs(command, other) for other in everything)
    ]

"""Named steps that print what they do and how long it took; a failure names its step."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path


class DeployError(Exception):
    """A step could not finish; the message says which and why."""

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"{step}: {reason}")
        self.step = step
        self.reason = reason


class StepError(Exception):
    """Raised inside a step with the reason it failed (the step adds its own name)."""


def say(message: str) -> None:
    print(message, flush=True)


@contextmanager
def step(name: str) -> Iterator[None]:
    say(f"==> {name}")
    started = time.monotonic()
    try:
        yield
    except StepError as error:
        raise DeployError(name, str(error)) from error
    except Exception as error:
        # What AWS refused (access denied, a throttled call, a missing resource) is a
        # reason to report, not a crash; anything else is a defect and keeps its traceback.
        if type(error).__module__.startswith("botocore"):
            raise DeployError(name, f"AWS: {error}") from error
        raise
    say(f"    done in {time.monotonic() - started:.1f} s")


def run(
    command: Sequence[str | Path],
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    *,
    capture: bool = True,
    stdin: str | None = None,
) -> str:
    """Run a command, echoing it; stderr streams through. Returns stdout when `capture`,
    else lets it stream too (for long commands whose progress is the point). `stdin` is
    for what must not appear on a command line (a registry password)."""
    say("    $ " + " ".join(str(part) for part in command))
    result = subprocess.run(  # noqa: S603 - commands are built here, never from input
        [str(part) for part in command],
        cwd=cwd,
        env=None if env is None else dict(env),
        input=stdin,
        stdout=subprocess.PIPE if capture else None,
        stderr=sys.stderr,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise StepError(f"`{command[0]} {command[1]}` exited with {result.returncode}")
    return result.stdout or ""

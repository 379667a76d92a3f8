"""Starting the patched emulator: in a thread of this process (the tests, `python -m
emulator`) or in a process of its own (`make deploy-local`, which leaves it running, and
the Terraform tests, whose applies keep it busy)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from emulator import patches

LOOPBACK = "127.0.0.1"
# The folder holding this package: `python -m emulator` runs from there.
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
    return port


def running(url: str) -> bool:
    """Whether an emulator answers at `url`."""
    try:
        urllib.request.urlopen(f"{url}/moto-api/", timeout=2).close()  # noqa: S310 - loopback
    except OSError:
        return False
    return True


@contextmanager
def in_thread(host: str = LOOPBACK, port: int = 0) -> Iterator[str]:
    """The patched emulator on a thread of this process (port 0: a free one); yields its
    URL and stops it at the end."""
    patches.apply()
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    bound_host, bound_port = server.get_host_and_port()
    try:
        yield f"http://{LOOPBACK if bound_host == '0.0.0.0' else bound_host}:{bound_port}"  # noqa: S104
    finally:
        server.stop()


def spawn(log: IO[str], *, outlive_caller: bool = False) -> tuple[subprocess.Popen[bytes], str]:
    """The patched emulator, without the app's resources, in a new process of this
    interpreter writing to `log`, once it answers; returns the process and its URL.
    `outlive_caller` puts it in a session of its own, so it survives the command that
    started it (stop it with os.killpg)."""
    port = free_port()
    url = f"http://{LOOPBACK}:{port}"
    process = subprocess.Popen(  # noqa: S603 - this interpreter, this package
        [sys.executable, "-m", "emulator", "--bare", "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=outlive_caller,
    )
    deadline = time.monotonic() + 60
    while not running(url):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the emulator did not start (its log: {log.name})")
        time.sleep(0.2)
    return process, url


@contextmanager
def in_process(log: Path) -> Iterator[str]:
    """`spawn` for the length of a block; yields the URL."""
    with log.open("w") as output:
        process, url = spawn(output)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def enforce_iam(url: str, enforced: bool) -> None:
    """From now on moto checks every call against the caller's identity policies (and
    refuses credentials it did not issue), or none."""
    # moto checks calls once it has served this many unchecked ones.
    allowance = b"0" if enforced else b"inf"
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{url}/moto-api/reset-auth",
        data=allowance,
        method="POST",
        headers={"Content-Type": "text/plain"},  # a form body would not reach moto as data
    )
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310

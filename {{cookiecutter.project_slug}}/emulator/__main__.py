"""`python -m emulator`: the patched emulator holding the app's resources, until Ctrl-C or
SIGTERM (its state lives in memory). `make emulator` runs it on loopback and prints the
settings that point the app at it; docker-compose.yml runs it in its own container.

    python -m emulator [--host 127.0.0.1] [--port 5000] [--ready-file PATH] [--bare]
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import threading
from pathlib import Path

from emulator import ACCOUNT_CREDENTIALS, resources, server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m emulator", description=__doc__)
    parser.add_argument("--host", default=server.LOOPBACK)
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument(
        "--ready-file", type=Path, help="written once the resources exist (a health check)"
    )
    parser.add_argument(
        "--bare", action="store_true", help="no resources: an empty account (deploy-local)"
    )
    args = parser.parse_args(argv)

    if args.ready_file:  # a restarted container's emulator starts empty again
        args.ready_file.unlink(missing_ok=True)
    stopped = threading.Event()
    # As PID 1 in a container, SIGTERM does nothing unless handled.
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with server.in_thread(args.host, args.port) as url:
        settings = {} if args.bare else resources.create(url)
        if args.ready_file:
            args.ready_file.write_text(url)
        if settings:
            print(f"AWS emulator on {url}; point the app at it with:\n")
            for name, value in {**ACCOUNT_CREDENTIALS.environment(), **settings}.items():
                print(f"export {name}={value}")
            print("\nCtrl-C stops the emulator (its state is lost).", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stopped.wait()


if __name__ == "__main__":
    main()

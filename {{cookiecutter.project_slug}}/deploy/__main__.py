"""`python -m deploy COMMAND`: what the make targets run (see `make help`)."""

from __future__ import annotations

import argparse
import os
import sys

from deploy import package
from deploy.project import Project
from deploy.steps import DeployError, step


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("package", help="build dist/lambda.zip (compute=lambda)")
    build.add_argument("--architecture", choices=["arm64", "x86_64"], default="arm64")
    args = parser.parse_args(argv)

    project = Project.load()
    try:
        if args.command == "package":
            if project.compute != "lambda":
                parser.error("package builds the Lambda zip; this project runs on ECS")
            with step(f"Building the Lambda package ({args.architecture})"):
                package.build(project, args.architecture, os.environ.get("UV", "uv"))
    except DeployError as failure:
        print(f"\nFAILED at step '{failure.step}': {failure.reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

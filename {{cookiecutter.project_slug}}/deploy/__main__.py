"""`python -m deploy COMMAND`: what the make targets run (see `make help`)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import get_args

from deploy import cost, package{% if cookiecutter.database != "dynamodb" %}, rds_ca{% endif %}, release
from deploy.local import LocalEmulator
from deploy.project import Architecture, Project
from deploy.steps import DeployError, StepError, say, step


def parser(project: Project) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m deploy", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("package", help="build dist/lambda.zip (compute=lambda)")
    build.add_argument(
        "--architecture",
        choices=get_args(Architecture),
        default=project.architecture,
        help="the CPU to build for (default: project.json's, the functions')",
    )
{%- if cookiecutter.database != "dynamodb" %}
    fetch = commands.add_parser("rds-ca", help="fetch and pin RDS's certificate bundle")
    fetch.add_argument("--update", action="store_true", help="accept a bundle that changed")
{%- endif %}
    for name, text in (
        ("deploy", "release the committed revision to an environment"),
        ("rollback", "return to the previous release"),
        ("image", "build and push the image to ECR (compute=ecs)"),
        ("logs", "print the app's log lines and follow them"),
        ("plan", "show what a deploy would change in Terraform's resources"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("--env", choices=project.environments, required=True)
    commands.choices["logs"].add_argument("--since", type=int, default=10, help="minutes")
    for name in ("rollback", "plan"):
        commands.choices[name].add_argument(
            "--local", action="store_true", help="on the emulator of `deploy-local`"
        )
    estimate = commands.add_parser("cost", help="print the estimated monthly bill")
    estimate.add_argument(
        "--env", choices=project.environments, help="one environment (default: each)"
    )
    estimate.add_argument(
        "--usage", default="", help='assumptions to change, e.g. "api_requests=2000000"'
    )
    estimate.add_argument(
        "--var-file", type=Path, action="append", default=[], help="tfvars to price as well"
    )
    estimate.add_argument("--json", action="store_true", help="the bill as JSON")
    commands.add_parser("deploy-local", help="deploy envs/dev to the emulator on loopback")
    commands.add_parser("deploy-local-down", help="stop the emulator and forget its state")
    return parser


def main(argv: list[str] | None = None) -> int:
    project = Project.load()
    arguments = parser(project).parse_args(argv)
    confirmed = os.environ.get("CONFIRM") == "1"
    local = LocalEmulator(project)
    try:
        match arguments.command:
            case "package":
                if project.compute != "lambda":
                    raise SystemExit("package builds the Lambda zip; this project runs on ECS")
                with step(f"Building the Lambda package ({arguments.architecture})"):
                    package.build(project, arguments.architecture, os.environ.get("UV", "uv"))
{%- if cookiecutter.database != "dynamodb" %}
            case "rds-ca":
                with step("Fetching the RDS certificate bundle"):
                    rds_ca.fetch(project, update=arguments.update)
{%- endif %}
            case "deploy":
                release.deploy(
                    release.Target.aws_account(project, arguments.env), confirmed=confirmed
                )
            case "rollback" if arguments.local:
                with release.local_target(project, local) as target:
                    release.rollback(target, confirmed=True)
            case "rollback":
                release.rollback(
                    release.Target.aws_account(project, arguments.env), confirmed=confirmed
                )
            case "plan" if arguments.local:
                with release.local_target(project, local) as target:
                    release.plan(target)
            case "plan":
                release.plan(release.Target.aws_account(project, arguments.env))
            case "image":
                if project.compute != "ecs":
                    raise SystemExit("image is for ECS; this project deploys a Lambda zip")
                release.image(release.Target.aws_account(project, arguments.env))
            case "logs":
                release.logs(release.Target.aws_account(project, arguments.env), arguments.since)
            case "cost":
                overrides = cost.parse_overrides(arguments.usage)
                for environment in [arguments.env] if arguments.env else project.environments:
                    bill = cost.bill(project, environment, overrides, arguments.var_file)
                    print(cost.as_json(bill) if arguments.json else cost.report(bill) + "\n")
            case "deploy-local":
                release.deploy_local(project, local)
            case "deploy-local-down":
                say("emulator stopped" if local.stop() else "no emulator was running")
    except DeployError as failure:
        print(f"\nFAILED at step '{failure.step}': {failure.reason}", file=sys.stderr)
        return 1
    except StepError as failure:  # a check outside any step (logs, rollback --local)
        print(f"\nFAILED: {failure}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())

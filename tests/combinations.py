"""The option tables the template tests run on.

SUPPORTED is every combination cookiecutter.json allows minus the refused ones; every
one of them is rendered and checked. REFUSED lists answers the pre-gen hook must
reject, each with the words its message must contain. SLOW_SUBSET is the few
combinations whose generated test suites run for real; together they use every value
of every option at least once, and every pairing of the FEATURE_KEYS values (tests
check both).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1]
CONTEXT = json.loads((TEMPLATE / "cookiecutter.json").read_text())

# Options whose values are lists in cookiecutter.json, plus the free-text option whose
# emptiness changes what is generated.
CHOICES: dict[str, list[str]] = {
    key: value for key, value in CONTEXT.items() if isinstance(value, list)
}
CHOICES["domain_name"] = ["", "api.example.com"]

Answers = dict[str, str]


def is_supported(answers: Answers) -> bool:
    return not (answers["database"] == "sqlite" and answers["compute"] == "lambda")


def combination_id(answers: Answers) -> str:
    return "-".join(f"{key}={answers[key] or 'none'}" for key in CHOICES)


SUPPORTED: list[Answers] = [
    answers
    for values in itertools.product(*CHOICES.values())
    if is_supported(answers := dict(zip(CHOICES, values, strict=True)))
]

# The license changes LICENSE and pyproject.toml's license line alone (test_render checks
# that for each license): test_render renders each combination of the other options once,
# with the licenses taken in turn, so each license still meets every other option's values.
LICENSE = "open_source_license"


def _other_options(answers: Answers) -> tuple[str, ...]:
    return tuple(value for key, value in answers.items() if key != LICENSE)


_TURN = {others: turn for turn, others in enumerate(dict.fromkeys(map(_other_options, SUPPORTED)))}
RENDERED: list[Answers] = [
    answers
    for answers in SUPPORTED
    if answers[LICENSE] == CHOICES[LICENSE][_TURN[_other_options(answers)] % len(CHOICES[LICENSE])]
]

# --- Groups -----------------------------------------------------------------------------
# A check reads some of a project's files. Combinations that render those inputs
# identically form a group, and the check runs once per group, on its first member
# (`Group.answers`). Groups are made one of two ways, by how much the check reads:
# - a few named files (test_aws_constraints, test_container, test_workflows):
#   `support.by_inputs` renders them for every combination and groups equal contents;
# - whole trees, every .py or every .tf file (lint, Terraform validation): `by_options`
#   groups by the options that change them, and test_render checks that every member of
#   each group renders the representative's files exactly.


@dataclass
class Group:
    members: list[Answers]
    # The inputs as rendered for the first member (by_inputs); {} for by_options.
    files: dict[str, str] = field(default_factory=dict)

    @property
    def answers(self) -> Answers:
        """The representative the check runs on."""
        return self.members[0]


def group_id(group: Group) -> str:
    """The option values every combination of the group shares, and how many it covers."""
    shared = [
        f"{option}={group.members[0][option] or 'none'}"
        for option in CHOICES
        if len({answers[option] for answers in group.members}) == 1
    ]
    return f"{'-'.join(shared) or 'all'}-covers-{len(group.members)}"


def by_options(
    key: Callable[[Answers], tuple[str, ...]], combinations: Iterable[Answers]
) -> list[Group]:
    """The combinations grouped by `key`: the values of the options that change a tree."""
    groups: dict[tuple[str, ...], Group] = {}
    for answers in combinations:
        groups.setdefault(key(answers), Group([])).members.append(answers)
    return list(groups.values())


# The options that add features to the generated app: every pairing of their values
# runs in SLOW_SUBSET (a test checks that).
FEATURE_KEYS = ("use_s3_uploads", "use_background_jobs")
# The options that change the Python code, its dependencies or its tool configuration:
# these, and the data layer, which is SQLAlchemy's for every SQL database and DynamoDB's.
LINT_KEYS = ("python_version", *FEATURE_KEYS, "frontend")


def data_layer(answers: Answers) -> str:
    return "dynamodb" if answers["database"] == "dynamodb" else "sql"


def lint_group(answers: Answers) -> tuple[str, ...]:
    return (*(answers[key] for key in LINT_KEYS), data_layer(answers))


# The options that change the Terraform of the environments (infra/ but bootstrap): the
# Python version only through the Lambda runtime. Bootstrap changes with `ci`, and with
# the kind of database (a server has its database keys, Postgres and Aurora alike).
INFRA_KEYS = (
    "database",
    "compute",
    "use_s3_uploads",
    "use_background_jobs",
    "domain_name",
    "frontend",
)
BOOTSTRAP_KEYS = ("ci", "database")


def infra_group(answers: Answers) -> tuple[str, ...]:
    group = tuple(answers[key] for key in INFRA_KEYS)
    return (*group, answers["python_version"]) if answers["compute"] == "lambda" else group


DATABASE_SERVERS = ("postgres", "aurora-serverless")


def bootstrap_group(answers: Answers) -> tuple[str, ...]:
    # Postgres and Aurora render the same bootstrap: one database server between them.
    return tuple(
        "server" if key == "database" and answers[key] in DATABASE_SERVERS else answers[key]
        for key in BOOTSTRAP_KEYS
    )


LINT_GROUPS = by_options(lint_group, SUPPORTED)
INFRA_GROUPS = by_options(infra_group, SUPPORTED)
BOOTSTRAP_GROUPS = by_options(bootstrap_group, SUPPORTED)

DEFAULT_PYTHON = CHOICES["python_version"][0]


# What test_lint lints and type-checks: the lint groups of one Python version differ from
# another's only by the version ruff and mypy target, so each group's other options are
# checked once, on one Python: the default, but for the groups with every feature, which
# check the other versions, one each with and without the page (a test checks that each
# version runs on each data layer).
EVERY_FEATURE_PYTHON = dict(zip(CHOICES["frontend"], CHOICES["python_version"][1:], strict=True))


def checks_lint(answers: Answers) -> bool:
    every_feature = all(answers[key] == "y" for key in FEATURE_KEYS)
    python = EVERY_FEATURE_PYTHON[answers["frontend"]] if every_feature else DEFAULT_PYTHON
    return answers["python_version"] == python


LINT_CHECKS = [group for group in LINT_GROUPS if checks_lint(group.answers)]

# What test_terraform validates and scans: the Lambda groups of one Python version differ
# from another's only by the functions' runtime, one attribute no other option touches.
# Every group runs on the default Python's runtime; each other runtime runs once, on the
# group with the most Lambda resources (a test checks the coverage).


def checks_infra(answers: Answers) -> bool:
    every_resource = (
        answers["database"] == "postgres"
        and answers["use_s3_uploads"] == answers["use_background_jobs"] == "y"
        and answers["domain_name"] != ""
    )
    return (
        answers["compute"] == "ecs" or answers["python_version"] == DEFAULT_PYTHON or every_resource
    )


INFRA_CHECKS = [group for group in INFRA_GROUPS if checks_infra(group.answers)]

SLOW_SUBSET: list[Answers] = [
    {
        "python_version": "3.12",
        "database": "postgres",
        "compute": "ecs",
        "use_s3_uploads": "y",
        "use_background_jobs": "y",
        "domain_name": "api.example.com",
        "frontend": "static",
        "ci": "github",
        "open_source_license": "MIT",
    },
    {
        "python_version": "3.13",
        "database": "aurora-serverless",
        "compute": "lambda",
        "use_s3_uploads": "n",
        "use_background_jobs": "n",
        "domain_name": "",
        "frontend": "none",
        "ci": "none",
        "open_source_license": "Apache-2.0",
    },
    {
        "python_version": "3.11",
        "database": "sqlite",
        "compute": "ecs",
        "use_s3_uploads": "y",
        "use_background_jobs": "n",
        "domain_name": "",
        "frontend": "none",
        "ci": "none",
        "open_source_license": "Proprietary",
    },
    {
        "python_version": "3.12",
        "database": "postgres",
        "compute": "lambda",
        "use_s3_uploads": "n",
        "use_background_jobs": "y",
        "domain_name": "",
        "frontend": "none",
        "ci": "github",
        "open_source_license": "MIT",
    },
    {
        "python_version": "3.12",
        "database": "dynamodb",
        "compute": "lambda",
        "use_s3_uploads": "y",
        "use_background_jobs": "y",
        "domain_name": "",
        "frontend": "static",
        "ci": "github",
        "open_source_license": "MIT",
    },
    {
        "python_version": "3.13",
        "database": "dynamodb",
        "compute": "ecs",
        "use_s3_uploads": "n",
        "use_background_jobs": "y",
        "domain_name": "",
        "frontend": "none",
        "ci": "github",
        "open_source_license": "Apache-2.0",
    },
]

SQLITE_LAMBDA = "database=sqlite with compute=lambda is not supported"

# (answers that differ from the defaults, words the refusal on stderr must contain)
REFUSED: list[tuple[Answers, str]] = [
    ({"database": "sqlite", "compute": "lambda"}, SQLITE_LAMBDA),
    ({"project_slug": "Acme Orders"}, "project_slug='Acme Orders' is not valid"),
    ({"project_slug": "-acme"}, "project_slug='-acme' is not valid"),
    ({"project_slug": "acme--orders"}, "project_slug='acme--orders' is not valid"),
    ({"project_slug": "1acme"}, "project_slug='1acme' is not valid"),
    ({"package_name": "acme-orders"}, "package_name='acme-orders' is not a usable Python package"),
    ({"package_name": "class"}, "package_name='class' is not a usable Python package"),
    ({"package_name": "fastapi"}, "package_name='fastapi' is not a usable Python package"),
    ({"package_name": "9lives"}, "package_name='9lives' is not a usable Python package"),
    ({"project_name": "   "}, "project_name is empty"),
    ({"aws_region": "us-east"}, "aws_region='us-east' is not an AWS region name"),
    ({"aws_region": "US-EAST-1"}, "aws_region='US-EAST-1' is not an AWS region name"),
    ({"aws_region": "mars-north-1"}, "aws_region='mars-north-1' is not an AWS region name"),
    ({"domain_name": "not a domain"}, "domain_name='not a domain' is not a DNS name"),
    ({"domain_name": "localhost"}, "domain_name='localhost' is not a DNS name"),
    ({"domain_name": "-bad.example.com"}, "domain_name='-bad.example.com' is not a DNS name"),
    ({"domain_name": "https://api.example.com"}, "is not a DNS name"),
    ({"author_email": "not-an-email"}, "author_email='not-an-email' is not an e-mail address"),
    ({"author_email": "a@b"}, "author_email='a@b' is not an e-mail address"),
    # Choice options are refused by cookiecutter itself, before anything is written.
    ({"python_version": "3.10"}, "3.10 provided for choice variable python_version"),
    ({"compute": "ec2"}, "ec2 provided for choice variable compute"),
    ({"open_source_license": "GPL"}, "GPL provided for choice variable open_source_license"),
]

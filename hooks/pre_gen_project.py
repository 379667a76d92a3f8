"""Refuse bad answers before cookiecutter writes anything.

Each check prints one line naming the option, what is wrong and what to do. When any
check fails the hook exits non-zero and cookiecutter deletes the half-made project
directory, so nothing is left behind.
"""

from __future__ import annotations

import json
import keyword
import re
import sys

# Rendered by cookiecutter before the hook runs; tojson escapes quotes, so the raw string
# always holds valid JSON.
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")

SLUG = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
PACKAGE = re.compile(r"^[a-z_][a-z0-9_]*$")
# Partition-style names: us-east-1, eu-central-2, ap-southeast-4, us-gov-west-1, cn-north-1.
REGION = re.compile(
    r"^[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central)(east|west)?-[1-9]$"
)
DNS_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}$")
# Names that would shadow the standard library or the app's own dependencies on import.
RESERVED_PACKAGES = {
    "test",
    "tests",
    "app",
    "src",
    "alembic",
    "fastapi",
    "sqlalchemy",
    "pydantic",
    "boto3",
    "site",
}


def is_domain(name: str) -> bool:
    labels = name.split(".")
    return (
        len(name) <= 253
        and len(labels) >= 2
        and all(DNS_LABEL.match(label) for label in labels)
        and not labels[-1].isdigit()
    )


def problems(answers: dict[str, str]) -> list[str]:
    # Choice options (python_version, database, ...) are checked by cookiecutter itself.
    found: list[str] = []
    if not answers["project_name"].strip():
        found.append("project_name is empty: give the service a name, e.g. 'Acme Orders API'.")
    slug = answers["project_slug"]
    if not SLUG.match(slug) or len(slug) > 40:
        found.append(
            f"project_slug={slug!r} is not valid: use 1-40 lowercase letters, digits and single "
            "hyphens, starting with a letter (e.g. acme-orders-api); it names AWS resources."
        )
    package = answers["package_name"]
    if not PACKAGE.match(package) or keyword.iskeyword(package) or package in RESERVED_PACKAGES:
        found.append(
            f"package_name={package!r} is not a usable Python package name: use lowercase letters, "
            "digits and underscores, not starting with a digit, not a keyword or a name like "
            f"{', '.join(sorted(RESERVED_PACKAGES))}."
        )
    if not EMAIL.match(answers["author_email"]):
        found.append(f"author_email={answers['author_email']!r} is not an e-mail address.")
    if not REGION.match(answers["aws_region"]):
        found.append(
            f"aws_region={answers['aws_region']!r} is not an AWS region name "
            "(e.g. us-east-1, eu-west-2)."
        )
    domain = answers["domain_name"]
    if domain and not is_domain(domain):
        found.append(
            f"domain_name={domain!r} is not a DNS name: use lowercase labels separated by dots "
            "(e.g. api.example.com), or leave it empty for no custom domain."
        )
    if answers["database"] == "sqlite" and answers["compute"] == "lambda":
        found.append(
            "database=sqlite with compute=lambda is not supported: SQLite lives on an EFS volume "
            "that only one writer may use, and Lambda runs many concurrent copies. "
            "Choose compute=ecs to keep SQLite, "
            "or database=postgres / aurora-serverless for Lambda."
        )
    return found


def main() -> int:
    found = problems(ANSWERS)
    for problem in found:
        print(f"ERROR: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

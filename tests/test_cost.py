"""`make cost` (deploy/cost.py): one project's bill checked line by line against a hand
count, and the dev bills each compute and database promise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.combinations import CHOICES, Answers
from tests.support import render

DEFAULT: Answers = {key: values[0] for key, values in CHOICES.items()}

# The default project's dev environment (postgres, ecs, uploads, jobs; no page, no
# domain) counted by hand from infra/envs/dev/terraform.tfvars, cost/usage.json's "dev"
# and cost/prices.json: dev has no NAT gateway (its tasks run in the public subnets with
# a public IP each), no Container Insights, WAF or dashboard.
HOURS = 730
DEV_BY_HAND = {
    "Flow logs, ingested": 0.5 * 0.50,
    "Flow logs, kept": 0.5 * 14 / 30.4 * 0.03,  # a month's logs, kept 14 days
    "Application Load Balancer": HOURS * 0.0225,
    # 100,000 requests: 25 new connections a second make an LCU, and outweigh 400 MB.
    "Load balancer capacity units": 100_000 / (HOURS * 3600) / 25 * HOURS * 0.008,
    "Load balancer addresses": 2 * HOURS * 0.005,  # one per zone
    "Fargate app tasks (0.25 vCPU, 0.5 GB, x86_64)": HOURS * (0.25 * 0.04048 + 0.5 * 0.004445),
    "Fargate worker tasks (0.25 vCPU, 0.5 GB, x86_64)": HOURS * (0.25 * 0.04048 + 0.5 * 0.004445),
    "Task addresses": 2 * HOURS * 0.005,
    "ECR image storage": 1 * 0.10,
    "App logs, ingested": 100_000 * 0.5 / 1e6 * 0.50,
    "App logs, kept": 100_000 * 0.5 / 1e6 * 14 / 30.4 * 0.03,
    "RDS db.t4g.micro": HOURS * 0.016,
    "RDS gp3 storage": 20 * 0.115,
    "S3 storage": 1 * 0.023,
    "S3 POSTs": 1000 * 0.005 / 1000,
    "S3 GETs": 2 * 1000 * 0.0004 / 1000,  # the download and the job
    "SQS requests": (3 * 1000 + 131_400) * 0.40 / 1e6,
    "Secrets Manager secrets": 2 * 0.40,  # the JWT key, RDS's master user
    "KMS keys": 2 * 1.00,  # the environment's, bootstrap's database key
    # The load balancer's two 5xx and latency, the scaling policy's two, /health/db,
    # database CPU and connections, the dead-letter queue.
    "CloudWatch alarms": 9 * 0.10,
}

# What the dev environments must cost at most, by (compute, database).
DEV_BUDGETS = {
    ("ecs", "postgres"): 70.0,
    ("lambda", "aurora-serverless"): 40.0,
    ("lambda", "dynamodb"): 5.0,
}


def priced(
    cost_python: Any, answers: Answers, tmp_path: Path, config: Path, env: str
) -> dict[str, Any]:
    project = render(answers, tmp_path, config)
    bill: dict[str, Any] = cost_python(project, env)
    return bill


def test_the_default_dev_bill_matches_a_hand_count(
    cost_python: Any, tmp_path: Path, cookiecutter_config: Path
) -> None:
    bill = priced(cost_python, DEFAULT, tmp_path, cookiecutter_config, "dev")
    lines = {line["item"]: line["usd"] for line in bill["lines"]}
    assert lines.keys() == DEV_BY_HAND.keys()
    for item, usd in DEV_BY_HAND.items():
        assert lines[item] == pytest.approx(usd, rel=1e-9), item
    assert bill["total"] == pytest.approx(sum(DEV_BY_HAND.values()), rel=1e-9)
    assert (bill["region"], bill["priced_as"]) == ("us-east-1", "us-east-1")


@pytest.mark.parametrize(
    ("compute", "database"), DEV_BUDGETS, ids=[f"{c}-{d}" for c, d in DEV_BUDGETS]
)
def test_dev_stays_within_its_budget_and_prod_keeps_its_guarantees(
    compute: str, database: str, cost_python: Any, tmp_path: Path, cookiecutter_config: Path
) -> None:
    answers = DEFAULT | {"compute": compute, "database": database}
    project = render(answers, tmp_path, cookiecutter_config)
    dev, prod = cost_python(project, "dev"), cost_python(project, "prod")
    assert dev["total"] <= DEV_BUDGETS[compute, database], dev["lines"]
    # prod: zone-redundant NAT and database, its alarms and dashboard.
    assert prod["resources"]["alarms"] == dev["resources"]["alarms"] > 0
    assert prod["resources"]["dashboards"] == 1
    if database != "dynamodb":
        assert prod["resources"]["nat_gateways"] == 3
        assert prod["resources"]["database_instances"] == 2

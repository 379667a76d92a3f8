"""`make cost` (deploy/cost.py): each environment's bill from its Terraform values,
cost/prices.json and cost/usage.json."""

from __future__ import annotations

import dataclasses
import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest

from deploy import cost
from deploy.project import Project
from deploy.steps import StepError

PROJECT = Project.load()


def shown_product(quantity: str) -> float:
    """What a line's quantity multiplies, from its rounded figures: "3 gateways x 730 h x
    $0.045", "100,000 requests x $0.20 per million"."""
    product = 1.0
    for factor in quantity.split(" x "):
        figure, _, rest = factor.partition(" ")
        if figure.startswith("$"):
            per = rest.removeprefix("per ").replace(",", "")
            product *= float(figure[1:]) / (1_000_000 if per == "million" else float(per or 1))
        else:
            product *= float(figure.replace(",", ""))
    return product


@pytest.mark.parametrize("environment", PROJECT.environments)
def test_each_line_shows_how_it_is_counted(environment: str) -> None:
    bill = cost.bill(PROJECT, environment)
    assert bill.total == pytest.approx(sum(line.usd for line in bill.lines))
    for line in bill.lines:
        assert line.usd >= 0, line
        # The figures shown are rounded to a few digits: within 5%, or a cent.
        assert shown_product(line.quantity) == pytest.approx(line.usd, rel=0.05, abs=0.01), line


def test_every_assumption_is_used_and_explained() -> None:
    assumed = json.loads((PROJECT.root / cost.USAGE_FILE).read_text())
    read: set[str] = set()
    for environment in PROJECT.environments:
        bill = cost.bill(PROJECT, environment)
        assert set(bill.usage) <= set(assumed[environment])
        read |= set(bill.usage)
        assert set(assumed[environment]) == set(assumed[PROJECT.environments[0]])
    # Each one counts in some environment (none is left over from another option set).
    assert read == set(assumed[PROJECT.environments[0]])
    assert read <= set(cost.MEANING)


def test_an_assumption_can_be_overridden_and_a_wrong_one_is_refused() -> None:
    usual = cost.bill(PROJECT, "prod")
    busier = cost.bill(PROJECT, "prod", {"api_requests": 10 * usual.usage["api_requests"]})
    assert busier.usage["api_requests"] == 10 * usual.usage["api_requests"]
    assert busier.total > usual.total
    with pytest.raises(StepError, match=r"USAGE: api_request not in cost/usage.json"):
        cost.bill(PROJECT, "prod", {"api_request": 1})
    with pytest.raises(StepError, match="is not name=number"):
        cost.parse_overrides("api_requests=many")
    assert cost.parse_overrides("api_requests=2e6 response_kb=8") == {
        "api_requests": 2e6,
        "response_kb": 8.0,
    }


def test_var_files_are_priced_as_terraform_applies_them(tmp_path: Path) -> None:
    dev = cost.bill(PROJECT, "dev")
    longer = tmp_path / "longer.tfvars"
    longer.write_text("log_retention_days = 365\n")
    kept = cost.bill(PROJECT, "dev", var_files=[longer])
    assert kept.total > dev.total
    changed = {a.item for a, b in zip(dev.lines, kept.lines, strict=True) if a.usd != b.usd}
    assert changed
    assert all(item.endswith(", kept") for item in changed)
{%- if cookiecutter.database != "dynamodb" %}


def test_an_instance_class_without_a_price_is_refused() -> None:
    usage = cost.load_usage(PROJECT, "dev", {})
    variables = {"db_instance_class": "db.x2g.16xlarge", "db_multi_az": False}
    rds = dataclasses.replace(PROJECT, database="postgres")
    estimate = cost.Estimate(rds, variables, usage, cost.load_prices(rds))
    with pytest.raises(StepError, match=r"db_instance_class db\.x2g\.16xlarge in cost/prices"):
        list(estimate.rds())
{%- endif %}


def test_prices_are_dated_and_a_region_without_its_own_says_so() -> None:
    listed = json.loads((PROJECT.root / cost.PRICES_FILE).read_text())
    datetime.date.fromisoformat(listed["as_of"])
    for region, differences in listed["regions"].items():
        assert set(differences) <= set(listed["prices"]), region
    here = cost.bill(PROJECT, "dev")
    assert f"prices of {listed['as_of']}" in cost.report(here)
    elsewhere = dataclasses.replace(PROJECT, region="ap-southeast-4")
    priced = cost.bill(elsewhere, "dev")
    assert priced.prices.priced_as == cost.BASE_REGION
    assert "ap-southeast-4, priced as us-east-1" in cost.report(priced)


def test_dev_costs_less_than_prod() -> None:
    assert cost.bill(PROJECT, "dev").total < cost.bill(PROJECT, "prod").total


def test_make_cost_prints_each_environment() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "deploy", "cost"],
        cwd=PROJECT.root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for environment in PROJECT.environments:
        assert f"{PROJECT.name} {environment} (" in printed
    assert printed.count("Total") == len(PROJECT.environments)
    refused = subprocess.run(
        [sys.executable, "-m", "deploy", "cost", "--env", "dev", "--usage", "nothing=1"],
        cwd=PROJECT.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 1
    assert "USAGE: nothing not in cost/usage.json" in refused.stderr

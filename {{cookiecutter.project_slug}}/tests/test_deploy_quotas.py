"""The deploy's account checks, against stubbed AWS answers (the emulator has no account
limits)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from deploy.aws import Aws
from deploy.project import Project
from deploy.quotas import FUNCTION_ROLES, check_lambda_concurrency
from deploy.steps import StepError
from deploy.tfvars import environment_values


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """This project's envs/dev variables, with the tfvars each test writes."""
    real = Project.load()
    (tmp_path / "infra" / "envs" / "dev").mkdir(parents=True)
    shutil.copy(real.environment_root("dev") / "variables.tf", tmp_path / "infra/envs/dev")
    return replace(real, root=tmp_path)


@pytest.fixture
def aws() -> Aws:
    # Stubbed: nothing leaves the process (the emulator's credentials, a closed port).
    return Aws("us-east-1", endpoint_url="http://127.0.0.1:9")


def write_tfvars(project: Project, text: str) -> None:
    (project.environment_root("dev") / "terraform.tfvars").write_text(text)


def stubbed(
    aws: Aws,
    monkeypatch: pytest.MonkeyPatch,
    project: Project,
    limit: int,
    unreserved: int,
    reserved: dict[str, int],
) -> Stubber:
    """A Lambda client answering GetAccountSettings with the account's limits and
    GetFunctionConcurrency with what each of the stack's functions reserves (a missing
    role: the function does not exist yet)."""
    client = aws.client("lambda")
    stub = Stubber(client)
    stub.add_response(
        "get_account_settings",
        {
            "AccountLimit": {
                "ConcurrentExecutions": limit,
                "UnreservedConcurrentExecutions": unreserved,
            }
        },
    )
    for role in FUNCTION_ROLES:
        name = {"FunctionName": f"{project.prefix}-dev-{role}"}
        if role in reserved:
            stub.add_response(
                "get_function_concurrency", {"ReservedConcurrentExecutions": reserved[role]}, name
            )
        else:
            stub.add_client_error(
                "get_function_concurrency", "ResourceNotFoundException", expected_params=name
            )
    stub.activate()

    def client_for(self: Aws, service: str, **_: Any) -> Any:
        assert service == "lambda"
        return client

    monkeypatch.setattr(Aws, "client", client_for)
    return stub


def test_the_reservations_are_read_as_terraform_reads_them(project: Project) -> None:
    write_tfvars(
        project,
        "# reservations\n"
        "lambda_reserved_concurrency = null\n"
        "lambda_worker_maximum_concurrency  = 5 # at once\n"
        'cors_allowed_origins = ["https://app.example.com"]\n',
    )
    values = environment_values(project, "dev")
    assert values["lambda_reserved_concurrency"] is None
    assert values["lambda_worker_maximum_concurrency"] == 5
    assert values["cors_allowed_origins"] == ["https://app.example.com"]
    assert values["alarm_email"] is None  # variables.tf's default


def test_without_reservations_the_account_is_not_asked(
    project: Project, aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tfvars(project, "lambda_reserved_concurrency = null\n")
    monkeypatch.setattr(Aws, "client", lambda *_, **__: pytest.fail("AWS was asked"))
    assert check_lambda_concurrency(aws, project, "dev") == "no reserved concurrency"


def test_a_new_account_with_a_quota_of_10_is_told_what_to_change(
    project: Project, aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tfvars(project, "lambda_reserved_concurrency = 10\n")
    stub = stubbed(aws, monkeypatch, project, limit=10, unreserved=10, reserved={})
    with pytest.raises(StepError) as refused:
        check_lambda_concurrency(aws, project, "dev")
    stub.assert_no_pending_responses()
    assert str(refused.value) == (
        "infra/envs/dev/terraform.tfvars reserves Lambda concurrency "
        "(lambda_reserved_concurrency = 10) that would leave this account 0 of its 10 "
        "concurrent executions unreserved in us-east-1, and AWS refuses a reservation that "
        "leaves fewer than 100. Set lambda_reserved_concurrency = null in "
        'infra/envs/dev/terraform.tfvars, or request a "Concurrent executions" quota '
        "(L-B99A9384) of at least 110 for AWS Lambda in Service Quotas"
    )


def test_what_the_stack_reserves_today_is_given_back_by_the_apply(
    project: Project, aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tfvars(
        project,
        "lambda_reserved_concurrency = 90\nlambda_worker_reserved_concurrency = null\n",
    )
    # 140 unreserved now, 50 of the reserved ones the stack's own api and 1 its worker.
    stubbed(
        aws, monkeypatch, project, limit=1000, unreserved=140, reserved={"api": 50, "worker": 1}
    )
    assert check_lambda_concurrency(aws, project, "dev") == (
        "reserving 90 of 1000 leaves 101 unreserved"
    )


def test_every_reservation_of_the_tfvars_counts(
    project: Project, aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tfvars(
        project, "lambda_reserved_concurrency = 50\nlambda_worker_reserved_concurrency = 5\n"
    )
    stubbed(aws, monkeypatch, project, limit=150, unreserved=150, reserved={})
    with pytest.raises(
        StepError,
        match=r"Set lambda_reserved_concurrency = null and "
        r"lambda_worker_reserved_concurrency = null in .*at least 155 ",
    ):
        check_lambda_concurrency(aws, project, "dev")

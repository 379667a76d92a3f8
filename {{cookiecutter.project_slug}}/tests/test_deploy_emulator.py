"""The emulator `make deploy-local` deploys to (emulator/), with IAM enforced as it
is while the deploy role deploys: what a policy does not grant is refused, as on AWS."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from deploy.aws import Aws, error_code
from deploy.local import LocalEmulator
from deploy.project import Project
from emulator import Credentials, server

ACCOUNT = "123456789012"  # moto's
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/acme-boundary"
# As bootstrap's deploy role has them: roles named after the project only, created and
# changed only with the boundary on them; and one call of a REST API (signed over an
# empty body).
DEPLOYER_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["iam:CreateRole", "iam:PutRolePolicy"],
                "Resource": f"arn:aws:iam::{ACCOUNT}:role/acme-*",
                "Condition": {"StringEquals": {"iam:PermissionsBoundary": BOUNDARY}},
            },
            {
                "Effect": "Allow",
                "Action": "iam:GetRole",
                "Resource": f"arn:aws:iam::{ACCOUNT}:role/acme-*",
            },
            {"Effect": "Allow", "Action": "lambda:ListFunctions", "Resource": "*"},
        ],
    }
)
S3_READ = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
)


@pytest.fixture(scope="module")
def account(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Aws]:
    """The patched emulator deploy-local runs, as its account."""
    with server.in_process(tmp_path_factory.mktemp("emulator") / "emulator.log") as url:
        account = Aws("us-east-1", endpoint_url=url)
        account.client("iam").create_policy(PolicyName="acme-boundary", PolicyDocument=S3_READ)
        yield account


@pytest.fixture
def deployer(account: Aws) -> Iterator[Aws]:
    """A role allowed only DEPLOYER_POLICY, assumed, with IAM enforced until the test ends."""
    iam = account.client("iam")
    name = f"deployer-{len(iam.list_roles()['Roles'])}"
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]
    iam.put_role_policy(RoleName=name, PolicyName="deploy", PolicyDocument=DEPLOYER_POLICY)
    assumed = account.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="deploy")
    assert account.endpoint_url is not None
    with LocalEmulator(Project.load()).iam_enforced(account.endpoint_url):
        yield replace(account, credentials=Credentials.assumed(assumed))


def refused(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(ClientError) as error:
        call(*args, **kwargs)  # type: ignore[operator]
    return error_code(error.value)


def create_role(aws: Aws, name: str, **boundary: str) -> str:
    iam = aws.client("iam")
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, **boundary)["Role"][
        "Arn"
    ]
    return arn


def test_a_role_is_created_only_under_a_granted_name_with_the_boundary(deployer: Aws) -> None:
    # moto checks CreateRole against "*" (the role does not exist yet) and knows no
    # iam:PermissionsBoundary; the patches check both, as AWS does.
    arn = create_role(deployer, "acme-app", PermissionsBoundary=BOUNDARY)
    assert deployer.client("iam").get_role(RoleName="acme-app")["Role"]["Arn"] == arn
    create = deployer.client("iam").create_role
    assert refused(
        create, RoleName="other-app", AssumeRolePolicyDocument=TRUST, PermissionsBoundary=BOUNDARY
    ) == ("AccessDenied")
    assert refused(create, RoleName="acme-unbounded", AssumeRolePolicyDocument=TRUST) == (
        "AccessDenied"
    )


@pytest.fixture
def existing_roles(account: Aws) -> None:
    """Roles the deploy did not make: one with the boundary, one from before it."""
    create_role(account, "acme-bounded", PermissionsBoundary=BOUNDARY)
    create_role(account, "acme-older")


def test_a_policy_is_put_only_on_a_role_with_the_boundary(
    existing_roles: None, deployer: Aws
) -> None:
    put = deployer.client("iam").put_role_policy
    put(RoleName="acme-bounded", PolicyName="app", PolicyDocument=S3_READ)
    assert refused(put, RoleName="acme-older", PolicyName="app", PolicyDocument=S3_READ) == (
        "AccessDenied"
    )


def test_what_the_policy_does_not_name_is_refused(deployer: Aws) -> None:
    assert refused(deployer.client("s3").list_buckets) == "AccessDenied"
    assert refused(deployer.client("iam").list_roles) == "AccessDenied"


def test_a_granted_call_without_a_body_is_allowed(deployer: Aws) -> None:
    # moto checked a GET's signature over its parameters, not the empty body signed.
    assert deployer.client("lambda").list_functions()["Functions"] == []


def test_the_accounts_own_credentials_are_refused_while_iam_is_enforced(
    account: Aws, deployer: Aws
) -> None:
    assert refused(account.client("iam").list_roles) == "InvalidClientTokenId"


# What a step deploy-local runs in-process does with the account's credentials.
LISTS_ROLES = (
    "import boto3, os; "
    "iam = boto3.client('iam', endpoint_url=os.environ['AWS_ENDPOINT_URL']); "
    "iam.list_roles()"
)


def test_in_process_steps_run_with_enforcement_paused_and_it_resumes_after(
    account: Aws, tmp_path: Path
) -> None:
    url = account.endpoint_url
    assert url is not None
    local = LocalEmulator(replace(Project.load(), root=tmp_path))
    with local.iam_enforced(url):
        # A refusal would fail the child, and so the call.
        local.run_command(account, "listing roles", {}, ["-c", LISTS_ROLES])
        assert refused(account.client("iam").list_roles) == "InvalidClientTokenId"
    assert account.client("iam").list_roles()["Roles"] is not None

"""What an AWS account must hold before the first apply of an environment."""

from __future__ import annotations

import time
from collections.abc import Iterable

from deploy.aws import Aws

# IAM is eventually consistent: a role just created can take seconds before a service can
# assume it ("Changes that I make are not always immediately visible", IAM User Guide).
ROLE_PROPAGATION_SECONDS = 10


def ensure_service_linked_roles(
    aws: Aws, services: Iterable[str], *, settle_seconds: float = ROLE_PROPAGATION_SECONDS
) -> list[str]:
    """Creates the service-linked role of each service that has none yet in the account;
    returns the services it created one for.

    A service creates its role itself on first use, but in a new account the resource that
    triggers it can fail before the role exists ("Unable to assume the service linked role",
    ECS CreateCluster API reference), so the deploy makes them first. Listing and creating
    them is in AWS's PowerUserAccess, which the deploy role has.
    """
    iam = aws.client("iam")
    present = {
        role["Path"]
        for page in iam.get_paginator("list_roles").paginate(PathPrefix="/aws-service-role/")
        for role in page["Roles"]
    }
    created = []
    for service in services:
        if f"/aws-service-role/{service}/" not in present:
            iam.create_service_linked_role(AWSServiceName=service)
            created.append(service)
    if created:
        time.sleep(settle_seconds)
    return created

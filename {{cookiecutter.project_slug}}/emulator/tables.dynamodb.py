"""project.json's tables, created on a local DynamoDB: the emulator (`make emulator`, the
tests) or DynamoDB Local (docker-compose.yml). In AWS, Terraform creates them from the
same definitions (infra/modules/dynamodb).

    python -m emulator.tables    # `make migrate`: AWS_ENDPOINT_URL's missing tables
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.literals import KeyTypeType

FACTS_FILE = Path(__file__).resolve().parents[1] / "project.json"


def definitions() -> dict[str, dict[str, str]]:
    """Each table's key and TTL attributes, by its name after the prefix."""
    tables: dict[str, Any] = json.loads(FACTS_FILE.read_text())["tables"]
    return {name: table for name, table in tables.items() if not name.startswith("$")}


def create_tables(client: DynamoDBClient, prefix: str) -> list[str]:
    """Creates each table `prefix` lacks, as Terraform does (on demand, the same keys and
    TTL); returns the names of those it created."""
    existing = set(client.get_paginator("list_tables").paginate().build_full_result()["TableNames"])
    created = []
    for name, table in definitions().items():
        full_name = f"{prefix}{name}"
        if full_name in existing:
            continue
        keys: list[tuple[KeyTypeType, str]] = [("HASH", table["hash_key"])]
        if "range_key" in table:
            keys.append(("RANGE", table["range_key"]))
        client.create_table(
            TableName=full_name,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": key, "KeyType": kind} for kind, key in keys],
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"} for _, key in keys],
        )
        client.get_waiter("table_exists").wait(TableName=full_name)
        if "ttl_attribute" in table:
            client.update_time_to_live(
                TableName=full_name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": table["ttl_attribute"]},
            )
        created.append(full_name)
    return created


def main() -> int:
    from {{ cookiecutter.package_name }}.core.config import SettingsError, get_settings
    from {{ cookiecutter.package_name }}.core.db import Database

    try:
        settings = get_settings()
    except SettingsError as error:
        raise SystemExit(f"Invalid configuration: {error}") from None
    endpoint = settings.aws_endpoint_url_dynamodb or settings.aws_endpoint_url
    if not endpoint:
        raise SystemExit(
            "AWS_ENDPOINT_URL is empty: in AWS the tables are Terraform's (`make deploy`). "
            "Point it (or AWS_ENDPOINT_URL_DYNAMODB) at a local DynamoDB (`make emulator`, "
            "or `docker compose up`) to create them there."
        )
    created = create_tables(Database(settings).client, settings.dynamodb_table_prefix)
    where = f"{endpoint} ({settings.dynamodb_table_prefix}*)"
    print(f"created {', '.join(created)} on {where}" if created else f"tables ready on {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The target: the app's DynamoDB tables, read and written with the app's own client
(core/db.py). Scans are this tool's alone: the app never scans."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, cast

from {{ cookiecutter.package_name }}.copy_db import ITEMS_PER_WRITE, WRITERS
from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.core.db import Database, Item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import WriteRequestTypeDef

# A batch's unprocessed items are sent again with exponential backoff and jitter, as the
# API Reference (BatchWriteItem) asks: the table was throttled, and an immediate retry
# would be throttled too.
WRITE_ATTEMPTS = 8
BACKOFF_SECONDS = 0.05
MAX_BACKOFF_SECONDS = 5.0


class UnwrittenItemsError(Exception):
    """DynamoDB kept refusing some items of a batch."""


class Target:
    """The tables `settings` name: each name is DYNAMODB_TABLE_PREFIX and the table's."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.database = Database(settings)

    def describe(self) -> str:
        settings = self.settings
        where = settings.aws_endpoint_url_dynamodb or settings.aws_endpoint_url
        at = f" at {where}" if where else ""
        return f"DynamoDB tables {settings.dynamodb_table_prefix}* in {settings.aws_region}{at}"

    def name(self, table: str) -> str:
        return self.database.table(table)

    def status(self, table: str) -> str | None:
        """The table's status (ACTIVE when it can be written), None when there is none."""
        client = self.database.client
        try:
            response = client.describe_table(TableName=self.name(table))
        except client.exceptions.ResourceNotFoundException:
            return None
        return response["Table"]["TableStatus"]

    def key_names(self, table: str) -> list[str]:
        schema = self.database.client.describe_table(TableName=self.name(table))["Table"]
        return [key["AttributeName"] for key in schema["KeySchema"]]

    def count(self, table: str) -> int:
        pages = self.database.client.get_paginator("scan").paginate(
            TableName=self.name(table), Select="COUNT", ConsistentRead=True
        )
        return sum(page["Count"] for page in pages)

    def items(self, table: str, **scan: Any) -> Iterator[list[dict[str, Any]]]:
        """Every item of the table, a page (up to 1 MB) at a time, strongly consistent."""
        pages = self.database.client.get_paginator("scan").paginate(
            TableName=self.name(table), ConsistentRead=True, **scan
        )
        for page in pages:
            yield page["Items"]

    def put(self, table: str, items: Sequence[Item]) -> None:
        self._write(table, [{"PutRequest": {"Item": item}} for item in items])

    def delete_all(self, table: str) -> int:
        """Deletes every item of the table; returns how many."""
        keys = self.key_names(table)
        projection = {
            "ProjectionExpression": ", ".join(f"#k{index}" for index in range(len(keys))),
            "ExpressionAttributeNames": {f"#k{index}": key for index, key in enumerate(keys)},
        }
        deleted = 0
        for page in self.items(table, **projection):
            self._write(table, [{"DeleteRequest": {"Key": item}} for item in page])
            deleted += len(page)
        return deleted

    def close(self) -> None:
        self.database.close()

    def _write(self, table: str, requests: Sequence[WriteRequestTypeDef]) -> None:
        """`requests`, ITEMS_PER_WRITE to a BatchWriteItem call, WRITERS calls at once."""
        batches = [
            requests[first : first + ITEMS_PER_WRITE]
            for first in range(0, len(requests), ITEMS_PER_WRITE)
        ]
        if len(batches) <= 1:
            for batch in batches:
                self._write_batch(table, batch)
            return
        with ThreadPoolExecutor(min(WRITERS, len(batches))) as writers:
            # list() raises the first batch's error here.
            list(writers.map(lambda batch: self._write_batch(table, batch), batches))

    def _write_batch(self, table: str, requests: Sequence[WriteRequestTypeDef]) -> None:
        name = self.name(table)
        pending = {name: list(requests)}
        for attempt in range(WRITE_ATTEMPTS):
            response = self.database.client.batch_write_item(RequestItems=pending)
            unprocessed = response.get("UnprocessedItems") or {}
            if not unprocessed:
                return
            pending = {name: cast("list[WriteRequestTypeDef]", unprocessed[name])}
            ceiling = min(MAX_BACKOFF_SECONDS, BACKOFF_SECONDS * 2**attempt)
            time.sleep(random.uniform(0, ceiling))  # noqa: S311 - jitter, not a secret
        raise UnwrittenItemsError(
            f"DynamoDB left {len(pending[name])} items of {name} unwritten after "
            f"{WRITE_ATTEMPTS} attempts (throttled)"
        )

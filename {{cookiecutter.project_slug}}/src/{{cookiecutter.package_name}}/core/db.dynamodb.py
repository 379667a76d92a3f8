"""DynamoDB access: the client, the tables' names, and records as items.

The client is built on first use, never at import, so importing the app loads no AWS SDK
and calls nothing. botocore's calls block: each runs in a worker thread (`Database.run`),
and the event loop serves other requests meanwhile.

Records are dataclasses derived from `Record` (users/models.py, ...). An item holds
each field under its own name: text, ids, enums and times as strings (times in UTC, to
the microsecond, so their order as text is their order in time), whole numbers as
numbers, flags as booleans. A field that is None is left out of the item.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import types
import typing
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ParamSpec, Self, TypeVar

import structlog

from {{ cookiecutter.package_name }}.core import aws
from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.core.errors import ServiceUnavailableError
from {{ cookiecutter.package_name }}.core.ids import PageRequest, encode_cursor

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, QueryInputTypeDef

log = structlog.get_logger(__name__)

Parameters = ParamSpec("Parameters")
Result = TypeVar("Result")
Item = dict[str, "AttributeValueTypeDef"]

# Errors that say DynamoDB cannot serve the call now, after the client's own retries:
# the request gets a 503 and may be retried ("Error handling with DynamoDB", DynamoDB
# Developer Guide: throttling and 5xx errors are retryable).
UNAVAILABLE = frozenset(
    {
        "InternalServerError",
        "LimitExceededException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "ServiceUnavailable",
        "ThrottlingException",
    }
)
# The key /health/db reads: no record has it, so the check costs one read of nothing.
HEALTH_CHECK_KEY = "health-check"


class ConditionFailedError(Exception):
    """A write's ConditionExpression did not hold: nothing was written."""


class TransactionCancelledError(Exception):
    """A TransactWriteItems wrote nothing. `reasons` holds a code per action, in the
    request's order ("None" for an action that did not fail), as DynamoDB lists them in
    CancellationReasons (API Reference, TransactWriteItems)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(", ".join(reasons))
        self.reasons = reasons


class Database:
    """The app's DynamoDB client, created on first use and closed on shutdown."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._client: DynamoDBClient | None = None

    @property
    def client(self) -> DynamoDBClient:
        if self._client is None:
            self._client = aws.dynamodb_client(self._settings)
        return self._client

    def table(self, name: str) -> str:
        """The name, in this environment, of project.json's table `name`."""
        return f"{self._settings.dynamodb_table_prefix}{name}"

    async def run(
        self,
        call: Callable[Parameters, Result],
        *args: Parameters.args,
        **kwargs: Parameters.kwargs,
    ) -> Result:
        """`call` (a method of `client`) in a worker thread. A DynamoDB that cannot answer
        (unreachable, or still throttling after the client's retries) is a
        ServiceUnavailableError; a false condition is a ConditionFailedError, a cancelled
        transaction a TransactionCancelledError."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return await asyncio.to_thread(call, *args, **kwargs)
        except BotoCoreError as error:
            log.warning("database_unreachable", error_type=type(error).__name__)
            raise ServiceUnavailableError("Database is unreachable") from None
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code == "ConditionalCheckFailedException":
                raise ConditionFailedError from None
            if code == "TransactionCanceledException":
                reasons = error.response.get("CancellationReasons", [])
                codes = [str(reason.get("Code", "None")) for reason in reasons]
                raise TransactionCancelledError(codes) from None
            if code not in UNAVAILABLE:
                raise
            log.warning("database_unavailable", error_code=code)
            raise ServiceUnavailableError("Database is busy: retry shortly") from None

    @property
    def name(self) -> str:
        """The database's kind, as /health/db reports it."""
        return "dynamodb"

    async def ping(self) -> None:
        """One strongly consistent read of a key no record has."""
        await self.run(
            self.client.get_item,
            TableName=self.table("users"),
            Key={"id": {"S": HEALTH_CHECK_KEY}},
            ConsistentRead=True,
        )

    async def dispose(self) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def forget(self) -> None:
        """Drops the client without closing its connections (as a restored SnapStart copy
        should: another copy holds the same sockets). The next use builds a new one."""
        self._client = None


def timestamp(value: datetime) -> str:
    """`value` as stored: UTC, to the microsecond, so text order is time order."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: pass an aware datetime (UTC)")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def attribute(value: object) -> AttributeValueTypeDef:
    """One field's value as a DynamoDB attribute value."""
    if isinstance(value, bool):  # before int, which bool is a kind of
        return {"BOOL": value}
    if isinstance(value, int):
        return {"N": str(value)}
    if isinstance(value, datetime):
        return {"S": timestamp(value)}
    if isinstance(value, str | uuid.UUID):  # enums here are StrEnums
        return {"S": str(value)}
    raise TypeError(f"no DynamoDB attribute for a {type(value).__name__}")


@dataclasses.dataclass(kw_only=True)
class Record:
    """The base of every table's record: a dataclass that is stored as one item."""

    def to_item(self) -> Item:
        """The record as an item; fields that are None are left out."""
        return {
            field.name: attribute(value)
            for field in dataclasses.fields(self)
            if (value := getattr(self, field.name)) is not None
        }

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> Self:
        """The record from an item that `to_item` wrote; attributes that are not fields
        (a TTL time) are ignored, and missing ones take the field's default."""
        values = {
            name: _value(field_type, item[name])
            for name, field_type in cls.field_types().items()
            if name in item
        }
        return cls(**values)

    @classmethod
    def field_types(cls) -> dict[str, type]:
        """Each field's type, without its `| None`, read from the annotations once."""
        field_types = _FIELD_TYPES.get(cls)
        if field_types is None:
            field_types = _FIELD_TYPES[cls] = _field_types(cls)
        return field_types


# Each record class's field types, read from its annotations once.
_FIELD_TYPES: dict[type[Record], dict[str, type]] = {}


def _field_types(kind: type[Record]) -> dict[str, type]:
    hints = typing.get_type_hints(kind)
    types_by_name = {}
    for field in dataclasses.fields(kind):
        field_type = hints[field.name]
        if isinstance(field_type, types.UnionType):
            (field_type,) = (arg for arg in typing.get_args(field_type) if arg is not type(None))
        types_by_name[field.name] = field_type
    return types_by_name


def _value(field_type: type, value: Mapping[str, Any]) -> object:
    if field_type is bool:
        return bool(value["BOOL"])
    if field_type is int:
        return int(value["N"])
    if field_type is datetime:
        return datetime.fromisoformat(value["S"])
    if field_type is uuid.UUID or issubclass(field_type, enum.Enum | str):
        return field_type(value["S"])
    raise TypeError(f"no field of type {field_type.__name__} in DynamoDB")


def owned_key(owner_id: uuid.UUID, record_id: uuid.UUID) -> Item:
    """The key of a record in a table keyed (owner_id, id)."""
    return {"owner_id": {"S": str(owner_id)}, "id": {"S": str(record_id)}}


async def owned_item(
    database: Database, table: str, owner_id: uuid.UUID, record_id: uuid.UUID
) -> dict[str, Any] | None:
    """`owner_id`'s item `record_id` of a table keyed (owner_id, id), read strongly
    consistent; None when the owner has none by that id."""
    response = await database.run(
        database.client.get_item,
        TableName=table,
        Key=owned_key(owner_id, record_id),
        ConsistentRead=True,
    )
    return response.get("Item")


async def owned_page(
    database: Database, table: str, owner_id: uuid.UUID, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of `owner_id`'s items in a table keyed (owner_id, id), in id order, after
    the page's cursor; and the cursor of the next page (None: nothing follows).

    One Query, on the owner's partition alone. It asks for one item more than the page
    holds, to know whether another page follows: DynamoDB's LastEvaluatedKey cannot tell,
    as it is also set when the last page is exactly full (API Reference, Query).
    """
    query: QueryInputTypeDef = {
        "TableName": table,
        "KeyConditionExpression": "owner_id = :owner",
        "ExpressionAttributeValues": {":owner": {"S": str(owner_id)}},
        "Limit": page.limit + 1,
        "ConsistentRead": True,
    }
    if page.after is not None:
        query["ExclusiveStartKey"] = owned_key(owner_id, page.after)
    response = await database.run(database.client.query, **query)
    items = response["Items"]
    if len(items) <= page.limit:
        return items, None
    items = items[: page.limit]
    return items, encode_cursor(uuid.UUID(items[-1]["id"]["S"]))

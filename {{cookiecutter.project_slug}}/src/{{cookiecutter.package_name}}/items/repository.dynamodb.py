"""The items table. Every key names the owner, so another user's item is
indistinguishable from a missing one."""

from __future__ import annotations

import uuid
from typing import Any

from {{ cookiecutter.package_name }}.core.clock import utcnow
from {{ cookiecutter.package_name }}.core.db import (
    ConditionFailedError,
    Database,
    attribute,
    owned_item,
    owned_key,
    owned_page,
)
from {{ cookiecutter.package_name }}.core.errors import NotFoundError
from {{ cookiecutter.package_name }}.core.ids import PageRequest
from {{ cookiecutter.package_name }}.items.models import Item
from {{ cookiecutter.package_name }}.items.schemas import ItemCreate


class ItemRepository:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._table = database.table("items")

    async def add(self, owner_id: uuid.UUID, data: ItemCreate) -> Item:
        item = Item(owner_id=owner_id, **data.model_dump())
        await self._database.run(
            self._database.client.put_item,
            TableName=self._table,
            Item=item.to_item(),
            ConditionExpression="attribute_not_exists(id)",
        )
        return item

    async def page(self, owner_id: uuid.UUID, page: PageRequest) -> tuple[list[Item], str | None]:
        items, cursor = await owned_page(self._database, self._table, owner_id, page)
        return [Item.from_item(item) for item in items], cursor

    async def get(self, owner_id: uuid.UUID, item_id: uuid.UUID) -> Item | None:
        item = await owned_item(self._database, self._table, owner_id, item_id)
        return Item.from_item(item) if item is not None else None

    async def update(self, item: Item, changes: dict[str, Any]) -> Item:
        """Sets the changed fields (a None removes the attribute) on the stored item; a
        NotFoundError if it was deleted meanwhile, which this never brings back."""
        changes = {**changes, "updated_at": utcnow()}
        names = {f"#{field}": field for field in changes}
        kept = {field: value for field, value in changes.items() if value is not None}
        removed = [f"#{field}" for field, value in changes.items() if value is None]
        expression = "SET " + ", ".join(f"#{field} = :{field}" for field in kept)
        if removed:
            expression += " REMOVE " + ", ".join(removed)
        try:
            response = await self._database.run(
                self._database.client.update_item,
                TableName=self._table,
                Key=owned_key(item.owner_id, item.id),
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(id)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={
                    f":{field}": attribute(value) for field, value in kept.items()
                },
                ReturnValues="ALL_NEW",
            )
        except ConditionFailedError:
            raise NotFoundError("Item not found") from None
        return Item.from_item(response["Attributes"])

    async def delete(self, item: Item) -> None:
        await self._database.run(
            self._database.client.delete_item,
            TableName=self._table,
            Key=owned_key(item.owner_id, item.id),
        )

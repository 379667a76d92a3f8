"""Item logic, free of HTTP and of the database: the routes and the tests call these."""

from __future__ import annotations

import uuid

from {{ cookiecutter.package_name }}.core.errors import NotFoundError
from {{ cookiecutter.package_name }}.core.ids import PageRequest
from {{ cookiecutter.package_name }}.items.models import Item
from {{ cookiecutter.package_name }}.items.repository import ItemRepository
from {{ cookiecutter.package_name }}.items.schemas import ItemCreate, ItemUpdate
from {{ cookiecutter.package_name }}.users.models import User


async def create_item(items: ItemRepository, owner: User, data: ItemCreate) -> Item:
    return await items.add(owner.id, data)


async def list_items(
    items: ItemRepository, owner: User, page: PageRequest
) -> tuple[list[Item], str | None]:
    return await items.page(owner.id, page)


async def get_item(items: ItemRepository, owner: User, item_id: uuid.UUID) -> Item:
    item = await items.get(owner.id, item_id)
    if item is None:
        raise NotFoundError("Item not found")
    return item


async def update_item(items: ItemRepository, item: Item, data: ItemUpdate) -> Item:
    return await items.update(item, data.model_dump(exclude_unset=True))


async def delete_item(items: ItemRepository, item: Item) -> None:
    await items.delete(item)

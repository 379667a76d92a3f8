"""Item logic, free of HTTP. Every query is scoped to its owner: another user's item is
indistinguishable from a missing one."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from {{ cookiecutter.package_name }}.core.db import fetch_page
from {{ cookiecutter.package_name }}.core.errors import NotFoundError
from {{ cookiecutter.package_name }}.core.ids import PageRequest
from {{ cookiecutter.package_name }}.items.models import Item
from {{ cookiecutter.package_name }}.items.schemas import ItemCreate, ItemUpdate
from {{ cookiecutter.package_name }}.users.models import User


async def create_item(session: AsyncSession, owner: User, data: ItemCreate) -> Item:
    item = Item(owner_id=owner.id, **data.model_dump())
    session.add(item)
    await session.commit()
    return item


async def list_items(
    session: AsyncSession, owner: User, page: PageRequest
) -> tuple[list[Item], str | None]:
    owned = select(Item).where(Item.owner_id == owner.id)
    return await fetch_page(session, owned, Item.id, page)


async def get_item(session: AsyncSession, owner: User, item_id: uuid.UUID) -> Item:
    item = await session.scalar(select(Item).where(Item.id == item_id, Item.owner_id == owner.id))
    if item is None:
        raise NotFoundError("Item not found")
    return item


async def update_item(session: AsyncSession, item: Item, data: ItemUpdate) -> Item:
    for field, value in data.model_dump(exclude_unset=True).items():
        setattr(item, field, value)
    await session.commit()
    return item


async def delete_item(session: AsyncSession, item: Item) -> None:
    await session.delete(item)
    await session.commit()

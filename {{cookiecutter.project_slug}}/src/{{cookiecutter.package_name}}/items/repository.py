"""The items table. Every read names the owner, so another user's item is
indistinguishable from a missing one."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from {{ cookiecutter.package_name }}.core.db import fetch_page
from {{ cookiecutter.package_name }}.core.ids import PageRequest
from {{ cookiecutter.package_name }}.items.models import Item
from {{ cookiecutter.package_name }}.items.schemas import ItemCreate


class ItemRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, owner_id: uuid.UUID, data: ItemCreate) -> Item:
        item = Item(owner_id=owner_id, **data.model_dump())
        self._session.add(item)
        await self._session.commit()
        return item

    async def page(self, owner_id: uuid.UUID, page: PageRequest) -> tuple[list[Item], str | None]:
        owned = select(Item).where(Item.owner_id == owner_id)
        return await fetch_page(self._session, owned, Item.id, page)

    async def get(self, owner_id: uuid.UUID, item_id: uuid.UUID) -> Item | None:
        item: Item | None = await self._session.scalar(
            select(Item).where(Item.id == item_id, Item.owner_id == owner_id)
        )
        return item

    async def update(self, item: Item, changes: dict[str, Any]) -> Item:
        for field, value in changes.items():
            setattr(item, field, value)
        await self._session.commit()
        return item

    async def delete(self, item: Item) -> None:
        await self._session.delete(item)
        await self._session.commit()

from __future__ import annotations

import uuid
from http import HTTPStatus

from fastapi import APIRouter, status

from {{ cookiecutter.package_name }}.api.deps import CurrentUser, ItemsDep
from {{ cookiecutter.package_name }}.api.fields import PageQuery
from {{ cookiecutter.package_name }}.core.errors import documented
from {{ cookiecutter.package_name }}.items import service
from {{ cookiecutter.package_name }}.items.models import Item
from {{ cookiecutter.package_name }}.items.schemas import ItemCreate, ItemPage, ItemRead, ItemUpdate

router = APIRouter(prefix="/items", tags=["items"], responses=documented(HTTPStatus.UNAUTHORIZED))
# Another user's item is a 404 too, never a 403 that confirms it exists.
NOT_FOUND = documented(HTTPStatus.NOT_FOUND)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ItemRead)
async def create_item(data: ItemCreate, user: CurrentUser, items: ItemsDep) -> Item:
    return await service.create_item(items, user, data)


@router.get("")
async def list_items(user: CurrentUser, items: ItemsDep, page: PageQuery) -> ItemPage:
    found, next_cursor = await service.list_items(items, user, page)
    return ItemPage(
        items=[ItemRead.model_validate(item) for item in found],
        limit=page.limit,
        next_cursor=next_cursor,
    )


@router.get("/{item_id}", response_model=ItemRead, responses=NOT_FOUND)
async def get_item(item_id: uuid.UUID, user: CurrentUser, items: ItemsDep) -> Item:
    return await service.get_item(items, user, item_id)


@router.patch("/{item_id}", response_model=ItemRead, responses=NOT_FOUND)
async def update_item(
    item_id: uuid.UUID, data: ItemUpdate, user: CurrentUser, items: ItemsDep
) -> Item:
    item = await service.get_item(items, user, item_id)
    return await service.update_item(items, item, data)


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND)
async def delete_item(item_id: uuid.UUID, user: CurrentUser, items: ItemsDep) -> None:
    item = await service.get_item(items, user, item_id)
    await service.delete_item(items, item)

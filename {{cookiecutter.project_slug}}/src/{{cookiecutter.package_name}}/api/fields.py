"""Schema building blocks every resource shares: safe text, ids and pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from pydantic import AfterValidator, BaseModel, StringConstraints

from {{ cookiecutter.package_name }}.core.errors import InvalidInputError
from {{ cookiecutter.package_name }}.core.ids import InvalidCursorError, PageRequest, decode_cursor

MAX_PAGE_SIZE = 100
CURSOR_LENGTH = 22  # 16 bytes in unpadded URL-safe base64


def _no_nul(value: str) -> str:
    # Postgres text cannot hold NUL; refusing it here keeps every backend identical.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


NoNul = AfterValidator(_no_nul)
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoNul
]
LongText = Annotated[str, StringConstraints(max_length=10_000), NoNul]

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="page size")]
Cursor = Annotated[
    str | None,
    Query(
        min_length=CURSOR_LENGTH,
        max_length=CURSOR_LENGTH,
        description="the previous page's next_cursor; absent for the first page",
    ),
]


async def page_request(limit: Limit = 20, cursor: Cursor = None) -> PageRequest:
    if cursor is None:
        return PageRequest(limit=limit, after=None)
    try:
        return PageRequest(limit=limit, after=decode_cursor(cursor))
    except InvalidCursorError as error:
        raise InvalidInputError(str(error), field="query.cursor") from None


PageQuery = Annotated[PageRequest, Depends(page_request)]


class PageMeta(BaseModel):
    """A page of a list ordered by id; each resource's page adds its `items`. Pass
    `next_cursor` back as `cursor` for the next page; null on the last one."""

    limit: int
    next_cursor: str | None

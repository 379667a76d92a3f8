"""Schema building blocks every resource shares: safe text, ids, pages and one value
per query parameter."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from pydantic import BaseModel, GetCoreSchemaHandler, GetJsonSchemaHandler, StringConstraints
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from {{ cookiecutter.package_name }}.core.errors import InvalidInputError
from {{ cookiecutter.package_name }}.core.ids import InvalidCursorError, PageRequest, decode_cursor

MAX_PAGE_SIZE = 100
# 16 bytes in unpadded URL-safe base64: 22 characters, the last carrying 2 of the 6 bits
# it could, so its 4 low bits are 0.
CURSOR_PATTERN = "^[A-Za-z0-9_-]{21}[AQgw]$"


def _no_nul(value: str) -> str:
    # Postgres text cannot hold NUL; refusing it here keeps every backend identical.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


NO_NUL_PATTERN = "^[^\\x00]*$"


class _NoNul:
    """Refuses NUL characters, and says so in the OpenAPI schema with a pattern, so
    clients and the generated API tests know the rule."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_no_nul, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {**handler(schema), "pattern": NO_NUL_PATTERN}


NoNul = _NoNul()
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoNul
]
LongText = Annotated[str, StringConstraints(max_length=10_000), NoNul]

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="page size")]
Cursor = Annotated[
    str | None,
    Query(
        pattern=CURSOR_PATTERN,
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


async def refuse_repeated_query_parameters(request: Request) -> None:
    """422 for `?limit=5&limit=50`: FastAPI would take one value silently, and a cache or
    proxy in front may take the other."""
    names = [name for name, _ in request.query_params.multi_items()]
    repeated = next((name for name in names if names.count(name) > 1), None)
    if repeated is not None:
        raise InvalidInputError(f"{repeated!r} is given more than once", field=f"query.{repeated}")

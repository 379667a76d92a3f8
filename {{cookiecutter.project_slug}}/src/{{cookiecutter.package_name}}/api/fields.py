"""Schema building blocks every resource shares: safe text, ids and pagination."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, StringConstraints

# Postgres INTEGER: larger ids can never exist, and asking for one must be a 4xx, not a 500.
MAX_ID = 2_147_483_647
MAX_PAGE_SIZE = 100


def _no_nul(value: str) -> str:
    # Postgres text cannot hold NUL; refusing it here keeps both backends identical.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


NoNul = AfterValidator(_no_nul)
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoNul
]
LongText = Annotated[str, StringConstraints(max_length=10_000), NoNul]

ResourceId = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_ID, description="rows to skip")]


class PageMeta(BaseModel):
    """Where a page sits in the whole list; each resource's page adds its `items`."""

    total: int
    limit: int
    offset: int

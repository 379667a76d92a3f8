from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import AuthHeaders, assert_error

ITEMS = "/api/v1/items"


def create(
    client: TestClient, headers: dict[str, str], title: str, **fields: Any
) -> dict[str, Any]:
    response = client.post(ITEMS, json={"title": title, **fields}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_crud_flow(client: TestClient, auth_headers: AuthHeaders) -> None:
    headers = auth_headers("owner@example.com")
    item = create(client, headers, "  Buy milk  ", description="2 litres, ünïcödé ✓")
    assert item["title"] == "Buy milk"
    assert item["description"] == "2 litres, ünïcödé ✓"
    item_url = f"{ITEMS}/{item['id']}"

    assert client.get(item_url, headers=headers).json() == item

    patched = client.patch(item_url, json={"description": None}, headers=headers)
    assert patched.status_code == 200
    assert patched.json()["title"] == "Buy milk"
    assert patched.json()["description"] is None
    assert patched.json()["updated_at"] >= item["updated_at"]

    assert client.delete(item_url, headers=headers).status_code == 204
    assert_error(client.get(item_url, headers=headers), 404, "not_found")


def pages(client: TestClient, headers: dict[str, str], limit: int) -> Iterator[list[str]]:
    """The ids of each page, following next_cursor until the last page."""
    params: dict[str, str | int] = {"limit": limit}
    while True:
        response = client.get(ITEMS, params=params, headers=headers)
        assert response.status_code == 200, response.text
        yield [item["id"] for item in response.json()["items"]]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return
        params["cursor"] = cursor


def test_list_is_paginated_in_creation_order(client: TestClient, auth_headers: AuthHeaders) -> None:
    headers = auth_headers("pager@example.com")
    ids = [create(client, headers, f"item {n}")["id"] for n in range(5)]
    default = client.get(ITEMS, headers=headers).json()
    assert [item["id"] for item in default["items"]] == ids
    assert (default["limit"], default["next_cursor"]) == (20, None)
    assert list(pages(client, headers, limit=2)) == [ids[0:2], ids[2:4], ids[4:]]
    assert list(pages(client, headers, limit=5)) == [ids]


def test_paging_while_items_are_added_returns_each_item_once(
    client: TestClient, auth_headers: AuthHeaders
) -> None:
    headers = auth_headers("busy@example.com")
    created = [create(client, headers, f"item {n}")["id"] for n in range(4)]
    seen: list[str] = []
    for page in pages(client, headers, limit=3):
        seen += page
        created.append(create(client, headers, f"added after {len(seen)} seen")["id"])
    # Rows added behind the cursor are never read twice; those ahead of it are read.
    assert seen == created[: len(seen)]
    assert len(seen) >= 5


def test_other_users_items_are_not_found(client: TestClient, auth_headers: AuthHeaders) -> None:
    alice = auth_headers("alice@example.com")
    mallory = auth_headers("mallory@example.com")
    item = create(client, alice, "alice's secret")
    item_url = f"{ITEMS}/{item['id']}"

    assert_error(client.get(item_url, headers=mallory), 404, "not_found")
    assert_error(client.patch(item_url, json={"title": "pwned"}, headers=mallory), 404, "not_found")
    assert_error(client.delete(item_url, headers=mallory), 404, "not_found")
    # Same answer as an id that never existed: the response confirms nothing.
    missing = client.get(f"{ITEMS}/{uuid.uuid4()}", headers=mallory)
    assert client.get(item_url, headers=mallory).json()["error"] == missing.json()["error"]
    assert client.get(ITEMS, headers=mallory).json()["items"] == []
    assert client.get(item_url, headers=alice).json() == item


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": ""},
        {"title": "   "},
        {"title": "x" * 201},
        {"title": "nul\x00byte"},
        {"title": 123},
        {"title": ["list"]},
        {"title": "ok", "description": "d" * 10_001},
        {"title": "ok", "description": "nul\x00"},
    ],
)
def test_create_rejects_bad_bodies(
    client: TestClient, auth_headers: AuthHeaders, body: dict[str, object]
) -> None:
    headers = auth_headers("strict@example.com")
    assert_error(client.post(ITEMS, json=body, headers=headers), 422, "validation_error")


def test_update_cannot_null_the_title(client: TestClient, auth_headers: AuthHeaders) -> None:
    headers = auth_headers("nulls@example.com")
    item = create(client, headers, "keep me")
    response = client.patch(f"{ITEMS}/{item['id']}", json={"title": None}, headers=headers)
    error = assert_error(response, 422, "validation_error")
    assert error["details"][0]["field"] == "body.title"


@pytest.mark.parametrize(
    "item_id", ["0", "1", "abc", "1.5", "9" * 40, "0" * 31, "urn:uuid:" + "g" * 32]
)
def test_bad_ids_are_422(client: TestClient, auth_headers: AuthHeaders, item_id: str) -> None:
    headers = auth_headers("ids@example.com")
    for method in ("GET", "PATCH", "DELETE"):
        response = client.request(method, f"{ITEMS}/{item_id}", json={}, headers=headers)
        assert_error(response, 422, "validation_error")


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"limit": "x"},
        {"cursor": ""},
        {"cursor": "x" * 21},
        {"cursor": "!" * 22},
        {"cursor": "A" * 21 + "B"},  # base64 whose last character carries stray bits
        {"cursor": "A" * 23},
    ],
)
def test_bad_pagination_is_422(
    client: TestClient, auth_headers: AuthHeaders, params: dict[str, int | str]
) -> None:
    headers = auth_headers("pages@example.com")
    assert_error(client.get(ITEMS, params=params, headers=headers), 422, "validation_error")


def test_items_need_authentication(client: TestClient) -> None:
    assert_error(client.get(ITEMS), 401, "unauthorized")
    assert_error(client.post(ITEMS, json={"title": "x"}), 401, "unauthorized")

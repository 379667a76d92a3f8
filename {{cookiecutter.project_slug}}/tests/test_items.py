from __future__ import annotations

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


def test_list_is_paginated_and_ordered(client: TestClient, auth_headers: AuthHeaders) -> None:
    headers = auth_headers("pager@example.com")
    ids = [create(client, headers, f"item {n}")["id"] for n in range(5)]
    page = client.get(ITEMS, params={"limit": 2, "offset": 2}, headers=headers).json()
    assert page["total"] == 5
    assert (page["limit"], page["offset"]) == (2, 2)
    assert [item["id"] for item in page["items"]] == ids[2:4]
    default = client.get(ITEMS, headers=headers).json()
    assert [item["id"] for item in default["items"]] == ids
    past_end = client.get(ITEMS, params={"offset": 99}, headers=headers).json()
    assert past_end["items"] == []
    assert past_end["total"] == 5


def test_other_users_items_are_not_found(client: TestClient, auth_headers: AuthHeaders) -> None:
    alice = auth_headers("alice@example.com")
    mallory = auth_headers("mallory@example.com")
    item = create(client, alice, "alice's secret")
    item_url = f"{ITEMS}/{item['id']}"

    assert_error(client.get(item_url, headers=mallory), 404, "not_found")
    assert_error(client.patch(item_url, json={"title": "pwned"}, headers=mallory), 404, "not_found")
    assert_error(client.delete(item_url, headers=mallory), 404, "not_found")
    # Same answer as an id that never existed: the response confirms nothing.
    missing = client.get(f"{ITEMS}/2147483647", headers=mallory)
    assert client.get(item_url, headers=mallory).json()["error"] == missing.json()["error"]
    assert client.get(ITEMS, headers=mallory).json()["total"] == 0
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


@pytest.mark.parametrize("item_id", ["0", "-1", "abc", "1.5", "2147483648", "9" * 40])
def test_bad_ids_are_422(client: TestClient, auth_headers: AuthHeaders, item_id: str) -> None:
    headers = auth_headers("ids@example.com")
    for method in ("GET", "PATCH", "DELETE"):
        response = client.request(method, f"{ITEMS}/{item_id}", json={}, headers=headers)
        assert_error(response, 422, "validation_error")


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 101}, {"limit": "x"}, {"offset": -1}, {"offset": 2**63}],
)
def test_bad_pagination_is_422(
    client: TestClient, auth_headers: AuthHeaders, params: dict[str, int | str]
) -> None:
    headers = auth_headers("pages@example.com")
    assert_error(client.get(ITEMS, params=params, headers=headers), 422, "validation_error")


def test_items_need_authentication(client: TestClient) -> None:
    assert_error(client.get(ITEMS), 401, "unauthorized")
    assert_error(client.post(ITEMS, json={"title": "x"}), 401, "unauthorized")

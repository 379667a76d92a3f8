"""Presigned uploads against a moto S3 on loopback: the real HTTP flow, and the signed
policy decoded (moto does not enforce policy conditions; real S3 does)."""

from __future__ import annotations

import asyncio
import base64
{%- if cookiecutter.use_background_jobs == "y" %}
import hashlib
{%- endif %}
import json
import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest
from botocore.stub import Stubber
from fastapi import FastAPI
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.core.aws import s3_client
from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.main import create_app
from {{ cookiecutter.package_name }}.uploads import storage
from {{ cookiecutter.package_name }}.uploads.service import safe_filename
from tests.helpers import UPLOADS, AuthHeaders, assert_error, post_file, sign

MAX_BYTES = 1024


@pytest.fixture
def upload_settings(aws_settings: Settings, uploads_bucket: str) -> Settings:
    return aws_settings.model_copy(
        update={
            "uploads_bucket": uploads_bucket,
            "upload_max_bytes": MAX_BYTES,
            "upload_allowed_types": ["text/plain", "image/png"],
        }
    )


@pytest.fixture
def app(upload_settings: Settings) -> FastAPI:
    return create_app(upload_settings)


def test_full_flow(client: TestClient, auth_headers: AuthHeaders) -> None:
    headers = auth_headers("uploader@example.com")
    content = "héllo, S3\n".encode()
    signed = sign(client, headers, content)
    assert signed["expires_in"] <= 300
    post_file(signed, content)

    completed = client.post(f"{UPLOADS}/{signed['id']}/complete", headers=headers)
    assert completed.status_code == 200, completed.text
    assert completed.json()["size"] == len(content)
{%- if cookiecutter.use_background_jobs == "y" %}
    # Inline jobs (the test default) have processed it before the response.
    assert completed.json()["status"] == "processed"
    assert completed.json()["sha256"] == hashlib.sha256(content).hexdigest()
{%- else %}
    assert completed.json()["status"] == "uploaded"
{%- endif %}
    again = client.post(f"{UPLOADS}/{signed['id']}/complete", headers=headers)
    assert again.json()["completed_at"] == completed.json()["completed_at"]

    page = client.get(UPLOADS, headers=headers).json()
    assert [upload["id"] for upload in page["items"]] == [signed["id"]]
    assert client.get(f"{UPLOADS}/{signed['id']}", headers=headers).json()["id"] == signed["id"]

    link = client.get(f"{UPLOADS}/{signed['id']}/download", headers=headers).json()
    assert link["expires_in"] <= 300
    downloaded = httpx2.get(link["url"])
    assert downloaded.status_code == 200
    assert downloaded.content == content
    assert "X-Amz-Signature" in link["url"] or "Signature" in link["url"]


def test_signed_policy_carries_the_limits(
    client: TestClient, auth_headers: AuthHeaders, upload_settings: Settings
) -> None:
    headers = auth_headers("policy@example.com")
    user_id = client.get("/api/v1/users/me", headers=headers).json()["id"]
    signed = sign(client, headers, b"x" * 10)
    policy = json.loads(base64.b64decode(signed["fields"]["policy"]))
    conditions = policy["conditions"]

    assert ["content-length-range", 1, MAX_BYTES] in conditions
    assert {"Content-Type": "text/plain"} in conditions
    assert {"bucket": upload_settings.uploads_bucket} in conditions
    key = signed["fields"]["key"]
    assert {"key": key} in conditions
    assert key == f"uploads/{user_id}/{signed['id']}/notes.txt"
    assert signed["fields"]["Content-Type"] == "text/plain"
    expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert datetime.now(UTC) < expiration <= datetime.now(UTC) + timedelta(seconds=301)


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("eu-west-1", "{bucket}.s3.eu-west-1.amazonaws.com"),
        ("us-east-1", "{bucket}.s3.amazonaws.com"),
    ],
)
def test_browsers_post_to_the_buckets_regional_name_on_aws(
    upload_settings: Settings, region: str, host: str
) -> None:
    """Never the global name, which answers 307 for a new bucket outside us-east-1: the
    names a page's Content-Security-Policy allows (infra/modules/stack)."""
    on_aws = upload_settings.model_copy(update={"aws_endpoint_url": "", "aws_region": region})
    post = storage.presigned_post(on_aws, "uploads/1/x/a.txt", "text/plain")
    assert post["url"] == f"https://{host.format(bucket=on_aws.uploads_bucket)}/"


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        (
            {"filename": "a.txt", "content_type": "text/plain", "size": MAX_BYTES + 1},
            "body.size",
            "exceeds",
        ),
        ({"filename": "a.txt", "content_type": "text/plain", "size": 0}, "body.size", "greater"),
        (
            {"filename": "a.exe", "content_type": "application/x-msdownload", "size": 1},
            "body.content_type",
            "not allowed",
        ),
        (
            {"filename": "a.txt", "content_type": "text/plain; charset=utf-8", "size": 1},
            "body.content_type",
            "not allowed",
        ),
        ({"filename": "", "content_type": "text/plain", "size": 1}, "body.filename", "at least"),
        (
            {"filename": "a\x00.txt", "content_type": "text/plain", "size": 1},
            "body.filename",
            "NUL",
        ),
    ],
)
def test_requests_outside_the_limits_are_refused_before_signing(
    client: TestClient, auth_headers: AuthHeaders, body: dict[str, Any], field: str, reason: str
) -> None:
    headers = auth_headers("limits@example.com")
    error = assert_error(client.post(UPLOADS, json=body, headers=headers), 422, "validation_error")
    assert error["details"][0]["field"] == field
    assert reason in error["details"][0]["message"]
    assert client.get(UPLOADS, headers=headers).json()["items"] == []


def test_another_users_upload_is_not_found(client: TestClient, auth_headers: AuthHeaders) -> None:
    alice = auth_headers("alice-up@example.com")
    mallory = auth_headers("mallory-up@example.com")
    content = b"alice's file"
    signed = sign(client, alice, content)
    post_file(signed, content)
    upload = f"{UPLOADS}/{signed['id']}"

    assert_error(client.get(upload, headers=mallory), 404, "not_found")
    assert_error(client.post(f"{upload}/complete", headers=mallory), 404, "not_found")
    assert_error(client.get(f"{upload}/download", headers=mallory), 404, "not_found")
    assert client.get(UPLOADS, headers=mallory).json()["items"] == []
    missing = client.get(f"{UPLOADS}/{uuid.uuid4()}", headers=mallory)
    assert missing.json()["error"] == client.get(upload, headers=mallory).json()["error"]
    assert client.post(f"{upload}/complete", headers=alice).status_code == 200


def test_declared_size_must_match_the_stored_object(
    client: TestClient, auth_headers: AuthHeaders
) -> None:
    headers = auth_headers("liar@example.com")
    signed = sign(client, headers, b"12345", declared=10)
    post_file(signed, b"12345")  # moto does not enforce the policy; real S3 would refuse
    error = assert_error(
        client.post(f"{UPLOADS}/{signed['id']}/complete", headers=headers), 409, "conflict"
    )
    assert "5 bytes" in str(error["message"])
    assert client.get(f"{UPLOADS}/{signed['id']}", headers=headers).json()["status"] == "pending"


def test_nothing_to_complete_or_download_before_the_upload(
    client: TestClient, auth_headers: AuthHeaders
) -> None:
    headers = auth_headers("early@example.com")
    signed = sign(client, headers, b"later")
    assert_error(client.get(f"{UPLOADS}/{signed['id']}/download", headers=headers), 409, "conflict")
    assert_error(
        client.post(f"{UPLOADS}/{signed['id']}/complete", headers=headers), 409, "conflict"
    )


# moto answers a missing key with 404 whatever the caller may do; S3 answers 403 to a
# role without s3:ListBucket (HEAD: code "403", GET: "AccessDenied"). Both mean absent.
Reader = Callable[[Settings, str], Coroutine[Any, Any, object]]
S3_ABSENT: list[tuple[Reader, str, str, int]] = [
    (storage.stored_object, "head_object", "404", 404),
    (storage.stored_object, "head_object", "403", 403),
{%- if cookiecutter.use_background_jobs == "y" %}
    (storage.object_digest, "get_object", "NoSuchKey", 404),
    (storage.object_digest, "get_object", "AccessDenied", 403),
{%- endif %}
]


@pytest.mark.parametrize(
    ("read", "operation", "code", "status"), S3_ABSENT, ids=[f"{a[1]}-{a[2]}" for a in S3_ABSENT]
)
def test_s3_not_there_answers_mean_absent(
    upload_settings: Settings,
    read: Reader,
    operation: str,
    code: str,
    status: int,
) -> None:
    with Stubber(s3_client(upload_settings)) as s3:
        s3.add_client_error(operation, service_error_code=code, http_status_code=status)
        assert asyncio.run(read(upload_settings, "uploads/1/x/missing.txt")) is None
        s3.assert_no_pending_responses()


def test_complete_is_409_when_s3_answers_403(
    client: TestClient, auth_headers: AuthHeaders, upload_settings: Settings
) -> None:
    headers = auth_headers("forbidden@example.com")
    signed = sign(client, headers, b"never sent")
    with Stubber(s3_client(upload_settings)) as s3:
        s3.add_client_error("head_object", service_error_code="403", http_status_code=403)
        response = client.post(f"{UPLOADS}/{signed['id']}/complete", headers=headers)
    assert_error(response, 409, "conflict")
    assert client.get(f"{UPLOADS}/{signed['id']}", headers=headers).json()["status"] == "pending"


def test_bad_upload_ids_are_422(client: TestClient, auth_headers: AuthHeaders) -> None:
    headers = auth_headers("ids-up@example.com")
    for path in (f"{UPLOADS}/not-a-uuid", f"{UPLOADS}/123/complete", f"{UPLOADS}/%00/download"):
        response = client.request("POST" if "complete" in path else "GET", path, headers=headers)
        assert_error(response, 422, "validation_error")


def test_uploads_without_a_bucket_are_503(settings: Settings, auth_headers: AuthHeaders) -> None:
    headers = auth_headers("no-bucket@example.com")
    body = {"filename": "a.txt", "content_type": "text/plain", "size": 1}
    with TestClient(create_app(settings)) as unconfigured:
        response = unconfigured.post(UPLOADS, json=body, headers=headers)
    assert_error(response, 503, "service_unavailable")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\report final.pdf", "report_final.pdf"),
        ("résumé.txt", "resume.txt"),
        ("...", "file"),
        ("<script>.png", "script_.png"),
    ],
)
def test_safe_filename(given: str, expected: str) -> None:
    assert safe_filename(given) == expected

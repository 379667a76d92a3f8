"""The web page's plumbing: the CloudFront function (run in V8, as CloudFront runs it),
`make run`'s one origin for the page and the API, and the release switch on the
emulator (the whole deploy of the page runs in `make deploy-local`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

# Plain imports sort first whatever the package's name.
import {{ cookiecutter.package_name }}.core.config as app_config
import {{ cookiecutter.package_name }}.main as app_main
from deploy import frontend
from deploy.aws import Aws
from deploy.project import Project
from deploy.steps import StepError
from emulator import ACCOUNT_CREDENTIALS
from emulator.edge import LocalSite, ViewerRequest

PROJECT = Project.load()
POLICY = "default-src 'self'"


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/", "/releases/r1/index.html"),
        ("/items/42", "/releases/r1/index.html"),
        ("/items/42/", "/releases/r1/index.html"),
        ("/app.js", "/releases/r1/app.js"),
        ("/assets/index-BQx3Yz9a.js", "/releases/r1/assets/index-BQx3Yz9a.js"),
    ],
)
def test_the_function_serves_the_live_release_and_index_html_for_routes(
    path: str, key: str
) -> None:
    viewer_request = ViewerRequest(frontend.viewer_request_code(PROJECT.root, "r1"))
    assert viewer_request(path) == key


def test_the_api_paths_are_the_apis_and_the_rest_the_pages() -> None:
    page = PROJECT.frontend
    for path in ("/api/v1/items", "/health", "/health/db", "/docs", "/openapi.json"):
        assert page.serves_api(path), path
    for path in ("/", "/index.html", "/items/42", "/apidocs", "/healthy.png"):
        assert not page.serves_api(path), path


def test_hashed_assets_are_immutable_and_the_rest_revalidated() -> None:
    page = replace(PROJECT.frontend, immutable=("assets/*",))
    assert page.cache_control("assets/index-BQx3Yz9a.js") == frontend.IMMUTABLE
    for name in ("index.html", "app.js", "favicon.ico"):
        assert page.cache_control(name) == frontend.REVALIDATE
    assert frontend.content_type("index.html") == "text/html; charset=utf-8"
    assert frontend.content_type("app.js") == "text/javascript; charset=utf-8"
    assert frontend.content_type("logo.png") == "image/png"
    assert frontend.content_type("data.bin") == "application/octet-stream"


@pytest.fixture
def site(tmp_path: Path, settings: app_config.Settings) -> Iterator[TestClient]:
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text("<!doctype html><title>page</title>")
    (folder / "assets" / "app-1a2b3c4d.js").write_text("export {};")
    (tmp_path / "secret.txt").write_text("outside the page")
    page = replace(PROJECT.frontend, output_dir=folder, immutable=("assets/*",))
    code = frontend.viewer_request_code(PROJECT.root, "local")
    app = LocalSite(app_main.create_app(settings), page, ViewerRequest(code), POLICY)
    with TestClient(app) as client:
        yield client


def test_make_run_serves_the_page_and_the_api_on_one_origin(site: TestClient) -> None:
    for path in ("/", "/items/42"):
        response = site.get(path)
        assert response.status_code == 200
        assert response.text.startswith("<!doctype html>")
        assert response.headers["content-security-policy"] == POLICY
        assert response.headers["cache-control"] == frontend.REVALIDATE
    asset = site.get("/assets/app-1a2b3c4d.js")
    assert asset.headers["cache-control"] == frontend.IMMUTABLE
    assert asset.headers["content-type"] == "text/javascript; charset=utf-8"
    assert site.get("/health").json() == {"status": "ok"}
    assert "content-security-policy" not in site.get("/health").headers


def test_make_run_serves_nothing_outside_the_page(site: TestClient) -> None:
    assert site.get("/missing.js").status_code == 404
    assert site.get("/%2e%2e/secret.txt").status_code == 404
    assert site.post("/index.html").status_code == 403  # as CloudFront's GET/HEAD page


@pytest.fixture
def aws(moto_url: str) -> Aws:
    return Aws(PROJECT.region, endpoint_url=moto_url, credentials=ACCOUNT_CREDENTIALS)


def new_bucket(aws: Aws, kind: str, tmp_path: Path) -> str:
    bucket = f"{kind}-{tmp_path.name}".lower().replace("_", "-")[:63]
    # us-east-1 is the one region that refuses an explicit location constraint.
    location = (
        {}
        if aws.region == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": aws.region}}
    )
    aws.client("s3").create_bucket(Bucket=bucket, **location)
    return bucket


def test_a_switch_publishes_the_release_and_the_history_keeps_the_order(
    aws: Aws, tmp_path: Path
) -> None:
    cloudfront = aws.client("cloudfront")
    name = f"page-{tmp_path.name}"[:64]
    created = cloudfront.create_function(
        Name=name,
        FunctionConfig={"Comment": "page", "Runtime": "cloudfront-js-2.0"},
        FunctionCode=frontend.viewer_request_code(PROJECT.root, "none").encode(),
    )
    cloudfront.publish_function(Name=name, IfMatch=created["ETag"])

    frontend.switch(aws, PROJECT.root, name, "r2")
    live = cloudfront.get_function(Name=name, Stage="LIVE")["FunctionCode"].read().decode()
    assert ViewerRequest(live)("/") == "/releases/r2/index.html"

    bucket = new_bucket(aws, "page", tmp_path)
    assert frontend.history(aws, bucket) == []
    frontend.record(aws, bucket, ["r1", "r2"])
    assert frontend.history(aws, bucket) == ["r1", "r2"]
    stored = aws.client("s3").get_object(Bucket=bucket, Key=frontend.HISTORY_KEY)
    assert json.loads(stored["Body"].read()) == {"releases": ["r1", "r2"]}


def answering(response: frontend.Fetched) -> Callable[[str], frontend.Fetched]:
    return lambda _path: response


def test_the_page_check_wants_the_release_under_its_policy() -> None:
    index = b"<!doctype html>"
    good = frontend.Fetched(200, {"content-security-policy": POLICY}, index)
    assert "index.html" in frontend.check_page(answering(good), index)
    for wrong in (
        replace(good, status=403),
        replace(good, body=b"<!doctype html><!-- the old release -->"),
        replace(good, headers={}),
    ):
        with pytest.raises(StepError):
            frontend.check_page(answering(wrong), index)


def test_uploaded_files_carry_their_type_and_caching(aws: Aws, tmp_path: Path) -> None:
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text("<!doctype html>")
    (folder / "assets" / "app-1a2b3c4d.js").write_text("export {};")
    page = replace(PROJECT.frontend, output_dir=folder, immutable=("assets/*",))
    bucket = new_bucket(aws, "upload", tmp_path)
    s3 = aws.client("s3")
    frontend.upload(aws, bucket, "r1", page, frontend.build(page, PROJECT.root))
    index = s3.head_object(Bucket=bucket, Key="releases/r1/index.html")
    assert (index["ContentType"], index["CacheControl"]) == (
        "text/html; charset=utf-8",
        frontend.REVALIDATE,
    )
    asset = s3.head_object(Bucket=bucket, Key="releases/r1/assets/app-1a2b3c4d.js")
    assert asset["CacheControl"] == frontend.IMMUTABLE
    assert frontend.stored_index(aws, bucket, "r1") == b"<!doctype html>"

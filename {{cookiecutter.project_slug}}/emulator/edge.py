"""CloudFront, on this machine: which origin a path reaches (the API's path patterns, or
the page), the page's viewer-request function run as CloudFront runs it (JavaScript, in
V8), and the page's headers.

- `make run` serves the API and the page's output folder on one origin through
  `local_site()`, as the distribution will serve them;
- `make deploy-local` reads the distribution back from the emulator and fetches through
  it (`EmulatedDistribution`): the release the deploy uploaded, the function it
  published, the headers policy Terraform made.
"""

from __future__ import annotations

import fnmatch
import importlib
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from deploy.frontend import Fetched, Frontend, content_type, viewer_request_code
from deploy.project import Project

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]

# The release `make run` names in the function: the output folder as it is.
LOCAL_RELEASE = "local"
# What the page's default cache behaviour allows (infra/modules/frontend); CloudFront
# answers other methods with 403.
PAGE_METHODS = ("GET", "HEAD")


class ViewerRequest:
    """A viewer-request function's code, run on a request as CloudFront runs it."""

    def __init__(self, code: str) -> None:
        from py_mini_racer import MiniRacer

        self._context = MiniRacer()
        self._context.eval(code)

    def __call__(self, uri: str) -> str:
        event = {"request": {"method": "GET", "uri": uri, "querystring": {}, "headers": {}}}
        request: dict[str, Any] = self._context.call("handler", event)
        return str(request["uri"])


@dataclass
class LocalSite:
    """The API and the output folder on one origin (an ASGI app)."""

    api: ASGIApp
    frontend: Frontend
    viewer_request: ViewerRequest
    security_policy: str
    folder: Path = field(init=False)

    def __post_init__(self) -> None:
        self.folder = self.frontend.output_dir.resolve()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        # Lifespan and websockets are the API's; so is every path of its patterns.
        if scope["type"] != "http" or self.frontend.serves_api(scope["path"]):
            await self.api(scope, receive, send)
            return
        from starlette.responses import FileResponse, PlainTextResponse

        response: Any
        key = self.viewer_request(scope["path"]).removeprefix(f"/releases/{LOCAL_RELEASE}/")
        path = (self.folder / key).resolve()
        if scope["method"] not in PAGE_METHODS:
            response = PlainTextResponse("Method not allowed for the page", status_code=403)
        elif not path.is_relative_to(self.folder) or not path.is_file():
            response = PlainTextResponse(f"{key} is not in the page's folder", status_code=404)
        else:
            response = FileResponse(
                path,
                media_type=content_type(key),
                headers={
                    "Cache-Control": self.frontend.cache_control(key),
                    "Content-Security-Policy": self.security_policy,
                },
            )
        await response(scope, receive, send)


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def local_site() -> LocalSite:
    """`make run`'s app (a uvicorn factory): the app the settings describe, and the page
    from project.json's output_dir, under the page's Content-Security-Policy."""
    project = Project.load()
    frontend = project.frontend
    app = importlib.import_module(f"{project.package}.main").app
    settings = app.state.settings
    uploads = ""
    if getattr(settings, "uploads_bucket", ""):
        # Where presigned POSTs go: the emulator, or the bucket's regional name on AWS.
        endpoint = settings.aws_endpoint_url or (
            f"https://{settings.uploads_bucket}.s3.{settings.aws_region}.amazonaws.com"
        )
        uploads = origin(endpoint)
    code = viewer_request_code(project.root, LOCAL_RELEASE)
    return LocalSite(app, frontend, ViewerRequest(code), frontend.security_policy(uploads))


# The response headers policy's security headers (names in lower case), by the config
# key CloudFront reads each from ("Understand response headers policies", CloudFront
# Developer Guide).
def security_headers(config: dict[str, Any]) -> dict[str, str]:
    headers = {}
    if hsts := config.get("StrictTransportSecurity"):
        value = f"max-age={hsts['AccessControlMaxAgeSec']}"
        value += "; includeSubDomains" if hsts.get("IncludeSubdomains") else ""
        value += "; preload" if hsts.get("Preload") else ""
        headers["strict-transport-security"] = value
    if csp := config.get("ContentSecurityPolicy"):
        headers["content-security-policy"] = csp["ContentSecurityPolicy"]
    if "ContentTypeOptions" in config:
        headers["x-content-type-options"] = "nosniff"
    if frame := config.get("FrameOptions"):
        headers["x-frame-options"] = frame["FrameOption"]
    if referrer := config.get("ReferrerPolicy"):
        headers["referrer-policy"] = referrer["ReferrerPolicy"]
    return headers


class EmulatedDistribution:
    """A distribution as the emulator holds it, fetched through: the cache behaviour of
    the path, its viewer-request function's LIVE code, the S3 origin's object and the
    behaviour's security headers. A path of a custom origin (the API) is not fetched:
    `Fetched.origin` says where it went."""

    def __init__(self, cloudfront: Any, s3: Any, distribution_id: str) -> None:
        self.cloudfront, self.s3 = cloudfront, s3
        response = cloudfront.get_distribution_config(Id=distribution_id)
        self.config: dict[str, Any] = response["DistributionConfig"]

    def behaviour(self, path: str) -> dict[str, Any]:
        for behaviour in self.config["CacheBehaviors"].get("Items") or []:
            if fnmatch.fnmatchcase(path, behaviour["PathPattern"]):
                return dict(behaviour)
        return dict(self.config["DefaultCacheBehavior"])

    def get(self, path: str) -> Fetched:
        behaviour = self.behaviour(path)
        target = next(
            origin
            for origin in self.config["Origins"]["Items"]
            if origin["Id"] == behaviour["TargetOriginId"]
        )
        domain = target["DomainName"]
        if "S3OriginConfig" not in target and not target.get("OriginAccessControlId"):
            return Fetched(0, {}, b"", domain)
        uri = path
        for association in (behaviour.get("FunctionAssociations") or {}).get("Items") or []:
            if association["EventType"] == "viewer-request":
                name = association["FunctionARN"].rsplit("/", 1)[1]
                live = self.cloudfront.get_function(Name=name, Stage="LIVE")
                uri = ViewerRequest(live["FunctionCode"].read().decode())(uri)
        headers = {}
        if policy_id := behaviour.get("ResponseHeadersPolicyId"):
            policy = self.cloudfront.get_response_headers_policy(Id=policy_id)
            config = policy["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"]
            headers = security_headers(config.get("SecurityHeadersConfig") or {})
        bucket = domain.split(".s3.", 1)[0]
        try:
            found = self.s3.get_object(Bucket=bucket, Key=uri.lstrip("/"))
        except self.s3.exceptions.NoSuchKey:
            # With origin access control and no s3:ListBucket, S3 answers 403.
            return Fetched(403, headers, b"", domain)
        headers |= {"content-type": found["ContentType"], "cache-control": found["CacheControl"]}
        return Fetched(200, headers, found["Body"].read(), domain)

"""The smoke check after a release: `/health/db` answers 200 through the public URL."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
{%- if cookiecutter.frontend == "static" %}
from collections.abc import Callable
from email.message import Message
{%- endif %}

{% if cookiecutter.frontend == "static" -%}
from deploy.frontend import Fetched
{% endif -%}
from deploy.steps import StepError, say

PATH = "/health/db"


def check(base_url: str, attempts: int = 30, pause: float = 5.0) -> dict[str, str]:
    """GET base_url + /health/db until it answers 200, for up to about two and a half
    minutes: a cold start, a load balancer registering targets or a new domain's DNS
    record can take that long on a first deploy."""
    url = base_url.rstrip("/") + PATH
    problem = ""
    for attempt in range(1, attempts + 1):
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - https URL from Terraform
                body: dict[str, str] = json.loads(response.read())
                return body
        except urllib.error.HTTPError as error:
            problem = f"HTTP {error.code}: {error.read()[:300].decode(errors='replace')}"
        except (urllib.error.URLError, TimeoutError, json.JSONDecodeError) as error:
            problem = str(error)
        say(f"    attempt {attempt}/{attempts}: {problem}")
        if attempt < attempts:
            time.sleep(pause)
    raise StepError(f"{url} did not answer 200 ({problem})")
{%- if cookiecutter.frontend == "static" %}


def fetch(url: str) -> Fetched:
    """GET `url`, whatever its status."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - https URL from Terraform
            return Fetched(response.status, _lower(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Fetched(error.code, _lower(error.headers), error.read())


def _lower(headers: Message) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def retried(check: Callable[[], str], attempts: int = 60, pause: float = 5.0) -> str:
    """`check()` until it passes, for up to five minutes: a published CloudFront function
    reaches every edge location within minutes."""
    for attempt in range(1, attempts + 1):
        try:
            return check()
        except (StepError, urllib.error.URLError, TimeoutError) as error:
            if attempt == attempts:
                raise StepError(str(error)) from None
            say(f"    attempt {attempt}/{attempts}: {error}")
            time.sleep(pause)
    raise AssertionError("unreachable")
{%- endif %}

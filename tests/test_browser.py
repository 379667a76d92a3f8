"""The example page in a real browser: the system's headless Chromium against `make run`
of a project with frontend=static, every feature on.

A user registers, signs in, adds and deletes an item, uploads a file through the
presigned POST, sees it processed and downloads it, reloads and signs out, by keyboard
where a user would, with no console error: a Content-Security-Policy violation is one.
A screenshot of the signed-in page is saved in the test's output folder.

Chromium comes from the system (Debian's `chromium`; CHROMIUM names another): a test
tool's own browser download cannot work offline. Without one the test is skipped, unless
REQUIRE_BROWSER=1, which .ci/run sets.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.combinations import SLOW_SUBSET
from tests.support import project_env, record, render, run

pytestmark = pytest.mark.slow

# The first covering project with the page and uploads and jobs.
ANSWERS = next(
    answers
    for answers in SLOW_SUBSET
    if answers["frontend"] == "static"
    and answers["use_s3_uploads"] == answers["use_background_jobs"] == "y"
)
# Chromium's flags for a machine with no display and no route out: no sandbox (root in
# a container), and none of the background calls to Google's services.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery staple"


def chromium() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if found:
        return found
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail("REQUIRE_BROWSER=1 but no Chromium: install Debian's chromium or set CHROMIUM")
    pytest.skip("no Chromium on this machine (REQUIRE_BROWSER=1 makes this a failure)")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def site(tmp_path: Path, cookiecutter_config: Path) -> Iterator[str]:
    """`make run` of the project (its in-process emulator included) on a free port."""
    project = render(ANSWERS, tmp_path / "project", cookiecutter_config)
    env = {**project_env(ANSWERS["python_version"]), "ENVIRONMENT": "local"}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"
    port = free_port()
    run(["make", "migrate"], cwd=project, env=env)
    record(["make", "run", f"PORT={port}"])
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # make, uv, the reloader and the server stop together
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/health", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read() if server.stdout else ""
                    pytest.fail(f"`make run` did not serve {url}:\n{output[-5000:]}")
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_every_feature_of_the_page_works_in_chromium(site: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    problems: list[str] = []
    upload = tmp_path / "notes.txt"
    upload.write_text("Taken to S3 by the browser.\n")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
        page = browser.new_context(accept_downloads=True).new_page()
        page.on("console", lambda message: problems.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
        page.goto(site)
        expect(page.locator("#register-form")).to_be_visible()
        assert page.evaluate("document.title")  # the project's name

        # Register and sign in, submitting both forms with Enter.
        page.fill("#register-email", "ana@example.com")
        page.fill("#register-password", PASSWORD)
        page.press("#register-password", "Enter")
        expect(page.locator("#status")).to_contain_text("Account created")
        page.fill("#login-password", PASSWORD)
        page.press("#login-password", "Enter")
        expect(page.locator("#whoami")).to_contain_text("ana@example.com")
        expect(page.locator("#register-form")).to_be_hidden()

        # An item, kept through a reload; markup in it stays text.
        page.fill("#item-title", "<b>Milk</b>")
        page.press("#item-title", "Enter")
        expect(page.locator("#items > li")).to_have_count(1)
        expect(page.locator("#items > li strong")).to_have_text("<b>Milk</b>")

        # The file goes to the bucket with the presigned POST, then is completed and
        # processed by the job; its download link serves it back.
        page.set_input_files("#upload-file", str(upload))
        page.click("#upload-form button[type=submit]")
        expect(page.locator("#uploads > li[data-status=processed]")).to_have_count(1)
        with page.expect_download() as download:
            page.click("#uploads button[data-action=download]")
        saved = tmp_path / "downloaded"
        download.value.save_as(saved)
        assert saved.read_bytes() == upload.read_bytes()

        page.reload()
        expect(page.locator("#whoami")).to_contain_text("ana@example.com")
        expect(page.locator("#items > li")).to_have_count(1)
        expect(page.locator("#uploads > li")).to_have_count(1)
        screenshot = tmp_path / "signed-in.png"
        page.screenshot(path=str(screenshot), full_page=True)

        # A client-side route loads the page too (the CloudFront function's fallback).
        page.goto(f"{site}/items/42")
        expect(page.locator("#whoami")).to_contain_text("ana@example.com")

        page.click("#items button[data-action=delete]")
        expect(page.locator("#items > li")).to_have_count(0)
        page.click("#logout")
        expect(page.locator("#login-form")).to_be_visible()
        browser.close()
    assert not problems, problems
    print(f"screenshot: {screenshot}")

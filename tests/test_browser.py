"""The example page in a real browser: the system's headless Chromium against `make run`
of a project with frontend=static, every feature on.

A user registers, signs in, adds and deletes an item, uploads a file through the
presigned POST, sees it processed and downloads it, reloads and signs out, then resets a
forgotten password from the link the mail holds (locally, the server's log), by keyboard
where a user would, with no console error: a Content-Security-Policy violation is one.
A screenshot of the signed-in page is saved in the test's output folder.

Chromium comes from the system (Debian's `chromium`; CHROMIUM names another): a test
tool's own browser download cannot work offline. Without one the test is skipped, unless
REQUIRE_BROWSER=1, which .ci/run sets.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
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
NEW_PASSWORD = "a brand new passphrase"


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


@dataclass
class Site:
    url: str
    output: list[str] = field(default_factory=list)  # the server's lines so far

    def mailed_link(self, timeout: float = 30) -> str:
        """The link of the last reset mail, which `make run` writes to its log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            links = re.findall(r"https?://[^\s'\"]+#token=[\w.-]+", "".join(self.output))
            if links:
                return str(links[-1])
            time.sleep(0.2)
        pytest.fail("no reset mail in the log:\n" + "".join(self.output)[-5000:])


@pytest.fixture
def site(tmp_path: Path, cookiecutter_config: Path) -> Iterator[Site]:
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
    running = Site(f"http://127.0.0.1:{port}")
    # Read as it comes: the reset mail is in it, and a full pipe would stall the server.
    reader = threading.Thread(target=running.output.extend, args=(server.stdout,), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{running.url}/health", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    reader.join(timeout=5)
                    output = "".join(running.output)[-5000:]
                    pytest.fail(f"`make run` did not serve {running.url}:\n{output}")
                time.sleep(0.5)
        yield running
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_every_feature_of_the_page_works_in_chromium(site: Site, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    problems: list[str] = []
    upload = tmp_path / "notes.txt"
    upload.write_text("Taken to S3 by the browser.\n")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
        page = browser.new_context(accept_downloads=True).new_page()
        page.on("console", lambda message: problems.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
        page.goto(site.url)
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
        page.goto(f"{site.url}/items/42")
        expect(page.locator("#whoami")).to_contain_text("ana@example.com")

        page.click("#items button[data-action=delete]")
        expect(page.locator("#items > li")).to_have_count(0)
        page.click("#logout")
        expect(page.locator("#login-form")).to_be_visible()

        # A forgotten password: the mail's link opens the page's reset form, token filled
        # in and gone from the address bar; the new password signs in.
        page.fill("#forgot-email", "ana@example.com")
        page.press("#forgot-email", "Enter")
        expect(page.locator("#reset-form")).to_be_visible()
        link = site.mailed_link()
        assert link.startswith(f"{site.url}/#token="), link
        page.goto(link)
        expect(page.locator("#reset-password")).to_be_focused()
        assert "token" not in page.url
        page.fill("#reset-password", NEW_PASSWORD)
        page.press("#reset-password", "Enter")
        expect(page.locator("#status")).to_contain_text("Password changed")
        page.fill("#login-email", "ana@example.com")
        page.fill("#login-password", NEW_PASSWORD)
        page.press("#login-password", "Enter")
        expect(page.locator("#whoami")).to_contain_text("ana@example.com")
        page.click("#logout")

        # The link works once: the second time the page says so (and the browser logs
        # the API's 401, which is no problem of the page's).
        page.goto(link)
        page.fill("#reset-password", PASSWORD)
        page.press("#reset-password", "Enter")
        expect(page.locator("#status")).to_contain_text("invalid, used or expired")
        refused = [problem for problem in problems if "status of 401" in problem]
        assert len(refused) == 1, problems
        problems.remove(refused[0])
        browser.close()
    assert not problems, problems
    print(f"screenshot: {screenshot}")

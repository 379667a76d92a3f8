"""Background jobs: the message path, both queue backends, the ECS worker (long poll,
failed messages, SIGTERM) and the Lambda SQS handler, against SQS on a moto server."""

from __future__ import annotations

import asyncio
{%- if cookiecutter.use_s3_uploads == "y" %}
import hashlib
{%- endif %}
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import boto3
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from structlog.testing import capture_logs

from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.core.db import Database
{% if cookiecutter.use_s3_uploads == "y" -%}
from {{ cookiecutter.package_name }}.jobs.base import Job, JobContext, JobError, RejectedMessageError
{% else -%}
from {{ cookiecutter.package_name }}.jobs.base import Job, JobContext, RejectedMessageError
{% endif -%}
from {{ cookiecutter.package_name }}.jobs.registry import JOBS, parse_message, run_message
from {{ cookiecutter.package_name }}.lambda_handler import container_loop, sqs_handler
from {{ cookiecutter.package_name }}.main import create_app
{%- if cookiecutter.use_s3_uploads == "y" %}
from {{ cookiecutter.package_name }}.uploads.jobs import ProcessUpload
{%- endif %}
from {{ cookiecutter.package_name }}.users.jobs import RecordLogin
from {{ cookiecutter.package_name }}.worker import Worker, stop_on_signals
from scripts.scratch import TEST_JWT_SECRET, TEST_REGION
{%- if cookiecutter.use_s3_uploads == "y" %}
from tests.helpers import UPLOADS, AuthHeaders, assert_error, post_file, sign
{%- else %}
from tests.helpers import AuthHeaders
{%- endif %}

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

EVENTS = Path(__file__).parent / "events"
ME = "/api/v1/users/me"


@pytest.fixture
def sqs(moto_url: str) -> SQSClient:
    return boto3.client("sqs", endpoint_url=moto_url, region_name=TEST_REGION)


@pytest.fixture
def sqs_settings(
    aws_settings: Settings,
    jobs_queue: str,
{%- if cookiecutter.use_s3_uploads == "y" %}
    uploads_bucket: str,
{%- endif %}
) -> Settings:
    """Jobs go to the moto queue; the worker's long poll is short."""
    return aws_settings.model_copy(
        update={
            "jobs_backend": "sqs",
            "jobs_queue_url": jobs_queue,
            "jobs_wait_seconds": 1,
{%- if cookiecutter.use_s3_uploads == "y" %}
            "uploads_bucket": uploads_bucket,
{%- endif %}
        }
    )
{%- if cookiecutter.use_s3_uploads == "y" %}


@pytest.fixture
def app(aws_settings: Settings, uploads_bucket: str) -> FastAPI:
    """The app with inline jobs (the test default) and uploads to the moto bucket."""
    return create_app(aws_settings.model_copy(update={"uploads_bucket": uploads_bucket}))
{%- endif %}


async def _with_context(settings: Settings, work: Any) -> Any:
    database = Database(settings)
    try:
        return await work(JobContext(settings, database))
    finally:
        await database.dispose()


def run_job(settings: Settings, job: Job) -> None:
    """Runs `job` as a worker would: through its JSON message."""

    async def work(context: JobContext) -> None:
        await run_message(context, job.to_message())

    asyncio.run(_with_context(settings, work))


def drain(settings: Settings, jobs: Mapping[str, type[Job]] = JOBS) -> int:
    """One receive-and-run pass of the ECS worker; how many jobs succeeded."""

    async def work(context: JobContext) -> int:
        return await Worker(context, jobs=jobs).run_once()

    result: int = asyncio.run(_with_context(settings, work))
    return result


def queue_depth(sqs: SQSClient, queue_url: str) -> tuple[int, int]:
    """(visible, in flight) message counts."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return (
        int(attributes["ApproximateNumberOfMessages"]),
        int(attributes["ApproximateNumberOfMessagesNotVisible"]),
    )


POISON = [
    "not json",
    "[1, 2]",
    json.dumps({"args": {}}),
    json.dumps({"job": "no_such_job", "args": {}}),
    json.dumps({"job": "record_login", "args": {"user_id": "me", "logged_in_at": "yesterday"}}),
    json.dumps({"job": "record_login", "args": {"user_id": 1}}),
]


@pytest.mark.parametrize("body", POISON)
def test_malformed_messages_are_rejected_with_the_reason(body: str) -> None:
    with pytest.raises(RejectedMessageError) as caught:
        parse_message(body)
    assert str(caught.value)


def test_messages_round_trip() -> None:
    job = RecordLogin(user_id=uuid.uuid4(), logged_in_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert parse_message(job.to_message()) == job
    assert json.loads(job.to_message())["job"] == "record_login"


def test_inline_jobs_run_as_they_are_enqueued(
    client: TestClient, auth_headers: AuthHeaders
) -> None:
    before = datetime.now(UTC)
    headers = auth_headers("inline@example.com")
    last_login = datetime.fromisoformat(client.get(ME, headers=headers).json()["last_login_at"])
    assert before <= last_login <= datetime.now(UTC)


def test_record_login_keeps_the_latest_login(
    client: TestClient, auth_headers: AuthHeaders, settings: Settings
) -> None:
    headers = auth_headers("latest@example.com")
    me = client.get(ME, headers=headers).json()
    recorded = datetime.fromisoformat(me["last_login_at"])

    earlier = RecordLogin(user_id=me["id"], logged_in_at=recorded - timedelta(hours=1))
    run_job(settings, earlier)
    run_job(settings, earlier)
    assert client.get(ME, headers=headers).json()["last_login_at"] == me["last_login_at"]

    later = recorded + timedelta(minutes=5)
    run_job(settings, RecordLogin(user_id=me["id"], logged_in_at=later))
    assert datetime.fromisoformat(client.get(ME, headers=headers).json()["last_login_at"]) == later
{%- if cookiecutter.use_s3_uploads == "y" %}


def test_processing_an_upload_twice_is_harmless(
    client: TestClient, auth_headers: AuthHeaders, app: FastAPI
) -> None:
    headers = auth_headers("twice@example.com")
    content = b"processed once"
    signed = sign(client, headers, content)
    post_file(signed, content)
    first = client.post(f"{UPLOADS}/{signed['id']}/complete", headers=headers).json()
    assert first["status"] == "processed"
    assert first["sha256"] == hashlib.sha256(content).hexdigest()

    owner = client.get(ME, headers=headers).json()["id"]
    run_job(app.state.settings, ProcessUpload(owner_id=owner, upload_id=signed["id"]))
    again = client.post(f"{UPLOADS}/{signed['id']}/complete", headers=headers).json()
    assert again == first


def test_a_pending_upload_is_not_processed(
    client: TestClient, auth_headers: AuthHeaders, app: FastAPI
) -> None:
    headers = auth_headers("pending@example.com")
    signed = sign(client, headers, b"not yet")
    owner = client.get(ME, headers=headers).json()["id"]
    with pytest.raises(JobError, match="pending"):
        run_job(app.state.settings, ProcessUpload(owner_id=owner, upload_id=signed["id"]))
    assert client.get(f"{UPLOADS}/{signed['id']}", headers=headers).json()["status"] == "pending"
{%- endif %}


class TestOnSqs:
    """The app sends jobs to SQS; the workers run them."""

    @pytest.fixture
    def app(self, sqs_settings: Settings) -> FastAPI:
        return create_app(sqs_settings)

    def test_enqueued_jobs_run_on_the_worker(
        self, client: TestClient, auth_headers: AuthHeaders, sqs_settings: Settings, sqs: SQSClient
    ) -> None:
        headers = auth_headers("worker@example.com")
        assert client.get(ME, headers=headers).json()["last_login_at"] is None
{%- if cookiecutter.use_s3_uploads == "y" %}
        content = b"checksum me"
        signed = sign(client, headers, content)
        post_file(signed, content)
        completed = client.post(f"{UPLOADS}/{signed['id']}/complete", headers=headers).json()
        assert completed["status"] == "uploaded"
        assert completed["sha256"] is None
        assert queue_depth(sqs, sqs_settings.jobs_queue_url) == (2, 0)

        assert drain(sqs_settings) == 2

        upload = client.get(f"{UPLOADS}/{signed['id']}", headers=headers).json()
        assert upload["status"] == "processed"
        assert upload["sha256"] == hashlib.sha256(content).hexdigest()
        assert upload["size"] == len(content)
        assert upload["processed_at"] is not None
{%- else %}
        assert queue_depth(sqs, sqs_settings.jobs_queue_url) == (1, 0)

        assert drain(sqs_settings) == 1
{%- endif %}
        assert client.get(ME, headers=headers).json()["last_login_at"] is not None
        assert queue_depth(sqs, sqs_settings.jobs_queue_url) == (0, 0)

    def test_failed_messages_stay_for_redelivery(
        self, client: TestClient, auth_headers: AuthHeaders, sqs_settings: Settings, sqs: SQSClient
    ) -> None:
        headers = auth_headers("poison@example.com")
        for body in POISON:
            sqs.send_message(QueueUrl=sqs_settings.jobs_queue_url, MessageBody=body)

        assert drain(sqs_settings) == 1

        assert client.get(ME, headers=headers).json()["last_login_at"] is not None
        # Left in flight: SQS shows them again after the visibility timeout and, past the
        # receive limit, moves them to the dead-letter queue.
        assert queue_depth(sqs, sqs_settings.jobs_queue_url) == (0, len(POISON))

    def test_lambda_worker_reports_only_the_failed_messages(
        self, client: TestClient, auth_headers: AuthHeaders, sqs_settings: Settings, sqs: SQSClient
    ) -> None:
        headers = auth_headers("lambda-worker@example.com")
        for body in POISON[:2]:
            sqs.send_message(QueueUrl=sqs_settings.jobs_queue_url, MessageBody=body)
        messages = sqs.receive_message(
            QueueUrl=sqs_settings.jobs_queue_url, MaxNumberOfMessages=10
        )["Messages"]
        assert len(messages) == 3
        template = json.loads((EVENTS / "sqs.json").read_text())["Records"][0]
        event = {
            "Records": [
                {
                    **template,
                    "messageId": message["MessageId"],
                    "receiptHandle": message["ReceiptHandle"],
                    "body": message["Body"],
                    "md5OfBody": message["MD5OfBody"],
                }
                for message in messages
            ]
        }
        poison_ids = {message["MessageId"] for message in messages if message["Body"] in POISON}

        worker_app = create_app(sqs_settings)
        try:
            result = sqs_handler(worker_app)(event, None)
        finally:
            container_loop().run_until_complete(worker_app.state.database.dispose())

        assert {item["itemIdentifier"] for item in result["batchItemFailures"]} == poison_ids
        assert client.get(ME, headers=headers).json()["last_login_at"] is not None

    def test_worker_process_stops_cleanly_on_sigterm(
        self,
        client: TestClient,
        auth_headers: AuthHeaders,
        sqs_settings: Settings,
        sqs: SQSClient,
        tmp_path: Path,
    ) -> None:
        headers = auth_headers("sigterm@example.com")
        environment = worker_environment(
            ENVIRONMENT="test",
            LOG_JSON="true",
{%- if cookiecutter.database == "dynamodb" %}
            DYNAMODB_TABLE_PREFIX=sqs_settings.dynamodb_table_prefix,
{%- else %}
            DATABASE_URL=sqs_settings.raw_database_url,
            DB_SSL="disable",
{%- endif %}
            JWT_SECRET=TEST_JWT_SECRET,
            AWS_ENDPOINT_URL=sqs_settings.aws_endpoint_url,
            AWS_REGION=sqs_settings.aws_region,
            JOBS_QUEUE_URL=sqs_settings.jobs_queue_url,
            JOBS_WAIT_SECONDS="1",
        )
        with worker_process(environment, tmp_path) as (process, lines):
            assert wait_for_event(lines, "job_finished")["job"] == "record_login"
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
            assert wait_for_event(lines, "worker_stopped")
        assert client.get(ME, headers=headers).json()["last_login_at"] is not None
        assert queue_depth(sqs, sqs_settings.jobs_queue_url) == (0, 0)


class TestQueueOutage:
    """The queue refuses messages (here: it does not exist)."""

    @pytest.fixture
    def app(self, sqs_settings: Settings) -> FastAPI:
        missing = f"{sqs_settings.jobs_queue_url}-missing"
        return create_app(sqs_settings.model_copy(update={"jobs_queue_url": missing}))

    def test_login_still_works(self, client: TestClient, auth_headers: AuthHeaders) -> None:
        headers = auth_headers("outage@example.com")
        assert client.get(ME, headers=headers).json()["last_login_at"] is None
{%- if cookiecutter.use_s3_uploads == "y" %}

    def test_completing_again_queues_the_processing(
        self, client: TestClient, auth_headers: AuthHeaders, sqs_settings: Settings, sqs: SQSClient
    ) -> None:
        headers = auth_headers("outage-upload@example.com")
        content = b"queued later"
        signed = sign(client, headers, content)
        post_file(signed, content)
        complete = f"{UPLOADS}/{signed['id']}/complete"
        assert_error(client.post(complete, headers=headers), 503, "service_unavailable")
        assert client.get(f"{UPLOADS}/{signed['id']}", headers=headers).json()["status"] == (
            "uploaded"
        )

        with TestClient(create_app(sqs_settings)) as recovered:
            assert recovered.post(complete, headers=headers).json()["status"] == "uploaded"
        assert drain(sqs_settings) == 1
        assert client.get(f"{UPLOADS}/{signed['id']}", headers=headers).json()["status"] == (
            "processed"
        )
{%- endif %}


FINISHED: list[str] = []


class SendsSigterm(Job):
    """Signals its own process mid-job, as ECS does when it stops a task."""

    name: ClassVar[str] = "sends_sigterm"

    async def run(self, context: JobContext) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.sleep(0.2)  # the signal lands while the job is still in hand
        FINISHED.append(self.name)


class Note(Job):
    name: ClassVar[str] = "note"

    label: str

    async def run(self, context: JobContext) -> None:
        FINISHED.append(self.label)


def test_sigterm_finishes_the_job_in_hand_and_returns_the_rest(
    sqs_settings: Settings, sqs: SQSClient
) -> None:
    FINISHED.clear()
    jobs: dict[str, type[Job]] = {SendsSigterm.name: SendsSigterm, Note.name: Note}
    for job in (SendsSigterm(), Note(label="a"), Note(label="b")):
        sqs.send_message(QueueUrl=sqs_settings.jobs_queue_url, MessageBody=job.to_message())

    async def work(context: JobContext) -> None:
        worker = Worker(context, jobs=jobs)
        stop_on_signals(worker)
        await asyncio.wait_for(worker.run(), timeout=30)

    asyncio.run(_with_context(sqs_settings, work))

    # The worker stopped right after the signalling job, which finished; notes that came
    # after it in the batch went back to the queue, visible at once.
    assert FINISHED[-1] == SendsSigterm.name
    notes_run = len(FINISHED) - 1
    assert queue_depth(sqs, sqs_settings.jobs_queue_url) == (2 - notes_run, 0)


class Stalls(Job):
    """Outruns any batch timeout a test gives the worker."""

    name: ClassVar[str] = "stalls"

    async def run(self, context: JobContext) -> None:
        await asyncio.sleep(60)
        FINISHED.append(self.name)


def test_a_batch_past_its_timeout_is_given_back(sqs_settings: Settings, sqs: SQSClient) -> None:
    FINISHED.clear()
    settings = sqs_settings.model_copy(update={"jobs_batch_timeout_seconds": 1})
    jobs: dict[str, type[Job]] = {Stalls.name: Stalls, Note.name: Note}
    for job in (Stalls(), Note(label="a"), Note(label="b")):
        sqs.send_message(QueueUrl=settings.jobs_queue_url, MessageBody=job.to_message())

    async def work(context: JobContext) -> int:
        # The three messages arrive in one batch, the stalling job first.
        return await Worker(context, jobs=jobs).run_once()

    with capture_logs() as logged:
        assert asyncio.run(_with_context(settings, work)) == 0

    # The stalled job was cancelled and stays in flight until its visibility timeout (six
    # times the batch's, so no other worker took it meanwhile); the notes went back at once.
    assert FINISHED == []
    assert queue_depth(sqs, settings.jobs_queue_url) == (2, 1)
    assert [entry["after_seconds"] for entry in logged if entry["event"] == "job_timed_out"] == [1]


def test_worker_needs_a_queue(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "{{ cookiecutter.package_name }}.worker"],
        env=worker_environment(ENVIRONMENT="local"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Invalid configuration: JOBS_QUEUE_URL: the worker reads jobs from SQS; set it"
    ]


def worker_environment(**settings: str) -> dict[str, str]:
    """This process's environment without its JOBS_* variables, plus `settings`."""
    inherited = {name: value for name, value in os.environ.items() if not name.startswith("JOBS_")}
    return {**inherited, **settings}


@contextmanager
def worker_process(
    environment: dict[str, str], cwd: Path
) -> Iterator[tuple[subprocess.Popen[str], queue.Queue[str]]]:
    """`python -m {{ cookiecutter.package_name }}.worker`, with its output lines arriving on a queue."""
    process = subprocess.Popen(
        [sys.executable, "-m", "{{ cookiecutter.package_name }}.worker"],
        env=environment,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    try:
        yield process, lines
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def wait_for_event(lines: queue.Queue[str], event: str, timeout: float = 30) -> dict[str, Any]:
    """The first JSON log line whose event is `event`."""
    seen: list[str] = []
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            output = "".join(seen)
            raise AssertionError(f"no {event!r} within {timeout} s; output:\n{output}") from None
        seen.append(line)
        try:
            entry: dict[str, Any] = json.loads(line)
        except json.JSONDecodeError:
            continue
        if entry.get("event") == event:
            return entry

"""The ECS worker: `python -m {{ cookiecutter.package_name }}.worker` long-polls JOBS_QUEUE_URL and runs each job.

A message is deleted once its job succeeds. A failed or rejected one is left alone: SQS
shows it again after the queue's visibility timeout and moves it to the dead-letter
queue after its receive limit. SIGTERM (what ECS sends to stop a task) and Ctrl-C let
the job in hand finish, hand the rest of the batch back to the queue, and exit 0.

A received batch has JOBS_BATCH_TIMEOUT_SECONDS, as a Lambda worker has its function
timeout: a job still running then is cancelled (and redelivered later), and the jobs not
yet started go back to the queue. The queue's visibility timeout is six times that, so
no message shows again while this worker still holds it.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

import structlog

from {{ cookiecutter.package_name }}.core.aws import sqs_client
from {{ cookiecutter.package_name }}.core.config import SettingsError, get_settings
{%- if cookiecutter.database == "dynamodb" %}
from {{ cookiecutter.package_name }}.core.db import Database
{%- else %}
from {{ cookiecutter.package_name }}.core.db import Database, database_url
{%- endif %}
from {{ cookiecutter.package_name }}.core.logs import configure_logging, flush_logs
from {{ cookiecutter.package_name }}.jobs.base import Job, JobContext
from {{ cookiecutter.package_name }}.jobs.registry import JOBS, run_message

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import MessageTypeDef

log = structlog.get_logger(__name__)

BATCH_SIZE = 10  # SQS's maximum per receive
RECEIVE_RETRY_SECONDS = 5


class Worker:
    def __init__(self, context: JobContext, *, jobs: Mapping[str, type[Job]] = JOBS) -> None:
        self._context = context
        self._jobs = jobs
        self._queue_url = context.settings.jobs_queue_url
        self._wait_seconds = context.settings.jobs_wait_seconds
        self._batch_seconds = context.settings.jobs_batch_timeout_seconds
        self._sqs = sqs_client(context.settings, long_poll_seconds=self._wait_seconds)
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        """Finish the job in hand, then return from `run`."""
        self._stopping.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            await self.run_once()

    async def run_once(self) -> int:
        """Receives one batch (waiting up to JOBS_WAIT_SECONDS) and runs it; returns how
        many jobs succeeded."""
        try:
            messages = await asyncio.to_thread(self._receive)
        except Exception as error:  # any receive failure: wait and poll again
            log.error("queue_receive_failed", reason=str(error))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), RECEIVE_RETRY_SECONDS)
            return 0
        deadline = time.monotonic() + self._batch_seconds
        succeeded = 0
        for index, message in enumerate(messages):
            remaining = deadline - time.monotonic()
            if self._stopping.is_set() or remaining <= 0:
                with contextlib.suppress(Exception):
                    await asyncio.to_thread(self._release, messages[index:])
                break
            succeeded += await self._handle(message, seconds_left=remaining)
        return succeeded

    async def _handle(self, message: MessageTypeDef, *, seconds_left: float) -> bool:
        try:
            await asyncio.wait_for(
                run_message(
                    self._context,
                    message["Body"],
                    message_id=message["MessageId"],
                    jobs=self._jobs,
                ),
                seconds_left,
            )
        except TimeoutError:  # cancelled, so its transaction rolled back; SQS redelivers it
            log.error(
                "job_timed_out", message_id=message["MessageId"], after_seconds=self._batch_seconds
            )
            return False
        except Exception:  # logged by run_message; SQS redelivers the message
            return False
        try:
            await asyncio.to_thread(
                self._sqs.delete_message,
                QueueUrl=self._queue_url,
                ReceiptHandle=message["ReceiptHandle"],
            )
        except Exception as error:  # redelivered later; jobs are idempotent
            log.warning("message_delete_failed", message_id=message["MessageId"], reason=str(error))
        return True

    def _receive(self) -> list[MessageTypeDef]:
        received = self._sqs.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=BATCH_SIZE,
            WaitTimeSeconds=self._wait_seconds,
        )
        return received.get("Messages", [])

    def _release(self, messages: list[MessageTypeDef]) -> None:
        """Makes unstarted messages visible again at once, for the next worker to take (if
        this fails they come back anyway, after the visibility timeout)."""
        self._sqs.change_message_visibility_batch(
            QueueUrl=self._queue_url,
            Entries=[
                {
                    "Id": str(index),
                    "ReceiptHandle": message["ReceiptHandle"],
                    "VisibilityTimeout": 0,
                }
                for index, message in enumerate(messages)
            ],
        )
        log.info("messages_released", count=len(messages))


def stop_on_signals(worker: Worker) -> None:
    """SIGTERM and SIGINT stop the worker gracefully (call from inside the event loop)."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, worker.stop)


async def serve(context: JobContext) -> None:
    worker = Worker(context)
    stop_on_signals(worker)
    log.info("worker_started", queue_url=context.settings.jobs_queue_url)
    try:
        await worker.run()
    finally:
        await context.database.dispose()
    log.info("worker_stopped")


def main() -> int:
    try:
        settings = get_settings()
        configure_logging(settings)
        if settings.jobs_backend != "sqs":
            raise SettingsError("JOBS_QUEUE_URL: the worker reads jobs from SQS; set it")
{%- if cookiecutter.database != "dynamodb" %}
        database_url(settings)  # reads DATABASE_SECRET_ARN now: a bad secret stops here
{%- endif %}
    except SettingsError as error:
        raise SystemExit(f"Invalid configuration: {error}") from None
    try:
        asyncio.run(serve(JobContext(settings, Database(settings))))
    finally:
        flush_logs()
    return 0


if __name__ == "__main__":
    sys.exit(main())

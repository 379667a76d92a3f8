"""Where enqueued jobs go: SQS for the worker, or inline in the caller's process."""

from __future__ import annotations

import contextlib

import structlog
from starlette.concurrency import run_in_threadpool

from {{ cookiecutter.package_name }}.core.aws import sqs_client
from {{ cookiecutter.package_name }}.core.errors import ServiceUnavailableError
from {{ cookiecutter.package_name }}.jobs.base import Job, JobContext, JobQueue
from {{ cookiecutter.package_name }}.jobs.registry import run_message

log = structlog.get_logger(__name__)


class SqsQueue:
    """Sends each job to JOBS_QUEUE_URL; the worker (ECS or Lambda) runs it."""

    def __init__(self, context: JobContext) -> None:
        self._settings = context.settings

    async def enqueue(self, job: Job) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        client = sqs_client(self._settings)
        try:
            sent = await run_in_threadpool(
                client.send_message,
                QueueUrl=self._settings.jobs_queue_url,
                MessageBody=job.to_message(),
            )
        except (BotoCoreError, ClientError) as error:
            log.error("job_enqueue_failed", job=job.name, reason=str(error))
            raise ServiceUnavailableError("The job queue is unreachable") from None
        log.info("job_enqueued", job=job.name, message_id=sent["MessageId"])


class InlineQueue:
    """Runs each job at once, in this process, through the same message path as SQS (so a
    job that cannot travel as JSON fails here too). For local work and tests."""

    def __init__(self, context: JobContext) -> None:
        self._context = context

    async def enqueue(self, job: Job) -> None:
        # As with a real queue, a failed job never fails the code that enqueued it;
        # run_message has logged the failure.
        with contextlib.suppress(Exception):
            await run_message(self._context, job.to_message())


def job_queue(context: JobContext) -> JobQueue:
    if context.settings.jobs_backend == "sqs":
        return SqsQueue(context)
    return InlineQueue(context)

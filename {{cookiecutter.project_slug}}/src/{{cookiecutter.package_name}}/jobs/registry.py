"""Every job a worker may run, by name, and the one path a message takes to run.

A new job is a `Job` subclass (next to the feature it serves) added to `JOBS`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping

import structlog
from pydantic import ValidationError

from {{ cookiecutter.package_name }}.jobs.base import Job, JobContext, RejectedMessageError
{%- if cookiecutter.use_s3_uploads == "y" %}
from {{ cookiecutter.package_name }}.uploads.jobs import ProcessUpload
{%- endif %}
from {{ cookiecutter.package_name }}.users.jobs import RecordLogin

log = structlog.get_logger(__name__)

JOBS: Mapping[str, type[Job]] = {
{%- if cookiecutter.use_s3_uploads == "y" %}
    ProcessUpload.name: ProcessUpload,
{%- endif %}
    RecordLogin.name: RecordLogin,
}


def parse_message(body: str, jobs: Mapping[str, type[Job]] = JOBS) -> Job:
    """The job a message body describes: `{"job": <name>, "args": {...}}`."""
    try:
        message = json.loads(body)
    except json.JSONDecodeError:
        raise RejectedMessageError("the message is not JSON") from None
    name = message.get("job") if isinstance(message, dict) else None
    if not isinstance(name, str):
        raise RejectedMessageError('the message has no "job" name')
    job_type = jobs.get(name)
    if job_type is None:
        raise RejectedMessageError(f"unknown job {name!r}")
    try:
        return job_type.model_validate(message.get("args", {}))
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'args'}: {item['msg']}"
            for item in error.errors()
        )
        raise RejectedMessageError(f"invalid arguments for {name!r}: {problems}") from None


async def run_message(
    context: JobContext,
    body: str,
    *,
    message_id: str | None = None,
    jobs: Mapping[str, type[Job]] = JOBS,
) -> None:
    """Parses and runs one message, logging the outcome; failures propagate to the caller,
    which decides what a failure means for its queue (retry, report, or nothing)."""
    with structlog.contextvars.bound_contextvars(message_id=message_id):
        try:
            job = parse_message(body, jobs)
        except RejectedMessageError as error:
            log.error("job_rejected", reason=str(error))
            raise
        started = time.perf_counter()
        with structlog.contextvars.bound_contextvars(job=job.name):
            try:
                await job.run(context)
            except Exception:
                log.exception("job_failed")
                raise
            log.info("job_finished", duration_ms=round((time.perf_counter() - started) * 1000, 1))

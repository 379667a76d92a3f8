"""What a job is, and the interface every queue backend offers."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Protocol

from pydantic import BaseModel, ConfigDict

from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.core.db import Database


@dataclass(frozen=True)
class JobContext:
    """What a running job may use."""

    settings: Settings
    database: Database


class Job(BaseModel, ABC):
    """A unit of background work: the fields are the message, `run` does the work.

    SQS delivers at least once and retries failures, so `run` must be idempotent: running
    the same message twice leaves the same result as running it once.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: ClassVar[str]

    @abstractmethod
    async def run(self, context: JobContext) -> None: ...

    def to_message(self) -> str:
        return json.dumps({"job": self.name, "args": self.model_dump(mode="json")})


class JobQueue(Protocol):
    async def enqueue(self, job: Job) -> None: ...


class JobError(Exception):
    """The job cannot finish now; the queue retries the message."""


class RejectedMessageError(Exception):
    """The message can never run (not JSON, an unknown job, bad arguments)."""

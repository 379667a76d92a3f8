"""Mail the app sends (password reset links): through Amazon SES, or printed locally.

`mailer(settings)` picks by MAIL_BACKEND. Sending never raises for a recipient's sake:
a failure is logged (without the message) and the caller carries on, so a request's
answer cannot tell whether mail went out.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Protocol

import structlog
from starlette.concurrency import run_in_threadpool

from {{ cookiecutter.package_name }}.core.aws import ses_client
from {{ cookiecutter.package_name }}.core.config import Settings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str


class Mailer(Protocol):
    async def send(self, message: Message) -> None: ...


@dataclass(frozen=True)
class LogMailer:
    """Local work and tests: each message whole on the app's output, where `make run` shows
    it, and a `mail_to_log` line (settings refuse this elsewhere: a reset message holds a
    token). The text is printed, not logged, as the log's redaction removes tokens."""

    async def send(self, message: Message) -> None:
        sys.stdout.write(f"---- mail to {message.to}: {message.subject}\n{message.text}----\n")
        sys.stdout.flush()
        log.info("mail_to_log", to=message.to, subject=message.subject)


@dataclass(frozen=True)
class SesMailer:
    settings: Settings

    async def send(self, message: Message) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        client = ses_client(self.settings)
        try:
            await run_in_threadpool(
                client.send_email,
                FromEmailAddress=self.settings.mail_from,
                Destination={"ToAddresses": [message.to]},
                Content={
                    "Simple": {
                        "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                        "Body": {"Text": {"Data": message.text, "Charset": "UTF-8"}},
                    }
                },
            )
        except ClientError as error:
            # In the SES sandbox an unverified recipient is a MessageRejected here.
            code = error.response.get("Error", {}).get("Code", "error")
            log.warning("mail_not_sent", reason=code)
        except BotoCoreError as error:
            log.warning("mail_not_sent", reason=type(error).__name__)
        else:
            log.info("mail_sent", subject=message.subject)


def mailer(settings: Settings) -> Mailer:
    """MAIL_BACKEND's mailer; with `none`, the local one, which nothing calls (a reset
    answers 503 before it would)."""
    return SesMailer(settings) if settings.mail_backend == "ses" else LogMailer()

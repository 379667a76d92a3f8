"""Structured logging: structlog on top of the standard library's handlers.

JSON lines outside local (LOG_JSON), a request id bound to every line of a request, one
access line per request, and every line passed through `redact` before any handler
writes it. Destinations are built in `log_handlers`: stdout always, CloudWatch Logs when
CLOUDWATCH_LOG_GROUP is set (for hosts without a log driver: on ECS and Lambda stdout
already reaches CloudWatch, and the stacks leave it unset).
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import Any

import structlog
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from {{ cookiecutter.package_name }}.config import Settings

REQUEST_ID_HEADER = "X-Request-ID"
# Accept a caller's id only if it cannot forge log structure or bloat every line.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Batches to CloudWatch at most this often, and a flush waits at most this long, so an
# unreachable CloudWatch never holds a request or an invocation for longer.
CLOUDWATCH_SEND_INTERVAL_SECONDS = 5
CLOUDWATCH_FLUSH_TIMEOUT_SECONDS = 3

access_log = structlog.get_logger("{{ cookiecutter.package_name }}.access")

_SHARED_PROCESSORS: list[structlog.typing.Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]

REDACTED = "[REDACTED]"
_SECRET_KEY = re.compile(
    r"pass(word|wd)?|secret|token|authorization|cookie|api_?key|access_?key|signature|credential",
    re.IGNORECASE,
)
_SECRET_TEXT = [
    # Authorization: Bearer <token> / Basic <credentials>
    (re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE), rf"\1 {REDACTED}"),
    # A password inside a URL: scheme://user:password@host
    (re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*://[^:/?#\s@]*:)[^@/?#\s]+@"), rf"\1{REDACTED}@"),
    # Presigned URL signatures and credentials (SigV4 and SigV2 query parameters)
    (
        re.compile(
            r"((?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|AWSAccessKeyId)=)[^&\s\"']+",
            re.IGNORECASE,
        ),
        rf"\1{REDACTED}",
    ),
    # A bare JWT
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"), REDACTED),
]


# Every pattern above matches only text holding one of these, so one search spares the
# four substitutions on the common line (a path, a method, an event name).
_MAY_HOLD_SECRET_TEXT = re.compile(r"bearer|basic|://|=|eyj", re.IGNORECASE)


def redact_text(text: str) -> str:
    if not _MAY_HOLD_SECRET_TEXT.search(text):
        return text
    for pattern, replacement in _SECRET_TEXT:
        text = pattern.sub(replacement, text)
    return text


def _redact_value(key: str, value: Any) -> Any:
    if _SECRET_KEY.search(key) and value not in (None, ""):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: _redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(key, v) for v in value]
    return value


def redact(
    _logger: object, _name: str, event_dict: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    """The one place secrets are removed: by key name, and by shape inside any string."""
    return {key: _redact_value(key, value) for key, value in event_dict.items()}


def _formatter(*, json: bool) -> logging.Formatter:
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_SHARED_PROCESSORS,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            # Tracebacks become a string field first, so `redact` sees them too.
            structlog.processors.format_exc_info,
            redact,
            renderer,
        ],
    )


class StdoutHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the current `sys.stdout`, even after a test runner or a REPL swaps it."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    @property
    def stream(self) -> object:
        return sys.stdout

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def _cloudwatch_handler(settings: Settings) -> logging.Handler:
    # Imported here: watchtower loads boto3, which only CloudWatch users should pay for.
    import watchtower

    from {{ cookiecutter.package_name }}.aws import logs_client

    handler = watchtower.CloudWatchLogHandler(
        log_group_name=settings.cloudwatch_log_group,
        log_stream_name="{machine_name}/{process_id}",
        boto3_client=logs_client(settings),
        # The group is infrastructure (Terraform); creating it here would call AWS while
        # the app starts, and fail start-up whenever CloudWatch is unreachable.
        create_log_group=False,
        send_interval=CLOUDWATCH_SEND_INTERVAL_SECONDS,
    )
    handler.FLUSH_TIMEOUT = CLOUDWATCH_FLUSH_TIMEOUT_SECONDS
    handler.setFormatter(_formatter(json=True))
    return handler


def log_handlers(settings: Settings) -> list[logging.Handler]:
    stdout = StdoutHandler()
    stdout.setFormatter(_formatter(json=settings.log_json))
    handlers: list[logging.Handler] = [stdout]
    if settings.cloudwatch_log_group:
        handlers.append(_cloudwatch_handler(settings))
    return handlers


def configure_logging(settings: Settings) -> None:
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_SHARED_PROCESSORS,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    root = logging.getLogger()
    # Swap, then close: a line logged meanwhile by another thread finds open handlers.
    previous, root.handlers = root.handlers, log_handlers(settings)
    for handler in previous:
        handler.close()
    root.setLevel(settings.log_level)
    # Uvicorn's own access lines would duplicate ours; its error lines go through root.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True


def flush_logs() -> None:
    """Send what the handlers buffer (CloudWatch batches) now, e.g. before Lambda freezes."""
    for handler in logging.getLogger().handlers:
        handler.flush()


class RequestContextMiddleware:
    """Binds a request id to the request's log lines and writes one access line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        status_code = 500
        started = time.perf_counter()

        async def send_with_request_id(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            access_log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status_code,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )
            structlog.contextvars.clear_contextvars()


def _request_id(scope: Scope) -> str:
    candidate = Headers(scope=scope).get(REQUEST_ID_HEADER)
    if candidate is not None and _VALID_REQUEST_ID.match(candidate):
        return candidate
    return uuid.uuid4().hex

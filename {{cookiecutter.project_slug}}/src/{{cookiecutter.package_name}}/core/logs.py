"""Structured logging: the app's structlog lines and the libraries' standard-library
records take one tail (`_write`).

JSON lines outside local (LOG_JSON), a request id bound to every line of a request, one
access line per request, and every line passed through `redact` before any destination
writes it. Destinations are built in `destinations`: stdout always, CloudWatch Logs when
CLOUDWATCH_LOG_GROUP is set (for hosts without a log driver: on ECS and Lambda stdout
already reaches CloudWatch, and the stacks leave it unset).
"""

from __future__ import annotations

import functools
import logging
import re
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import structlog
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from {{ cookiecutter.package_name }}.core.config import Settings

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


@functools.lru_cache(maxsize=1024)
def _is_secret_key(key: str) -> bool:
    # Keys are few and repeat on every line (the access line's alone are eight).
    return _SECRET_KEY.search(key) is not None


def _redact_value(key: str, value: Any) -> Any:
    if _is_secret_key(key) and value not in (None, ""):
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


@dataclass(frozen=True)
class Destination:
    """Where lines go: each renders an event its own way, then writes the line."""

    render: Callable[[structlog.typing.EventDict], str]
    write: Callable[[str, int, str], None]  # (line, level number, logger name)
    flush: Callable[[], None]
    close: Callable[[], None] = lambda: None


def _renderer(*, json: bool) -> Callable[[structlog.typing.EventDict], str]:
    render: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    return lambda event: str(render(None, "", event))


def _stdout(*, json: bool) -> Destination:

    def write(line: str, _level: int, _logger: str) -> None:
        # The current sys.stdout, even after a test runner or a REPL swaps it; flushed per
        # line, so nothing waits in a buffer while Lambda freezes the process.
        stream = sys.stdout
        stream.write(line + "\n")
        stream.flush()

    return Destination(_renderer(json=json), write, flush=lambda: sys.stdout.flush())


def _cloudwatch(settings: Settings) -> Destination:
    # Imported here: watchtower loads boto3, which only CloudWatch users should pay for.
    import watchtower

    from {{ cookiecutter.package_name }}.core.aws import logs_client

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

    def write(line: str, level: int, logger: str) -> None:
        handler.handle(logging.makeLogRecord({"msg": line, "levelno": level, "name": logger}))

    return Destination(_renderer(json=True), write, handler.flush, handler.close)


def destinations(settings: Settings) -> list[Destination]:
    built = [_stdout(json=settings.log_json)]
    if settings.cloudwatch_log_group:
        built.append(_cloudwatch(settings))
    return built


_destinations: list[Destination] = [_stdout(json=False)]


def _write(event: structlog.typing.EventDict, level: int, logger: str) -> None:
    """The one tail every line takes: tracebacks become a string (so `redact` sees them),
    secrets are removed, then each destination renders and writes."""
    event = redact(None, "", structlog.processors.format_exc_info(None, "", event))
    for destination in _destinations:
        destination.write(destination.render(dict(event)), level, logger)


class _Lines:
    """structlog's logger: hands the processed event to `_write`. Each line skips the
    standard library's record, caller lookup and handler chain (a third of a request's
    cost on `/health`)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def _line(self, level: int, event: structlog.typing.EventDict) -> None:
        _write(event, level, self.name)

    def debug(self, event: structlog.typing.EventDict) -> None:
        self._line(logging.DEBUG, event)

    def info(self, event: structlog.typing.EventDict) -> None:
        self._line(logging.INFO, event)

    def warning(self, event: structlog.typing.EventDict) -> None:
        self._line(logging.WARNING, event)

    def error(self, event: structlog.typing.EventDict) -> None:
        self._line(logging.ERROR, event)

    def critical(self, event: structlog.typing.EventDict) -> None:
        self._line(logging.CRITICAL, event)

    msg = info
    warn = warning
    exception = error
    fatal = critical


def _lines_factory(*args: Any) -> _Lines:
    return _Lines(str(args[0]) if args else "")


def _to_lines(
    _logger: object, _name: str, event: structlog.typing.EventDict
) -> tuple[tuple[structlog.typing.EventDict], dict[str, Any]]:
    # The event itself, not a rendering: each destination renders its own.
    return (event,), {}


class _LibraryRecords(logging.Handler):
    """The standard library's records (uvicorn, SQLAlchemy, botocore) on the same tail."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            event: structlog.typing.EventDict = {"event": record.getMessage(), "_record": record}
            if record.exc_info:
                event["exc_info"] = record.exc_info
            for processor in _SHARED_PROCESSORS:
                event = processor(None, record.levelname.lower(), event)  # type: ignore[assignment]
            del event["_record"]
            _write(event, record.levelno, record.name)
        except Exception:
            self.handleError(record)


def configure_logging(settings: Settings) -> None:
    global _destinations
    level = logging.getLevelNamesMapping()[settings.log_level]
    structlog.configure(
        processors=[*_SHARED_PROCESSORS, _to_lines],
        logger_factory=_lines_factory,
        wrapper_class=structlog.make_filtering_bound_logger(level),
        cache_logger_on_first_use=False,
    )
    # Swap, then close: a line logged meanwhile by another thread finds open destinations.
    previous, _destinations = _destinations, destinations(settings)
    for destination in previous:
        destination.close()
    root = logging.getLogger()
    root.handlers = [_LibraryRecords()]
    root.setLevel(level)
    # Uvicorn's own access lines would duplicate ours; its error lines go through root.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True


def flush_logs() -> None:
    """Send what the destinations buffer (CloudWatch batches) now, e.g. before Lambda freezes."""
    for destination in _destinations:
        destination.flush()


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

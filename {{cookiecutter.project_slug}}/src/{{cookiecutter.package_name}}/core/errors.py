"""One JSON shape for every error response, and the exceptions services raise.

    {"error": {"code": "not_found", "message": "Item not found", "details": null},
     "request_id": "..."}

Validation errors (422) list each problem in `details` as {"field", "message", "type"}
with the field's dotted path (e.g. "body.email"). Input values are never echoed back.
`ErrorResponse` is that shape as a schema: `documented(...)` puts it in the OpenAPI
document for each status a route can answer with.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

log = structlog.get_logger(__name__)


class AppError(Exception):
    """An expected failure with its HTTP status; services raise these, never HTTPException."""

    status_code = HTTPStatus.BAD_REQUEST
    code = "bad_request"

    details: list[dict[str, Any]] | None = None

    def __init__(self, message: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers


class NotFoundError(AppError):
    status_code = HTTPStatus.NOT_FOUND
    code = "not_found"


class ConflictError(AppError):
    status_code = HTTPStatus.CONFLICT
    code = "conflict"


class UnauthorizedError(AppError):
    status_code = HTTPStatus.UNAUTHORIZED
    code = "unauthorized"

    def __init__(self, message: str) -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class InvalidInputError(AppError):
    """A well-formed request whose values the service refuses (422, like schema errors)."""

    status_code = HTTPStatus.UNPROCESSABLE_ENTITY
    code = "validation_error"

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.details = [{"field": field, "message": message, "type": "value_error"}]


class ServiceUnavailableError(AppError):
    status_code = HTTPStatus.SERVICE_UNAVAILABLE
    code = "service_unavailable"


class ErrorDetail(BaseModel):
    field: str
    message: str
    type: str


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail] | None


class ErrorResponse(BaseModel):
    """The body of every error response."""

    error: ErrorBody
    request_id: str | None


def documented(*statuses: HTTPStatus) -> dict[int | str, dict[str, Any]]:
    """A route's or router's `responses`: each error status with the envelope's schema."""
    return {
        int(status): {"model": ErrorResponse, "description": status.phrase} for status in statuses
    }


def error_response(
    request: Request,
    status_code: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    request_id = getattr(request.state, "request_id", None)
    body = {
        "error": {"code": code, "message": message, "details": details},
        "request_id": request_id,
    }
    return JSONResponse(body, status_code=int(status_code), headers=headers)


def _code_for(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


# The methods a route can declare, in the order `Allow` lists them.
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> str:
    """Every method some route answers at this path. Starlette's own 405 names only the
    first route it tried, though GET and POST /items are two routes (RFC 9110, 15.5.6:
    `Allow` lists the target resource's methods)."""
    return ", ".join(
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in request.app.router.routes
        )
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def app_error(request: Request, exc: AppError) -> JSONResponse:
        return error_response(
            request, exc.status_code, exc.code, exc.message, exc.details, headers=exc.headers
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = exc.headers
        if exc.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
            headers = {"Allow": allowed_methods(request)}
            if request.method == "OPTIONS":
                # RFC 9110, 9.3.7: OPTIONS asks which methods the resource supports.
                return Response(status_code=HTTPStatus.NO_CONTENT, headers=headers)
        message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        return error_response(
            request, exc.status_code, _code_for(exc.status_code), message, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {
                "field": ".".join(str(part) for part in error["loc"]),
                "message": error["msg"],
                "type": error["type"],
            }
            for error in exc.errors()
        ]
        return error_response(
            request,
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "validation_error",
            "Request is not valid",
            details,
        )

    @app.exception_handler(Exception)
    async def unhandled_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error", error_type=type(exc).__name__)
        request_id = getattr(request.state, "request_id", None)
        # This response bypasses the request middleware, so it sets the header itself.
        return error_response(
            request,
            HTTPStatus.INTERNAL_SERVER_ERROR,
            "internal_error",
            "Internal server error",
            headers={"X-Request-ID": request_id} if request_id else None,
        )

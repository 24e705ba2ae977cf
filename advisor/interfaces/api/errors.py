"""Errors in OpenAI's shape: every advisor error, validation error and HTTP error the
API raises becomes ``{"error": {"message", "type", "param", "code"}}`` with one line of
message and the status a client can act on."""

import sys
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from advisor.core.errors import (
    AdvisorError,
    EngineError,
    InputError,
    MissingExtraError,
    NotFoundError,
    StoreError,
)
from advisor.interfaces.api.schemas import MODEL_ID, ErrorDetail, ErrorResponse


class APIError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        type: str = "invalid_request_error",
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.detail = ErrorDetail(message=message, type=type, param=param, code=code)
        self.headers = headers

    def response(self) -> JSONResponse:
        body = ErrorResponse(error=self.detail).model_dump(mode="json")
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def from_advisor_error(exc: AdvisorError) -> APIError:
    """An advisor error as the HTTP error a client can act on."""
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, InputError):
        return APIError(400, message, code="invalid_input")
    if isinstance(exc, NotFoundError):
        return APIError(404, message, "not_found_error", "not_found")
    if isinstance(exc, StoreError):
        return APIError(503, message, "server_error", "store_unavailable")
    if isinstance(exc, EngineError):
        return APIError(502, message, "server_error", "engine_error")
    if isinstance(exc, MissingExtraError):
        return APIError(500, message, "server_error", "missing_extra")
    return APIError(400, message)


def internal_error() -> APIError:
    return APIError(500, "the advisor failed unexpectedly; try again", "server_error", "internal")


def unknown_model(model: str) -> APIError:
    """OpenAI's answer to a model it does not serve."""
    return APIError(
        404,
        f"the model {model!r} does not exist here: use {MODEL_ID!r} (see GET /v1/models)",
        code="model_not_found",
        param="model",
    )


def unreadable_body(cause: BaseException | None) -> APIError:
    """Why FastAPI could not parse a JSON body, in one line: Python's json module gives
    up on deep nesting (RecursionError) and on integers over its digit limit
    (ValueError), and the body must be UTF-8."""
    if isinstance(cause, UnicodeDecodeError):
        message = "the request body is not valid JSON: send UTF-8 encoded JSON"
        code = "invalid_utf8"
    elif isinstance(cause, RecursionError):
        message = "the request body is nested too deeply to read: send a flat JSON object"
        code = "json_too_deep"
    elif isinstance(cause, ValueError) and "integer string conversion" in str(cause):
        limit = sys.get_int_max_str_digits()
        message = f"the request body holds a number over {limit:,} digits long: send a shorter one"
        code = "json_number_too_long"
    else:
        message, code = "the request body is not valid JSON", "invalid_json"
    return APIError(400, message, code=code)


def add_error_handlers(app: FastAPI) -> None:
    """Answer every error the app raises in the OpenAI shape."""

    @app.exception_handler(APIError)
    async def _api_error(_: Request, exc: APIError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(AdvisorError)
    async def _advisor_error(_: Request, exc: AdvisorError) -> JSONResponse:
        return from_advisor_error(exc).response()

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = f"{where}: {first.get('msg', 'invalid request')}" if where else "invalid request"
        if not where:  # empty, or JSON that is not an object (a list, null, a string)
            message = 'the request body must be a JSON object such as {"messages": [...]}'
        if first.get("type") == "json_invalid":
            return unreadable_body(None).response()
        return APIError(400, message, code="invalid_request").response()

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = "not_found_error" if exc.status_code == 404 else "invalid_request_error"
        message = str(exc.detail)
        if exc.status_code == 404:
            message = f"no route {request.url.path}: the API is under /v1"
        elif exc.status_code == 400 and message == "There was an error parsing the body":
            # FastAPI's words for any body json.loads raises on other than a syntax
            # error; what it raised is the cause
            return unreadable_body(exc.__cause__).response()
        return APIError(exc.status_code, message, kind, headers=exc.headers).response()

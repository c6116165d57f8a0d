"""One mapping from the service layer's closed set of failures to HTTP answers.

Forbidden and NotFound are the same byte-identical 404: another organisation's number, or one the
person may not see, cannot be told apart from one that does not exist (R-SEC-1).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from billing_center.domain.errors import (
    Conflict,
    Forbidden,
    NotAuthenticated,
    NotFound,
    RateLimited,
    ServiceError,
    Unavailable,
    ValidationFailed,
)

NOT_FOUND = {"detail": "Not found"}


def error_response(exc: ServiceError) -> JSONResponse:
    if isinstance(exc, NotAuthenticated):
        return JSONResponse({"detail": "Not signed in"}, status_code=401)
    if isinstance(exc, (NotFound, Forbidden)):
        return JSONResponse(NOT_FOUND, status_code=404)
    if isinstance(exc, ValidationFailed):
        return JSONResponse({"detail": {"field": exc.field, "message": exc.message}}, status_code=400)
    if isinstance(exc, RateLimited):
        return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=429)
    if isinstance(exc, Unavailable):
        return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=503,
                            headers={"Retry-After": "5"})
    if isinstance(exc, Conflict):
        return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=409)
    return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=400)


def install(app: FastAPI) -> None:
    async def handle(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ServiceError)
        return error_response(exc)

    app.add_exception_handler(ServiceError, handle)

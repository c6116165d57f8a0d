"""A closed set of service failures, each with a machine code the UI turns into a message."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of every expected failure of a use case. ``code`` is stable; ``message`` is for people."""

    code = "service_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotFound(ServiceError):
    """The thing does not exist *for this actor*: another organisation's id looks exactly like this."""

    code = "not_found"

    def __init__(self, what: str = "item") -> None:
        super().__init__(f"No such {what}.", code=f"{what.replace(' ', '_')}_not_found")


class Forbidden(ServiceError):
    code = "forbidden"

    def __init__(self, message: str = "You do not have access to this.") -> None:
        super().__init__(message)


class NotAuthenticated(ServiceError):
    code = "not_authenticated"

    def __init__(self, message: str = "Please sign in.") -> None:
        super().__init__(message)


class ValidationFailed(ServiceError):
    """Bad input for one field. ``field`` tells the UI where to show ``message``."""

    code = "validation_failed"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Conflict(ServiceError):
    code = "conflict"


class RateLimited(ServiceError):
    code = "rate_limited"

    def __init__(self, message: str = "Too many attempts. Wait a few minutes and try again.") -> None:
        super().__init__(message)

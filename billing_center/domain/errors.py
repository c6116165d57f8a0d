"""A closed set of service failures, each with a machine code the UI turns into a message.

Messages are English and language-free here: a message with values is a template plus parameters
(``ValidationFailed("seats", "Order at most {count} seats.", count=500)``); the console translates
the template at the edge (``i18n.translate_error``) and fills it in.
"""

from __future__ import annotations

from billing_center.i18n import N_


class ServiceError(Exception):
    """Base of every expected failure of a use case. ``code`` is stable; ``message`` is for people
    (English, ``template`` filled in with ``params``)."""

    code = "service_error"
    translated_params: tuple[str, ...] = ()  # parameters that are English words themselves

    def __init__(self, message: str, *, code: str | None = None, words: tuple[str, ...] = (),
                 **params: object) -> None:
        """``words`` names parameters that are English words (a status): the edge translates them too
        (mark their possible values with ``N_`` where they are defined)."""
        self.template = message
        self.params = params
        if words:
            self.translated_params = (*type(self).translated_params, *words)
        self.message = message.format(**params) if params else message
        super().__init__(self.message)
        if code:
            self.code = code


class NotFound(ServiceError):
    """The thing does not exist *for this actor*: another organisation's id looks exactly like this."""

    code = "not_found"
    translated_params = ("what",)

    def __init__(self, what: str = "item") -> None:
        super().__init__(N_("No such {what}."), code=f"{what.replace(' ', '_')}_not_found", what=what)


class Forbidden(ServiceError):
    code = "forbidden"

    def __init__(self, message: str = N_("You do not have access to this."), **params: object) -> None:
        super().__init__(message, **params)


class NotAuthenticated(ServiceError):
    code = "not_authenticated"

    def __init__(self, message: str = N_("Please sign in.")) -> None:
        super().__init__(message)


class ValidationFailed(ServiceError):
    """Bad input for one field. ``field`` tells the UI where to show ``message``."""

    code = "validation_failed"

    def __init__(self, field: str, message: str, *, words: tuple[str, ...] = (), **params: object) -> None:
        super().__init__(message, words=words, **params)
        self.field = field


class Conflict(ServiceError):
    code = "conflict"


class RateLimited(ServiceError):
    code = "rate_limited"

    def __init__(self, message: str = N_("Too many attempts. Wait a few minutes and try again."),
                 **params: object) -> None:
        super().__init__(message, **params)


class Unavailable(ServiceError):
    """A part the use case needs (the database) did not answer: nothing was saved; trying again is safe."""

    code = "unavailable"

    def __init__(self, message: str = N_("The service is briefly unavailable, so nothing was saved. Try again in "
                                         "a moment.")) -> None:
        super().__init__(message)

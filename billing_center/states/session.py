"""The signed-in actor, and the one way a section's handler is written.

Every section's state subclasses ``SessionState``. A handler that needs the signed-in person is
decorated with :func:`signed_in` (under ``@rx.event``)::

    class WalletState(FieldErrors, SessionState):
        field_errors: ClassVar[dict[str, str]] = {"expiry": "expiry", "*": "edit_name"}

        set_edit_name = field_setter("edit_name")  # a field's on_change

        @rx.event
        @signed_in
        def save_edit(self, actor: Actor, db: Session):
            self._clear_errors("expiry", "edit_name")
            wallet.update_card(session=db, actor=actor, ...)
            return rx.toast.success("Updated.")

The decorator resolves the actor from the server-side session (or redirects to sign-in), opens the
use case's one transaction (``db``, committed when the handler returns, rolled back on any error),
and turns a ``ServiceError`` into a message: ``exc.field`` is looked up in the state's
``field_errors`` table (``"*"`` is the default target); with no target it becomes an error toast. The
target is a key of the state's one ``errors`` var (:class:`FieldErrors`; the page shows
``error_of(S, "expiry")`` under the field), or else the name of a var of its own.
``actor`` and ``db`` are injected by name and hidden from Reflex, so event arguments, ``yield`` and
background handlers keep working. ``@signed_in(page=True)`` also fills the console header (use it on
``on_load`` handlers). The pages a visitor uses before signing in use :func:`public` the same way: the
transaction and the error table, without the redirect.

The session cookie is HttpOnly and set or cleared by HTTP responses only (``api/session.py``); this
state never holds it. Each event finds the session in the cookie header of its websocket's handshake
(as the token's SHA-256, :meth:`SessionState._session_digest`). Sign-in and sign-out therefore end in
a new document (:func:`~billing_center.strict_csp.load_document`), whose new websocket carries the new
cookie; so does the way to sign-in, so that a tab opened before a sign-in elsewhere catches up.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import inspect
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar
from urllib.parse import urlencode

import reflex as rx
from sqlmodel import Session
from starlette.requests import cookie_parser

from billing_center import db as db_module
from billing_center import i18n
from billing_center.db import session_scope
from billing_center.domain.enums import Role
from billing_center.domain.errors import Forbidden, NotAuthenticated, NotFound, ServiceError
from billing_center.labels import ROLE_LABELS
from billing_center.services import auth, profile
from billing_center.services.actors import Actor
from billing_center.session_links import exchange_url, sign_out_url
from billing_center.strict_csp import load_document

SIGN_IN = "/sign-in"
SLIDE = "billing_center_slide_session"  # Session.info: the digest whose idle expiry is due to slide
INJECTED = ("actor", "db")


def event_id(value: str | int, what: str) -> int:
    """The id a page sent back (a row's button, a select); anything but a number is a missing ``what``."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(what) from None


def _public_signature(fn: Callable) -> inspect.Signature:
    sig = inspect.signature(fn)
    return sig.replace(parameters=[p for name, p in sig.parameters.items() if name not in INJECTED])


def _handler(fn: Callable, *, required: bool, page: bool, errors: Mapping[str, str] | None,
             read_only: bool = False) -> Callable:
    """Wrap ``fn`` (plain, generator or background) so it gets its actor, its transaction and its errors."""
    signature = _public_signature(fn)
    event_params = list(signature.parameters)[1:]  # after self: what the page sends
    wanted = set(inspect.signature(fn).parameters) & set(INJECTED)
    needs_actor = required or page or "actor" in wanted

    def inject(args: tuple, kwargs: dict, actor: Actor | None, db: Session | None) -> dict:
        """The event's arguments by name (Reflex may pass them by position), with the actor and db."""
        named = {**dict(zip(event_params, args, strict=False)), **kwargs}
        named.update({name: value for name, value in (("actor", actor), ("db", db)) if name in wanted})
        return named

    @contextlib.contextmanager
    def transaction(self: SessionState) -> Iterator[tuple[Actor | None, bool, Session]]:
        """The handler's one transaction (``db``), its actor (when wanted) and whether it may run; once it
        is committed, the session's idle expiry slides when due."""
        with session_scope() as db:
            if read_only:
                db_module.read_only(db)
            actor = self._resolve(db) if needs_actor else None
            if actor is not None and page:
                self._show_actor(actor, db)
                i18n.activate(self.lang)  # the page's own words follow the language just found
            yield actor, actor is not None or not required, db
        self._slide_session(db)

    if inspect.iscoroutinefunction(fn):
        if "db" in wanted:
            raise TypeError(f"{fn.__qualname__}: a background handler opens its own transactions")

        @functools.wraps(fn)
        async def wrapper(self: SessionState, *args, **kwargs):
            actor = self._actor() if needs_actor else None
            if actor is None and required:
                async with self:
                    return self._to_sign_in()
            with i18n.using(self.lang):
                try:
                    return await fn(self, **inject(args, kwargs, actor, None))
                except ServiceError as exc:
                    async with self:
                        return self._service_error(exc, errors)

    elif inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def wrapper(self: SessionState, *args, **kwargs):
            with self._event(page):
                try:
                    with transaction(self) as (actor, go, db):
                        if go:
                            yield from fn(self, **inject(args, kwargs, actor, db))
                    if not go:
                        yield self._to_sign_in()
                except ServiceError as exc:
                    yield self._service_error(exc, errors)

    else:

        @functools.wraps(fn)
        def wrapper(self: SessionState, *args, **kwargs):
            with self._event(page):
                try:
                    with transaction(self) as (actor, go, db):
                        result = fn(self, **inject(args, kwargs, actor, db)) if go else None
                except ServiceError as exc:
                    return self._service_error(exc, errors)
            return result if go else self._to_sign_in()

    # Reflex reads a handler's parameters and type hints to build its event arguments:
    # show it the handler as the page calls it, without the injected actor and db.
    wrapper.__signature__ = signature
    wrapper.__annotations__ = {k: v for k, v in getattr(fn, "__annotations__", {}).items() if k not in INJECTED}
    return wrapper


def signed_in(fn: Callable | None = None, /, *, page: bool = False,
              errors: Mapping[str, str] | None = None, read_only: bool = False) -> Any:
    """Decorate a SessionState handler: actor or sign-in, one transaction, errors to their fields.

    ``page=True`` fills the header (for ``on_load``); ``errors`` adds to the state's ``field_errors``
    table for this handler only. ``read_only=True`` makes the transaction a read (``db.read_only``): on
    SQLite it runs beside a writer instead of waiting for the write lock, and a write in it fails at
    once. Background handlers (``async``) receive the actor but no ``db``:
    they open short transactions of their own between their ``async with self`` blocks.
    """

    def decorate(fn: Callable) -> Callable:
        return _handler(fn, required=True, page=page, errors=errors, read_only=read_only)

    return decorate(fn) if fn is not None else decorate


def public(fn: Callable | None = None, /, *, page: bool = False, errors: Mapping[str, str] | None = None) -> Any:
    """Like :func:`signed_in` for the pages a visitor uses before signing in (sign-in, access, activate,
    mailbox): one transaction and errors to their fields, but no redirect. ``actor`` (when the handler
    asks for it) is the signed-in person or None; ``page=True`` fills the header when there is one."""

    def decorate(fn: Callable) -> Callable:
        return _handler(fn, required=False, page=page, errors=errors)

    return decorate(fn) if fn is not None else decorate


_signed_in = signed_in  # SessionState's own ``signed_in`` var hides the decorator's name in the class body


class SessionState(rx.State):
    person_name: str = ""
    person_email: str = ""
    organisation_name: str = ""
    role_label: str = ""
    role: str = ""
    is_billing_admin: bool = False
    signed_in: bool = False
    # The console language (nl, fr, en): the browser looks every wrapped string up in it.
    lang: str = ""  # "" until the first event: the browser then shows its own guess (i18n.GUESS_JS)
    # The language chosen on this device before signing in (the language menu), remembered by the browser.
    device_lang: str = rx.LocalStorage("", name="billing_center_language", sync=True)
    _shown_person_id: int = 0  # whose details the header shows (see _show_actor)

    # Which state var shows a ValidationFailed for a service field; "*" catches every other error.
    field_errors: ClassVar[dict[str, str]] = {}
    # The vars each state's events set on the page before its load event ran (issue 14, see
    # components/forms.py), by state: the load keeps them as the person left them. Backend vars of
    # SessionState live on one instance shared by every section's state, hence the key.
    _early_fields: dict[str, list[str]] = {}

    @contextlib.contextmanager
    def _event(self, page: bool) -> Iterator[None]:
        """Around a (plain or generator) handler: its language, and what a page's load keeps (issue 14)."""
        kept = self._before_event(page)
        try:
            with i18n.using(self._language()):
                yield
        finally:
            self._after_event(page, kept)

    def _before_event(self, page: bool) -> dict[str, Any]:
        """Before a handler: for a page's load event, what the person already set on this page (the load
        runs after the person's first events, Reflex queues it behind them); for the others, nothing."""
        if not page:
            return {}
        mine = self._early_fields.get(self.get_full_name(), [])
        return {name: copy.deepcopy(self._early_value(name)) for name in mine}

    def _after_event(self, page: bool, kept: dict[str, Any]) -> None:
        """After a handler: a load puts back what the person set before it ran; any other event run
        before the load (the page is not hydrated yet) notes the fields it set."""
        key = self.get_full_name()
        if page:
            for name, value in kept.items():
                self._put_back(name, value)
            if key in self._early_fields:
                self._early_fields = {k: v for k, v in self._early_fields.items() if k != key}
        elif not self.is_hydrated:
            touched = self._touched_fields()
            mine = set(self._early_fields.get(key, []))
            if not touched <= mine:
                self._early_fields = {**self._early_fields, key: sorted(touched | mine)}
        elif self._early_fields:
            self._early_fields = {}

    def _touched_fields(self) -> set[str]:
        """The fields this event set, by the names :meth:`_early_value` and :meth:`_put_back` take."""
        return {name for name in self.dirty_vars if name in self.base_vars and not name.startswith("_")}

    def _early_value(self, name: str) -> Any:
        return self.get_value(name)

    def _put_back(self, name: str, value: Any) -> None:
        setattr(self, name, value)

    def _reset_vars(self, *names: str) -> None:
        """Set these vars of this state back to their defaults: for a page's ``leave`` event (on_unmount),
        a plain ``@rx.event`` that is not the person's input. The tab's next visit of the page then shows
        the defaults until its load runs, never this visit's filters or step, which the load would change
        under what the person does first."""
        fields = type(self).__fields__
        for name in names:
            setattr(self, name, fields[name].default_value())

    def _client_ip(self) -> str:
        return getattr(self.router.session, "client_ip", "") or ""

    def _session_digest(self) -> str | None:
        """This connection's session: the handshake's cookie, where ``api/session.py`` has already put
        the token's SHA-256 in place of the token (Reflex stores the handshake headers)."""
        return cookie_parser(self.router.headers.cookie or "").get(auth.SESSION_DIGEST_COOKIE)

    def _resolve(self, db: Session) -> Actor | None:
        """The signed-in actor, once per event, in the event's transaction. In a read-only one nothing is
        written: a session whose idle expiry is due to slide is noted for :meth:`_slide_session`."""
        digest = self._session_digest()
        try:
            if not db_module.is_read_only(db):
                return auth.resolve_digest(session=db, digest=digest)
            actor, due = auth.read_digest(session=db, digest=digest)
        except NotAuthenticated:
            return None
        if due:
            db.info[SLIDE] = digest
        return actor

    def _slide_session(self, db: Session) -> None:
        """After a read-only event: slide the session's idle expiry when due (at most every 30 s), in a
        short write transaction of its own."""
        digest = db.info.pop(SLIDE, None)
        if digest:
            with session_scope() as writer:
                try:
                    auth.resolve_digest(session=writer, digest=digest)
                except NotAuthenticated:
                    pass

    def _actor(self) -> Actor | None:
        """The actor for this session in its own short read transaction, or None when it is gone."""
        with session_scope() as db:
            actor = self._resolve(db_module.read_only(db))
        self._slide_session(db)
        return actor

    def _accept_language(self) -> str:
        return getattr(self.router.headers, "accept_language", "") or ""

    def _language(self) -> str:
        """The language of this event: the one the session found, else this device's choice or the
        browser's (before anything else ran, e.g. the first event of a public page)."""
        if not self.signed_in:
            self.lang = i18n.choose(profile=self.device_lang, accept_language=self._accept_language())
        return self.lang

    def _show_actor(self, actor: Actor, db: Session) -> None:
        """Fill the console header: who is signed in, for which organisation, in which role, and
        choose the console's language (the profile's, this device's choice, the organisation's, the
        browser's). When the header already shows this actor (the next page of the same tab), nothing
        is read or sent again."""
        from billing_center.models import Organisation

        if self.signed_in and (self._shown_person_id, self.role, self.person_email, self.person_name) == (
                actor.person_id, actor.role, actor.email, actor.full_name):
            return
        self._shown_person_id = actor.person_id
        org = db.get(Organisation, actor.organisation_id)
        self.lang = i18n.choose(profile=actor.language or self.device_lang,
                                organisation=org.locale if org else None,
                                accept_language=self._accept_language())
        self.organisation_name = org.name if org else ""
        self.person_name = actor.full_name
        self.person_email = actor.email
        self.role_label = ROLE_LABELS.get(Role(actor.role), actor.role)  # a msgid: the page translates it
        self.role = actor.role
        self.is_billing_admin = actor.role == Role.BILLING_ADMIN
        self.signed_in = True

    def _to_sign_in(self):
        """To sign-in as a new document: its websocket carries whatever cookie the browser has now."""
        self.signed_in = False
        path = self.router.page.raw_path or "/"
        target = SIGN_IN if path in ("/", SIGN_IN) else f"{SIGN_IN}?{urlencode({'next': path}, safe='/')}"
        return load_document(target)

    def _start_session(self, ticket: auth.Ticket, next_path: str):
        """After a sign-in: the browser takes the ticket to the HTTP endpoint that sets the cookie. The
        page it then opens fills the header itself, on a websocket that carries the new cookie; until
        then this tab stays signed out (no page of a previous person shows, even for a moment)."""
        return load_document(exchange_url(ticket.ticket, next_path))

    def _error_target(self, exc: ServiceError, errors: Mapping[str, str] | None = None) -> str | None:
        """The state var that shows ``exc``: its field's, else the default ``"*"``, else None (a toast)."""
        table = {**self.field_errors, **(errors or {})}
        field = getattr(exc, "field", None)
        return (table.get(field) if field else None) or table.get("*") or None

    def _service_error(self, exc: ServiceError, errors: Mapping[str, str] | None = None):
        """Show a refused use case where it belongs: at its field, in the default slot, or as a toast."""
        target = self._error_target(exc, errors)
        message = i18n.translate_error(exc)
        if target:
            self._show_error(target, message)
            return None
        return rx.toast.error(message)

    def _show_error(self, target: str, message: str) -> None:
        """Put ``message`` in the var named ``target`` (a :class:`FieldErrors` state: at that key of ``errors``)."""
        setattr(self, target, message)

    def _refusal(self, load: Callable[[], object]) -> str:
        """A page's reads (``load``) for a person its use cases may refuse: "" when they ran, else why not
        (the Forbidden's message). The page then shows why instead of its content."""
        try:
            load()
        except Forbidden as exc:
            return i18n.translate_error(exc)
        return ""

    @rx.event
    @_signed_in(page=True, read_only=True)
    def require_sign_in(self):
        """on_load of the console pages that show nothing but the shell."""

    def _end_session(self, db: Session, next_path: str = SIGN_IN):
        """Sign-out: the session ends now, on every worker (it is a database row); then the browser
        goes through the HTTP endpoint that clears the cookie."""
        auth.sign_out_digest(session=db, digest=self._session_digest(), ip=self._client_ip())
        self.signed_in = self.is_billing_admin = False
        self.person_name = self.person_email = self.organisation_name = self.role_label = self.role = ""
        self._shown_person_id = 0
        # Signed out, the tab speaks the visitor's language again: this device's choice, else the browser's.
        self.lang = i18n.choose(profile=self.device_lang, accept_language=self._accept_language())
        return load_document(sign_out_url(next_path))

    @rx.event
    @public
    def sign_out(self, db: Session):
        return self._end_session(db)

    @rx.event
    @public
    def choose_language(self, language: str, actor: Actor | None, db: Session):
        """The language menu: the page re-renders in the browser at once (same page, same inputs);
        remembered on this device, and in the profile of a signed-in person."""
        chosen = i18n.normalise(language)
        if chosen is None:
            return None
        if actor is not None:
            profile.set_language(session=db, actor=actor, language=chosen)
        self.lang = self.device_lang = chosen
        # The page's own data again (its on_load), for the words the server wrote (statuses, hints).
        return rx.redirect(self.router.page.raw_path or "/")


ERRORS = "errors"
ERROR_KEY = ERRORS + "."  # an early field "errors.<key>": one message of FieldErrors.errors


class FieldErrors(rx.State, mixin=True):
    """A section's messages by field, in one var: ``errors[key]``, shown under the field (the page reads
    ``S.errors.get(key, "")``, see ``components.forms.error_of``). ``field_errors`` maps a service error's
    field to its key here; a handler empties keys with :meth:`_clear_errors`. A section's state lists it
    before ``SessionState``: ``class WalletState(FieldErrors, SessionState)``.

    A page's load keeps the messages an event set or emptied before the load ran (issue 14), key by key:
    the keys the person's events did not touch are the load's, as with one var a field."""

    errors: dict[str, str] = {}
    _error_keys_set: list[str] = []  # the keys the running handler set or emptied (see _touched_fields)

    def _show_error(self, target: str, message: str) -> None:
        self._set_errors({target: message})

    def _clear_errors(self, *keys: str) -> None:
        """No message at these keys; at any key when none is named."""
        self._set_errors(dict.fromkeys(keys or self.errors, ""))

    def _set_errors(self, messages: dict[str, str]) -> None:
        self.errors = {k: v for k, v in {**self.errors, **messages}.items() if v}
        self._error_keys_set = sorted({*self._error_keys_set, *messages})

    def _touched_fields(self) -> set[str]:
        touched = super()._touched_fields()
        if ERRORS in touched:
            touched = (touched - {ERRORS}) | {ERROR_KEY + key for key in self._error_keys_set}
        return touched

    def _before_event(self, page: bool) -> dict[str, Any]:
        if self._error_keys_set:
            self._error_keys_set = []
        return super()._before_event(page)

    def _early_value(self, name: str) -> Any:
        if name.startswith(ERROR_KEY):
            return self.errors.get(name.removeprefix(ERROR_KEY), "")
        return super()._early_value(name)

    def _put_back(self, name: str, value: Any) -> None:
        if name.startswith(ERROR_KEY):
            self._set_errors({name.removeprefix(ERROR_KEY): value})
        else:
            super()._put_back(name, value)


def field_setter(name: str, kind: type = str, *, clears: tuple[str, ...] = (), read_only: bool = False) -> Any:
    """The event ``set_<name>`` of a field's ``on_change``: the value as sent (a ``kind``), under ``@signed_in``
    like every handler (issue 14); ``clears``: the keys of ``FieldErrors.errors`` it empties.

        set_po_input = field_setter("po_input", clears=("po_number",), read_only=True)
    """

    def setter(self: SessionState, value):
        setattr(self, name, value)
        if clears:
            self._clear_errors(*clears)

    setter.__name__ = setter.__qualname__ = f"set_{name}"  # Reflex names the event by it
    setter.__annotations__ = {"value": kind}
    setter.__doc__ = f"Set ``{name}`` as the page sent it."
    return rx.event(_signed_in(setter, read_only=read_only))

"""Reflex under a Content-Security-Policy without ``'unsafe-eval'`` (issue 15).

Reflex 0.10.1's browser runtime (``.web/utils/state.js``) runs what the backend sends as JavaScript
source with ``eval``: every ``rx.toast.*`` returned by a handler, ``rx.call_script`` and the string
callbacks of ``rx.call_function``. A policy that forbids string evaluation blocks all of them. This
module keeps the backend sending *data*, and teaches the runtime two small things, compiled in:

- ``_toast`` events ``{level, message, options}`` show a toast with the toaster Reflex mounts
  (``refs['__toast']``). :func:`install_toasts` makes ``rx.toast(...)``, ``rx.toast.success(...)`` and
  the other levels return such an event, so handlers keep writing ``return rx.toast.success("...")``.
- a ``_redirect`` with ``document: true`` (:func:`load_document`) loads the path as a new document
  instead of a client-side route change: for HTTP endpoints such as ``/api/session/exchange``, and
  whenever the page must open a new websocket (its handshake carries the current session cookie).
- a ``_redirect`` with ``address_only: true`` (:func:`address_bar`) only puts the path in the address
  bar (``history.replaceState``): the page already shows what it names (a list's filter changed in
  place), so the view stays bookmarkable without a route change and a second load.

Client-side scripts of our own are written as compiled functions (see ``components/card_fields.py``),
never as source strings. The end-to-end suite records every ``securitypolicyviolation``: a string
evaluation that slips back in fails it.
"""

from __future__ import annotations

import inspect
from typing import Any

from reflex_base.event import EventSpec, server_side
from reflex_base.plugins import Plugin
from reflex_base.utils.format import to_camel_case
from reflex_base.vars.base import Var
from reflex_components_sonner.toast import ToastNamespace

STATE_JS = "utils/state.js"
MARKER = "/* billing-center: strict CSP runtime */"

# Inserted at the top of ``applyEvent``'s _redirect branch, after its "no path" guard.
REDIRECT_ANCHOR = """  if (event.name == "_redirect") {
    if ((event.payload.path ?? undefined) === undefined) {
      return;
    }
"""
DOCUMENT_REDIRECT = """    if (event.payload.document) {
      // A new document: an HTTP endpoint, or a page that needs a new websocket handshake.
      if (event.payload.replace) {
        window.location.replace(event.payload.path);
      } else {
        window.location.assign(event.payload.path);
      }
      return;
    }
"""
ADDRESS_ONLY = """    if (event.payload.address_only) {
      // The page already shows this path's content: only the address bar follows (bookmarkable).
      window.history.replaceState(window.history.state, "", event.payload.path);
      return;
    }
"""
# Inserted before the eval-based branches of ``applyEvent``.
CALL_FUNCTION_ANCHOR = """  if (
    event.name == "_call_function" &&"""
TOAST_EVENT = """  if (event.name == "_toast") {
    const toast = refs["__toast"];
    const show = event.payload.level ? toast?.[event.payload.level] : toast;
    show?.(event.payload.message, event.payload.options ?? undefined);
    return;
  }

"""


# (anchor, block, whether the block goes after the anchor): each block is added once, so a runtime
# patched by an earlier version of this module gains only the blocks it lacks.
PATCHES = ((REDIRECT_ANCHOR, DOCUMENT_REDIRECT, True), (REDIRECT_ANCHOR, ADDRESS_ONLY, True),
           (CALL_FUNCTION_ANCHOR, TOAST_EVENT, False))


def patch_runtime(source: str) -> str:
    """``state.js`` with the ``_toast`` event, document redirects and address-bar updates. Idempotent;
    fails the build loudly when Reflex's runtime no longer has the lines it extends."""
    for anchor, block, after in PATCHES:
        if block in source:
            continue
        if source.count(anchor) != 1:
            raise RuntimeError(f"strict CSP: {STATE_JS} has changed; cannot find {anchor.strip()[:40]!r}")
        source = source.replace(anchor, anchor + block if after else block + anchor)
    return source if MARKER in source else f"{MARKER}\n{source}"


def address_bar(path: str) -> EventSpec:
    """Put ``path`` (same site) in the address bar without a route change: the page already shows it."""
    return server_side("_redirect", inspect.Signature(), path=path, external=False, replace=True,
                       address_only=True)


def load_document(path: str, *, replace: bool = False) -> EventSpec:
    """Go to ``path`` (same site) as a new document, not as a client-side route change."""
    return server_side("_redirect", inspect.Signature(), path=path, external=False, replace=replace,
                       document=True)


_PLAIN = (str, int, float, bool, type(None))


def toast_event(message: str | Var[str] = "", level: str | None = None, fallback_to_alert: bool = False,
                **options: Any) -> EventSpec:
    """``rx.toast`` as data: the message, the level and plain options (``duration``, ``description``,
    ``position``, ``close_button``...). Callbacks and components need string evaluation: refused."""
    del fallback_to_alert
    # ``fallback_to_alert`` (Reflex's handler of unexpected backend errors asks for it) would need
    # string evaluation; the toaster is always mounted in the console, so the toast itself is shown.
    for name, value in options.items():
        if not (isinstance(value, _PLAIN) or (isinstance(value, dict) and all(isinstance(v, _PLAIN)
                                                                               for v in value.values()))):
            raise TypeError(f"rx.toast option {name!r} must be plain data under the strict CSP")
    if not isinstance(message, Var) and message == "" and not options:
        raise ValueError("Toast message or title or description must be provided.")
    return server_side("_toast", inspect.Signature(), level=level or "", message=message,
                       options={to_camel_case(name): value for name, value in options.items()})


def dismiss_event(id: str | None = None) -> EventSpec:  # noqa: A002 - rx.toast.dismiss's own name
    return server_side("_toast", inspect.Signature(), level="dismiss", message=id, options=None)


def install_toasts() -> None:
    """Make ``rx.toast`` and its levels return :func:`toast_event` (idempotent)."""

    def level(name: str):
        return staticmethod(lambda message="", **options: toast_event(message, level=name, **options))

    ToastNamespace.__call__ = staticmethod(toast_event)
    for name in ("info", "warning", "error", "success", "loading"):
        setattr(ToastNamespace, name, level(name))
    ToastNamespace.dismiss = staticmethod(dismiss_event)


class StrictCsp(Plugin):
    """The Reflex plugin (``rxconfig.py``): patches the compiled runtime, and installs the data
    toasts in every process that reads the configuration (the compiler and each backend worker)."""

    def __init__(self) -> None:
        install_toasts()

    def pre_compile(self, **context: Any) -> None:
        context["add_modify_task"](STATE_JS, patch_runtime)

    def __repr__(self) -> str:
        return "StrictCsp()"


__all__ = ["StrictCsp", "address_bar", "install_toasts", "load_document", "patch_runtime", "toast_event"]

"""The console's languages (nl, fr, en): gettext catalogs managed with Babel, and who reads which one.

Catalogs
    ``billing_center/locales/<lang>/LC_MESSAGES/messages.po``, English source strings as msgids.
    ``make catalogs`` runs ``pybabel extract`` (``babel.cfg``: Python files, the keywords below),
    ``pybabel update`` and ``pybabel compile``; :func:`translations` also compiles a ``.mo`` that is
    missing or older than its ``.po`` (a fresh checkout works without the make step). ``make test``
    fails when a catalog is stale or incomplete (``tests/unit/test_catalogs.py``: every message the
    code marks is in nl and fr, translated, not fuzzy, with the same ``{placeholders}``) and when a
    page shows a string that is not wrapped (``tests/unit/test_pages_translated.py`` walks the
    component tree of every registered page).

Marking strings (extraction keywords, see ``babel.cfg`` / :data:`KEYWORDS`)
    - pages and components: ``t("Overview")`` (``components/i18n.py``), a browser-side lookup;
      strings handed to a shared helper that translates its own labels (``data_table`` headers,
      ``console_page`` titles, ``empty_state``...) are marked with ``N_("...")``.
    - states (toasts, messages they compose), e-mails, labels: ``_("...")`` / ``ngettext(s, p, n)``,
      translated on the server in the language of the event being handled (:func:`using`).
    - documents (PDF, CSV headers): ``t("Invoice number", locale)`` / ``pt("document", "Due date",
      locale)`` of ``documents/labels.py``, translated in the document's language (the customer's
      document locale, or the reader's language for an export); a document word whose wording differs
      from the console's same English word carries the message context ``document`` (``pgettext``).
    - the service layer stays language-free: it raises ``ServiceError``s with English messages
      (``ValidationFailed("seats", "...")``); the extraction keywords pick those literals up from
      the exception constructors, and the edge (``states/session.py``) shows
      :func:`translate_error` of them. Messages with values are templates plus parameters
      (``ValidationFailed("password", "Choose at least {count} characters.", count=12)``).

How the browser gets the words (the design)
    Reflex compiles every page into React once, for everybody; the language is per person. Two ways
    were weighed:

    1. a per-session state var with the active catalog (for the page set): every session carries
       (and, with Redis, stores) a copy of the catalog; the first frame of a page whose subset has
       not arrived yet is English; switching language sends the catalog through the websocket.
    2. **chosen**: the catalogs of nl and fr compiled into one static, cacheable script
       (``/i18n/catalogs.<hash>.js``, written by the :class:`~billing_center.components.i18n.BrowserCatalogs`
       compile plugin, loaded by a ``<script>`` in the document head before the app's modules, allowed
       by the CSP's ``script-src 'self'``). Each wrapped string compiles to
       ``(globalThis.BC_CATALOGS?.[lang]?.[msgid] ?? msgid)`` where ``lang`` is one small state var
       (``SessionState.lang``). State grows by that one short string per session; the JS grows by the
       catalog text (once, cached by the browser, identical for everyone); switching language is a
       re-render in the browser with no further download, so the page, its inputs and its scroll
       position stay. Row labels that a state sends as English msgids (status words, roles) are
       looked up the same way, so they switch at once too. Server-made sentences (toasts, errors,
       pager text) are translated on the server in the session's language; they follow the new
       language from the next event on. Prerendered HTML is English (no catalog in Node); console
       pages show a spinner until the session is known, so nobody sees it.
    Sizes before/after are measured by ``bench/i18n_sizes.py``.

Which language
    the person's profile (``Person.language``, set by the language menu), else the organisation's
    locale, else the browser's ``Accept-Language``, else English (:func:`choose`). Before sign-in the
    menu's choice is remembered in the browser (local storage) and wins over ``Accept-Language``.

This module imports no Reflex: the service layer's e-mails use :func:`using` too (in the recipient's
language). Dates and amounts keep following the customer's locale (``formatting.py``), not this.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from gettext import NullTranslations
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("nl", "fr", "en")  # the order of the language menu
SOURCE = "en"
NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English"}
LOCALES = Path(__file__).parent / "locales"
DOMAIN = "messages"
# Extraction keywords (also in babel.cfg's command line, see the Makefile): function -> message argument.
KEYWORDS = {
    "_": None, "gettext": None, "N_": None, "t": None, "ngettext": (1, 2),
    "ValidationFailed": (2,), "Conflict": (1,), "Forbidden": (1,), "NotAuthenticated": (1,),
    "RateLimited": (1,), "ServiceError": (1,), "NotFound": (1,),
    "pgettext": ((1, "c"), 2), "pt": ((1, "c"), 2),
}

_language: ContextVar[str] = ContextVar("billing_center_language", default=SOURCE)


def normalise(code: str | None) -> str | None:
    """``nl``, ``fr`` or ``en`` for a locale or language tag (``nl_BE``, ``fr-be``), else None."""
    lang = (code or "").strip().replace("_", "-").split("-")[0].lower()
    return lang if lang in LANGUAGES else None


def negotiate(accept_language: str | None) -> str | None:
    """The best of our languages for an ``Accept-Language`` header (q-values honoured), or None."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        match = re.search(r"q=([^;\s]*)", params)
        if match:
            try:
                quality = float(match.group(1))
            except ValueError:
                quality = 0.0
        lang = normalise(tag)
        if lang and quality > 0:
            ranked.append((-quality, position, lang))
    return min(ranked)[2] if ranked else None


def choose(*, profile: str | None = None, organisation: str | None = None,
           accept_language: str | None = None) -> str:
    """The profile's language, else the organisation's locale, else the browser's, else English."""
    return normalise(profile) or normalise(organisation) or negotiate(accept_language) or SOURCE


def _po(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalog of ``lang`` (English is the source: no catalog)."""
    if lang == SOURCE or normalise(lang) is None:
        return NullTranslations()
    po = _po(lang)
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as compiled:
            return Translations(compiled, domain=DOMAIN)
    with po.open("rb") as source:
        catalog = read_po(source, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    try:  # keep it for the next process; several workers may do this at once, or the folder be read-only
        partial = mo.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(compiled.getvalue())
        os.replace(partial, mo)
    except OSError:
        pass
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def current() -> str:
    """The language of the event (or e-mail) being handled."""
    return _language.get()


@contextmanager
def using(lang: str | None) -> Iterator[str]:
    """Translate in ``lang`` (normalised; English when unknown) inside the block."""
    token = _language.set(normalise(lang) or SOURCE)
    try:
        yield _language.get()
    finally:
        _language.reset(token)


def activate(lang: str | None) -> None:
    """Switch the language inside a :func:`using` block (which restores the outer one at its end)."""
    _language.set(normalise(lang) or SOURCE)


def gettext(message: str) -> str:
    return translations(current()).gettext(message) if message else message


_ = gettext


def pgettext(context: str, message: str) -> str:
    """``message`` in the message context ``context`` (a ``msgctxt``: the same English word translated
    differently there, e.g. on documents), in the current language."""
    return translations(current()).pgettext(context, message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The right plural form of the current language (format ``{count}`` yourself)."""
    return translations(current()).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message


def translate_error(exc) -> str:
    """A service failure in the current language: its English template translated, then filled in.
    ``NotFound``'s ``what`` (an English noun) is translated too."""
    template = getattr(exc, "template", None) or exc.message
    params = dict(getattr(exc, "params", None) or {})
    for name in getattr(exc, "translated_params", ()):
        if isinstance(params.get(name), str):
            params[name] = gettext(params[name])
    text = gettext(template)
    try:
        return text.format(**params) if params else text
    except (KeyError, IndexError, ValueError):
        return exc.message


def browser_catalogs() -> dict[str, dict[str, str]]:
    """What the browser looks up: per language, msgid -> translation (singular forms only)."""
    result: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        if lang == SOURCE:
            continue
        with _po(lang).open("rb") as source:
            catalog = read_po(source, locale=lang)
        result[lang] = {
            message.id: message.string
            for message in catalog
            if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
            and not message.context  # a msgctxt entry (document words) is the server's, never a page's
        }
    return result


# The language a page shows before the server has said (SessionState.lang is "" until the first event):
# the choice remembered on this device (the language menu's LocalStorage), else the browser's first of
# ours. The server decides the same way for a visitor (``choose``), so the page does not flash English.
GUESS_JS = """globalThis.BC_GUESS=(()=>{const ours=OURS;try{const saved=String(localStorage.getItem(KEY)||"")\
.replace(/"/g,"");if(ours.includes(saved))return saved;}catch(e){}for(const tag of navigator.languages||[]){\
const code=String(tag).slice(0,2).toLowerCase();if(ours.includes(code))return code;}return "en";})();
""".replace("OURS", json.dumps(list(LANGUAGES))).replace("KEY", json.dumps("billing_center_language"))


def browser_script() -> str:
    """The static script that defines ``globalThis.BC_CATALOGS`` (compact JSON, sorted)."""
    data = json.dumps(browser_catalogs(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"globalThis.BC_CATALOGS={data};\n" + GUESS_JS


def browser_script_name() -> str:
    """``i18n/catalogs.<hash>.js``: a new name whenever a translation changes (cache-safe)."""
    digest = hashlib.sha256(browser_script().encode()).hexdigest()[:12]
    return f"i18n/catalogs.{digest}.js"


__all__ = [
    "LANGUAGES", "NAMES", "N_", "_", "activate", "browser_script", "browser_script_name", "choose", "current",
    "gettext", "negotiate", "ngettext", "normalise", "pgettext", "translate_error", "translations", "using",
]

"""The compile plugin of the languages (``rxconfig.py``): the catalogs script and the lookup module.

Kept apart from ``components/i18n.py`` so that the configuration does not import the states."""

from __future__ import annotations

from typing import Any

from reflex_base.plugins import Plugin

from billing_center import i18n

# The lookup every wrapped string compiles to (``components/i18n.t``), a module of the compiled app.
LOOKUP_MODULE = "$/utils/i18n"
LOOKUP_JS = """// The console's translations (billing_center/i18n.py): msgid -> the person's language. Until the
// server has said which language (the state's lang is "" before the first event), the catalogs
// script's guess from this device: the language chosen here before, else the browser's.
export const bcLang = (lang) => lang || globalThis.BC_GUESS || "en";
export const bcT = (lang, msgid) => globalThis.BC_CATALOGS?.[bcLang(lang)]?.[msgid] ?? msgid;
"""


class BrowserCatalogs(Plugin):
    """Writes ``public/i18n/catalogs.<hash>.js`` (from the ``.po`` files) and ``utils/i18n.js``."""

    def get_static_assets(self, **context: Any):
        return [(f"public/{i18n.browser_script_name()}", i18n.browser_script()), ("utils/i18n.js", LOOKUP_JS)]

    def __repr__(self) -> str:
        return "BrowserCatalogs()"


__all__ = ["LOOKUP_JS", "LOOKUP_MODULE", "BrowserCatalogs"]

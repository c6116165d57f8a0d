"""The component side of the languages (see ``billing_center/i18n.py`` for the design).

``t("Overview")`` is a string Var that the browser looks up in the active language's catalog
(``SessionState.lang``); ``t(row.state)`` does the same for an English msgid a state sends.
Shared helpers take ``str | Var`` labels and pass them through :func:`tr`, so pages hand them
``N_("...")``-marked strings. ``i18n_build.BrowserCatalogs`` writes the catalogs script at compile
time; :func:`catalog_script` is the ``<script>`` that loads it; :func:`language_menu` switches language.
"""

from __future__ import annotations

import json
from typing import Any

import reflex as rx
from reflex_base.utils.imports import ImportVar
from reflex_base.vars.base import Var, VarData

from billing_center import i18n
from billing_center.i18n_build import LOOKUP_MODULE
from billing_center.states.session import SessionState

_LOOKUP = VarData(imports={LOOKUP_MODULE: [ImportVar(tag="bcT")]})
_LANG = VarData(imports={LOOKUP_MODULE: [ImportVar(tag="bcLang")]})


def t(msgid: str | Var) -> Var:
    """``msgid`` in the person's language, looked up in the browser (falls back to the English)."""
    lang = SessionState.lang
    if isinstance(msgid, Var):
        key = str(msgid.to(str))
        data = VarData.merge(_LOOKUP, msgid._get_all_var_data(), lang._get_all_var_data())
    else:
        key = json.dumps(msgid, ensure_ascii=False)
        data = VarData.merge(_LOOKUP, lang._get_all_var_data())
    return Var(_js_expr=f"bcT({lang!s},{key})", _var_type=str, _var_data=data).guess_type()


def tr(label: Any) -> Any:
    """A helper's label: a plain string is translated, a Var or component is left as it is."""
    return t(label) if isinstance(label, str) and label else label


def document_title(title: str | Var) -> Var:
    """The browser tab's title in the person's language: a child that renders nothing and sets
    ``document.title`` whenever the translated title changes (the page's static title is English, for
    the prerendered HTML)."""
    text = tr(title) if isinstance(title, str) else t(title)
    expr = str(text)
    hook = f'useEffect(() => {{ document.title = {expr} + " | Billing Center"; }}, [{expr}])'
    data = VarData.merge(text._get_all_var_data(),
                         VarData(imports={"react": [ImportVar(tag="useEffect")]}, hooks={hook: None}))
    return Var(_js_expr="null", _var_type=type(None), _var_data=data)


def catalog_script() -> rx.Component:
    """The head ``<script>`` that defines the catalogs before the app's modules run."""
    return rx.el.script(src=f"/{i18n.browser_script_name()}")


def language_menu(*, on_change=None, **props: Any) -> rx.Component:
    """A labelled select of the console's languages; the choice applies at once and is remembered."""
    return rx.hstack(
        rx.icon("languages", size=14, aria_hidden="true"),
        rx.el.label(t("Language"), html_for="language", style={"fontSize": "12px"}),
        rx.el.select(
            *[rx.el.option(i18n.NAMES[lang], value=lang, lang=lang) for lang in i18n.LANGUAGES],
            id="language",
            value=Var(_js_expr=f"bcLang({SessionState.lang!s})", _var_type=str,
                      _var_data=VarData.merge(_LANG, SessionState.lang._get_all_var_data())),
            on_change=on_change or SessionState.choose_language,
            style={"padding": "4px 6px", "borderRadius": "6px", "border": "1px solid var(--gray-7)",
                   "fontSize": "13px", "background": "white"},
        ),
        align="center",
        spacing="2",
        **props,
    )

"""No page of the console shows a string that is not wrapped for translation (issue 11).

Every page registered in the app (the ones other work adds too) is built and its component tree
walked: text children and visible props (placeholder, aria-label, title, alt) must come from the
catalogs (``t("...")``), not be English literals compiled into the page. A failure names the page
and the strings: wrap them (see billing_center/i18n.py), then ``make catalogs`` and translate.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from reflex_base.vars.sequence import LiteralStringVar

VISIBLE_PROPS = ("placeholder", "aria_label", "title", "alt")
# The same in every language: the product's name, the languages' own names, file formats.
NOT_WORDS = {"Billing Center", "Nederlands", "Français", "English", "PDF", "UBL", "CSV"}


@cache
def pages() -> dict:
    from billing_center.billing_center import app

    return dict(app._unevaluated_pages)


def children(component) -> list:
    found = list(getattr(component, "children", []) or [])
    if type(component).__name__ == "Foreach":  # its rows come from a render function
        found.append(component._render().render_component())
    for name in ("comp1", "comp2"):  # a Cond's branches
        if getattr(component, name, None) is not None:
            found.append(getattr(component, name))
    return found


def literal(value) -> str | None:
    if isinstance(value, LiteralStringVar):
        value = value._var_value
    if isinstance(value, str) and re.search(r"[A-Za-z]{2}", value) and value.strip() not in NOT_WORDS:
        return value
    return None


def unwrapped(component) -> list[str]:
    found: list[str] = []
    seen: set[int] = set()
    stack = [component]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if type(node).__name__ == "Bare" and (text := literal(node.contents)):
            found.append(text)
        for prop in VISIBLE_PROPS:
            if (text := literal(getattr(node, prop, None))) is not None:
                found.append(f"{prop}={text}")
        stack.extend(children(node))
    return found


@pytest.mark.parametrize("route", sorted(pages()) or ["(none)"])
def test_every_visible_string_of_the_page_is_wrapped(route):
    page = pages()[route]
    component = page.component() if callable(page.component) else page.component
    strings = unwrapped(component)
    assert not strings, f"/{route}: wrap these for translation: {sorted(set(strings))}"


def test_the_walk_finds_an_unwrapped_string_and_accepts_a_wrapped_one():
    import reflex as rx

    from billing_center.components.i18n import t

    page = rx.vstack(rx.text("Invoices"), rx.input(placeholder="Search"), rx.text(t("Transactions")),
                     rx.cond(True, rx.text("Paid")), rx.foreach(["a"], lambda _row: rx.badge("Open")))
    assert sorted(set(unwrapped(page))) == ["Invoices", "Open", "Paid", "placeholder=Search"], unwrapped(page)

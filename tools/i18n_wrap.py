"""Wrap the visible English strings of page modules for translation (issue 11), mechanically.

    python -m tools.i18n_wrap billing_center/pages/usage.py [...]

A literal that a component shows (text children, buttons, headings, placeholder, aria-label, title...)
becomes ``t("...")``; one handed to a shared helper that translates its own labels (``console_page``,
``empty_state``, ``data_table`` headers, ``labelled_input``...) becomes ``N_("...")``. Imports are added.
Then run ``ruff check --fix``, ``make catalogs``, translate the new entries of the nl and fr catalogs,
and ``pytest tests/unit/test_pages_translated.py`` names whatever is left (local helpers that take a
label: make them call ``tr(label)`` and mark their callers with ``N_``).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

CHILD_CALLS = {"text", "heading", "button", "link", "callout", "badge", "label", "option", "strong", "em",
               "column_header_cell", "cell", "row_header_cell", "caption", "span", "p", "legend", "title",
               "description", "summary", "trigger", "item", "th", "td", "h2", "h3", "small", "code", "tooltip",
               "icon_button", "radio", "checkbox", "switch", "fragment", "hstack", "vstack", "box", "flex",
               "dt", "dd", "li", "div", "a", "blockquote", "kbd", "b", "i", "unordered_list", "list_item"}
VISIBLE_KW = {"placeholder", "aria_label", "title", "label", "caption", "empty_text", "confirm_label", "description",
              "hint", "alt", "content", "text"}
HELPERS_ARGS = {"console_page": {0}, "empty_state": {1, 2}, "stat_card": {0, 2}, "labelled_value": {0},
                "labelled_input": {0}, "labelled": {0}, "pager": {0}, "section_heading": {0}}
HELPER_KW = {"hint", "title", "confirm_label", "description", "caption", "empty_text"}
NEVER_KW = {"icon", "color_scheme", "variant", "size", "href", "id", "name", "type", "kind", "autocomplete",
            "html_for", "role", "as_", "align", "justify", "spacing", "width", "key", "value", "input_mode"}


def fname(func):
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def visible(s):
    return bool(re.search(r"[A-Za-z]{2}", s)) and not re.fullmatch(r"[a-z0-9_\-./:#]+", s)


def main(path: str) -> None:  # one pass over the tree
    source = Path(path)
    src = source.read_text()
    tree = ast.parse(src)
    edits = []  # (start, end, wrapper)
    lines = src.splitlines(keepends=True)
    offs = [0]
    for ln in lines:
        offs.append(offs[-1] + len(ln))

    def pos(line, col):
        return offs[line - 1] + len(lines[line - 1].encode()[:col].decode())

    def wrap(node, w="t"):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and visible(node.value):
            edits.append((pos(node.lineno, node.col_offset), pos(node.end_lineno, node.end_col_offset), w))
        elif isinstance(node, ast.Call) and fname(node.func) in ("cond", "match"):
            for a in node.args[1:] if fname(node.func) == "cond" else node.args[1:]:
                if isinstance(a, ast.Tuple) and len(a.elts) == 2:
                    wrap(a.elts[1], w)
                else:
                    wrap(a, w)
        elif isinstance(node, ast.IfExp):
            wrap(node.body, w)
            wrap(node.orelse, w)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            wrap(node.left, w)
            wrap(node.right, w)

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = fname(node.func)
        if name in ("t", "N_", "_", "tr", "icon", "ngettext"):
            continue
        if name == "data_table":
            if node.args and isinstance(node.args[0], ast.List):
                for e in node.args[0].elts:
                    wrap(e, "N_")
            for kw in node.keywords:
                if kw.arg == "numeric" and isinstance(kw.value, ast.Tuple):
                    for e in kw.value.elts:
                        wrap(e, "N_")
        if name in CHILD_CALLS:
            for a in node.args:
                wrap(a)
        if name in HELPERS_ARGS:
            for i, a in enumerate(node.args):
                if i in HELPERS_ARGS[name]:
                    wrap(a, "N_")
        for kw in node.keywords:
            if kw.arg in VISIBLE_KW and kw.arg not in NEVER_KW:
                helper = name in HELPERS_ARGS or name in ("data_table", "confirm_dialog")
                wrap(kw.value, "N_" if helper and kw.arg in HELPER_KW else "t")
    edits = sorted(set(edits), reverse=True)
    # drop nested edits
    out = src
    last_start = None
    for start, end, w in edits:
        if last_start is not None and end > last_start:
            continue
        out = out[:start] + f"{w}(" + out[start:end] + ")" + out[end:]
        last_start = start
    uses_t = "t(" in out and re.search(r"(?<![\w.])t\(", out)
    uses_n = re.search(r"(?<![\w.])N_\(", out)
    imports = []
    if uses_t and "from billing_center.components.i18n import" not in out:
        imports.append("from billing_center.components.i18n import t")
    if uses_n and "from billing_center.i18n import" not in out:
        imports.append("from billing_center.i18n import N_")
    if imports:
        m = list(re.finditer(r"^from billing_center\.[^\n]*\n(?:    [^\n]*\n)*", out, re.M))
        anchor = m[0].start() if m else re.search(r"^import reflex as rx\n", out, re.M).end()
        out = out[:anchor] + "\n".join(imports) + "\n" + out[anchor:]
    source.write_text(out)
    print(path, len(edits))


if __name__ == "__main__":
    for p in sys.argv[1:]:
        main(p)

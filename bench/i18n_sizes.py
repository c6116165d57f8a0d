"""What the languages cost the browser (issue 11): ``python -m bench.i18n_sizes``. Figures are printed,
never asserted.

1. The compiled pages: every registered page's component tree rendered to its React source, with the
   wrapped strings as they ship (``bcT(lang, "msgid")``) against the same pages with those strings as
   plain literals (the peer: what the pages were before, measured in the same run). Raw and gzip.
2. The catalogs script (nl + fr, one static file, cached by the browser): raw and gzip.
3. The state: what a session carries for its language (``lang`` and ``device_lang``), serialised.
4. Server-side lookups: gettext of every message in nl, per call.

A production build adds its own minifier on top; run ``reflex export --frontend-only`` before and after
to see the shipped bundle (the closing note of issue 11 has those figures).
"""

from __future__ import annotations

import gzip
import json
import time
from unittest import mock

from billing_center import i18n


def _sizes(text: str) -> tuple[int, int]:
    data = text.encode()
    return len(data), len(gzip.compress(data, compresslevel=9))


def _pages_source(*, translated: bool) -> str:
    import reflex as rx

    from billing_center.billing_center import app
    from billing_center.components import i18n as component_i18n

    def literal(msgid):
        return msgid if not isinstance(msgid, str) else rx.Var.create(msgid)

    patches = [] if translated else [mock.patch.object(component_i18n, "t", literal)]
    modules = ["billing_center.components.layout", "billing_center.components.ui", "billing_center.components.forms",
               "billing_center.components.form_fields", "billing_center.components.downloads",
               "billing_center.components.card_fields"]
    import importlib

    for name in modules:
        module = importlib.import_module(name)
        if hasattr(module, "t") and not translated:
            patches.append(mock.patch.object(module, "t", literal))
    for page in sorted(app._unevaluated_pages):
        module = importlib.import_module(app._unevaluated_pages[page].component.__module__)
        if hasattr(module, "t") and not translated:
            patches.append(mock.patch.object(module, "t", literal))
    for patch in patches:
        patch.start()
    try:
        parts = []
        for route in sorted(app._unevaluated_pages):
            page = app._unevaluated_pages[route]
            component = page.component() if callable(page.component) else page.component
            parts.append(str(component))
        return "\n".join(parts)
    finally:
        for patch in patches:
            patch.stop()


def main() -> None:
    before = _pages_source(translated=False)
    after = _pages_source(translated=True)
    (b_raw, b_gz), (a_raw, a_gz) = _sizes(before), _sizes(after)
    script = i18n.browser_script()
    s_raw, s_gz = _sizes(script)
    messages = sum(len(c) for c in i18n.browser_catalogs().values())
    print("== compiled pages (all registered routes, React source before minification)")
    print(f"   plain literals (before): {b_raw:>9,} B raw {b_gz:>8,} B gzip")
    print(f"   wrapped (after):         {a_raw:>9,} B raw {a_gz:>8,} B gzip")
    print(f"   growth:                  {a_raw - b_raw:>9,} B raw {a_gz - b_gz:>8,} B gzip")
    print(f"== catalogs script (nl + fr, {messages} translations, static and cached)")
    print(f"   {i18n.browser_script_name()}: {s_raw:>9,} B raw {s_gz:>8,} B gzip")
    catalog_text = sum(len(k.encode()) + len(v.encode()) for c in i18n.browser_catalogs().values()
                       for k, v in c.items())
    print(f"   of which msgid + translation text: {catalog_text:,} B")
    state = json.dumps({"lang_rx_state_": "nl", "device_lang_rx_state_": "nl"})
    print("== state per session")
    print(f"   language vars: {len(state)} B serialised (was 0); no catalog in state")
    ids = [m for m in i18n.browser_catalogs()["nl"]]
    with i18n.using("nl"):
        start = time.perf_counter()
        rounds = 20
        for _ in range(rounds):
            for msgid in ids:
                i18n.gettext(msgid)
        per_call = (time.perf_counter() - start) / (rounds * len(ids))
    print(f"== server-side gettext in nl: {per_call * 1e6:.2f} µs per message ({len(ids)} messages)")


if __name__ == "__main__":
    main()

"""A test hook (issue 14): the load events of every page arrive late, as on a slow backend.

With ``SLOW_PAGE_LOAD_MS=500`` the app holds Reflex's internal on-load event (the first step of every
page's load: it marks the page not hydrated and sends the page's ``on_load`` handlers back to run) for
500 ms. What the person does meanwhile reaches the server before the page's load event, which is how
forms used to lose what was typed (``components/forms.py``). Off by default; settings.py refuses it on
an https installation, and the app only installs it when it is set.
"""

from __future__ import annotations

import asyncio

from reflex.middleware import Middleware
from reflex_base.constants import CompileVars

from billing_center.settings import get_settings


class SlowPageLoads(Middleware):
    def __init__(self, delay_ms: int):
        self.delay = delay_ms / 1000

    async def preprocess(self, app, state, event):
        if is_page_load(event.name):
            await asyncio.sleep(self.delay)
        return None


def is_page_load(name: str) -> bool:
    """Reflex's internal on-load event, as the server chains it (its own name) or as the browser sends
    it on a client-side navigation (the same, under the root state's name)."""
    return name == CompileVars.ON_LOAD_INTERNAL or name.endswith("." + CompileVars.ON_LOAD_INTERNAL)


def install(app) -> None:
    delay = get_settings().slow_page_load_ms
    if delay:
        app.add_middleware(SlowPageLoads(delay))

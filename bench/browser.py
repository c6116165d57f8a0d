"""Helpers of the browser benchmarks: the minimal Reflex app (the floor), in-page click timing and
first-load sizes. Not a benchmark itself (no ``__main__``).

A click is timed inside the page: ``arm`` installs a capture listener for the click's ``pointerdown``
(or the ``input`` of a typed search) and a MutationObserver on the document; the time is
``performance.now()`` from that event to the first mutation after which the watched element's text
differs from what it was when armed. Playwright only presses the button (its own waits are not timed).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support import ROOT, free_port, stop_process_group

TOOLS = ROOT / ".tools" / "node_modules" / ".bin"

MINIMAL_APP = '''
import reflex as rx


class CountState(rx.State):
    count: int = 0

    @rx.event
    def add(self):
        self.count += 1


def index() -> rx.Component:
    return rx.box(rx.button("Add one", on_click=CountState.add), rx.text(CountState.count, id="count"))


app = rx.App()
app.add_page(index, route="/", title="Minimal")
'''

MINIMAL_CONFIG = '''
import reflex as rx

config = rx.Config(app_name="minimal", telemetry_enabled=False, show_built_with_reflex=False,
                   disable_plugins=[rx.plugins.SitemapPlugin], frontend_compression_formats=["gzip"])
'''

# Arm the timer: resolves window.__benchDone with the milliseconds from the trigger event to the DOM
# change of ``selector`` (-1 after 30 s without one).
ARM_JS = """
([selector, trigger]) => {
  const read = () => { const el = document.querySelector(selector); return el ? el.textContent : '<none>'; };
  const before = read();
  window.__benchDone = new Promise(resolve => {
    let t0 = null;
    const timer = setTimeout(() => { observer.disconnect(); resolve(-1); }, 30000);
    const observer = new MutationObserver(() => {
      if (t0 !== null && read() !== before) {
        const took = performance.now() - t0;
        observer.disconnect(); clearTimeout(timer); resolve(took);
      }
    });
    document.addEventListener(trigger, () => { t0 = performance.now(); }, {capture: true, once: true});
    observer.observe(document.documentElement, {childList: true, subtree: true, characterData: true});
  });
}
"""


class Wire:
    """The websocket frames of a page (Chrome DevTools Protocol), to split a click's time into the
    server's part (first frame sent to last frame received) and the browser's (the rest)."""

    def __init__(self, page) -> None:
        self.frames: list[tuple[str, float, int]] = []
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.webSocketFrameSent", lambda e: self.frames.append(
            ("sent", e["timestamp"], len(e["response"]["payloadData"]))))
        cdp.on("Network.webSocketFrameReceived", lambda e: self.frames.append(
            ("received", e["timestamp"], len(e["response"]["payloadData"]))))
        self.spans: list[float] = []
        self.sizes: list[int] = []

    def clear(self) -> None:
        self.frames = []

    def record(self) -> None:
        """After a click: the span from its first frame sent to its last frame received, and the bytes
        received (0 frames: nothing recorded)."""
        sent = [t for kind, t, _ in self.frames if kind == "sent"]
        received = [(t, n) for kind, t, n in self.frames if kind == "received"]
        if sent and received:
            self.spans.append((received[-1][0] - sent[0]) * 1000)
            self.sizes.append(sum(n for _, n in received))


WIRES: dict[object, Wire] = {}  # the pages whose websocket frames are watched


def arm(page, selector: str, trigger: str = "pointerdown") -> None:
    if page in WIRES:
        WIRES[page].clear()
    page.evaluate(ARM_JS, [selector, trigger])


def took(page) -> float:
    """Milliseconds of the armed click (or -1 when the page did not change)."""
    result = page.evaluate("window.__benchDone")
    if page in WIRES and result >= 0:
        WIRES[page].record()
    return result


async def arm_async(page, selector: str, trigger: str = "pointerdown") -> None:
    await page.evaluate(ARM_JS, [selector, trigger])


async def took_async(page) -> float:
    return await page.evaluate("window.__benchDone")


def p50_p95(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, int(len(values) * 0.95))]


def figures(values: list[float], floor: tuple[float, float] | None = None) -> str:
    ok = [v for v in values if v >= 0]
    if not ok:
        return "no answer"
    p50, p95 = p50_p95(ok)
    text = f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  (n={len(ok)}"
    text += f", {len(values) - len(ok)} without an answer)" if len(ok) < len(values) else ")"
    if floor:
        text += f"   = {p50 / floor[0]:4.1f}x / {p95 / floor[1]:4.1f}x the floor"
    return text


def node_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, "PATH": f"{TOOLS}:{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
            "REFLEX_TELEMETRY_ENABLED": "false", "PYTHONUNBUFFERED": "1", **(extra or {})}


@dataclass
class MinimalApp:
    url: str
    process: subprocess.Popen = field(repr=False)
    log: Path

    def stop(self) -> None:
        stop_process_group(self.process, grace=20)


def start_minimal_app(workdir: Path) -> MinimalApp:
    """The floor: a one-button Reflex app of the same Reflex version, production build, one port."""
    app_dir = workdir / "minimal"
    (app_dir / "minimal").mkdir(parents=True, exist_ok=True)
    (app_dir / "rxconfig.py").write_text(textwrap.dedent(MINIMAL_CONFIG))
    (app_dir / "minimal" / "__init__.py").write_text("")
    (app_dir / "minimal" / "minimal.py").write_text(textwrap.dedent(MINIMAL_APP))
    port = free_port()
    log = workdir / "minimal.log"
    # Only the app's own settings: none of Billing Center's (its REDIS_URL, ports) leak in.
    env = {k: v for k, v in node_env().items() if k not in ("REDIS_URL", "REFLEX_REDIS_URL", "PORT")}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "reflex"), "run", "--env", "prod",
         "--frontend-port", str(port), "--backend-port", str(port)],
        cwd=app_dir, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    app = MinimalApp(url=f"http://localhost:{port}", process=process, log=log)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the minimal app stopped:\n" + log.read_text(errors="replace")[-3000:])
        try:
            if httpx.get(f"{app.url}/ping", timeout=2).status_code == 200 and \
                    httpx.get(app.url, timeout=5).status_code == 200:
                return app
        except httpx.HTTPError:
            pass
        time.sleep(1)
    app.stop()
    raise RuntimeError("the minimal app did not start in time:\n" + log.read_text(errors="replace")[-3000:])


@contextmanager
def app_in_chromium(workdir: Path, database_url: str) -> Iterator[tuple[object, str]]:
    """Billing Center's production build served from ``database_url``, and a Chromium to visit it:
    ``(browser, the app's address)``."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, start_app

    server = start_app(workdir, database_url)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser, server.url
            browser.close()
    finally:
        server.stop()


def signed_in_page(browser, base: str):
    """A new page of ``browser`` on Overview, signed in as Flexis's billing admin."""
    from tests.e2e.actions import sign_in

    page = browser.new_page()
    sign_in(page, base)
    page.get_by_role("heading", name="Overview").wait_for()
    return page


def floor_clicks(page, url: str, clicks: int) -> list[float]:
    page.goto(url)
    button = page.get_by_role("button", name="Add one")
    button.wait_for()
    page.wait_for_function("document.querySelector('#count') !== null")
    times = []
    for _ in range(clicks + 3):
        arm(page, "#count")
        button.click()
        times.append(took(page))
    return times[3:]  # the first clicks open the connection's caches


@dataclass
class FirstLoad:
    js: int = 0
    css: int = 0
    requests: int = 0
    load_ms: float = 0
    ready_ms: float = 0
    biggest: list[tuple[str, int]] = field(default_factory=list)

    def line(self) -> str:
        return (f"JS {self.js / 1024:7.1f} KiB gzip  CSS {self.css / 1024:6.1f} KiB gzip  {self.requests:3d} requests  "
                f"load event {self.load_ms:6.0f} ms  ready {self.ready_ms:6.0f} ms")


def first_load(browser, url: str, ready, context_options: dict | None = None, storage=None) -> FirstLoad:
    """Open ``url`` in a fresh context (empty cache): bytes on the wire (gzip) of its scripts and styles,
    the request count, the load event and ``ready(page)`` (the page's own content shown)."""
    context = browser.new_context(storage_state=storage, **(context_options or {}))
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    start = time.perf_counter()
    page.goto(url)
    ready(page)
    ready_ms = (time.perf_counter() - start) * 1000
    page.wait_for_load_state("load")
    load_ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    result = FirstLoad(requests=len(responses), load_ms=load_ms, ready_ms=ready_ms)
    sizes = []
    for request in responses:
        size = request.sizes()["responseBodySize"]
        kind = request.resource_type
        name = request.url.split("?")[0].rsplit("/", 1)[-1]
        if kind == "script":
            result.js += size
            sizes.append((name, size))
        elif kind == "stylesheet":
            result.css += size
    result.biggest = sorted(sizes, key=lambda s: -s[1])[:5]
    context.close()
    return result

"""End-to-end fixtures: the production build served once per run, and Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.actions import sign_in
from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, AppServer, start_app
from tests.support import sqlite_database

expect.set_options(timeout=15_000)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # All browser tests share one server: tests/conftest.py keeps them on one xdist worker.
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


# In every frame of every page: report Content-Security-Policy violations to the test (issue 15).
CSP_WATCH = """document.addEventListener("securitypolicyviolation", (e) => window.__cspViolation?.({
  page: location.href, directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample,
  source: e.sourceFile, line: e.lineNumber}));"""


def watch_csp(context: BrowserContext, seen: list[dict]) -> None:
    context.expose_binding("__cspViolation", lambda _source, violation: seen.append(violation))
    context.add_init_script(CSP_WATCH)


@pytest.fixture(autouse=True)
def csp_violations(monkeypatch) -> Iterator[list[dict]]:
    """No page may break the app's Content-Security-Policy while a test drives it: every browser
    context the test opens reports violations here, and the test fails on any it did not expect
    (a test that provokes one on purpose removes it from this list)."""
    seen: list[dict] = []
    new_context = Browser.new_context

    def watched(self, *args, **kwargs):
        context = new_context(self, *args, **kwargs)
        watch_csp(context, seen)
        return context

    monkeypatch.setattr(Browser, "new_context", watched)
    yield seen
    assert not seen, f"Content-Security-Policy violations: {seen}"


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> Iterator[AppServer]:
    tmp = tmp_path_factory.mktemp("app-sqlite")
    with sqlite_database(tmp) as url:
        server = start_app(tmp, url)
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def base(app_server) -> str:
    return app_server.url


@pytest.fixture
def signed_in(page: Page, base: str) -> Page:
    sign_in(page, base)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    return page

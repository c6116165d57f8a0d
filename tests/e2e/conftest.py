"""End-to-end fixtures: the production build served once per run, and Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, AppServer, start_app
from tests.support import sqlite_database

DEMO_EMAIL, DEMO_PASSWORD = "aleroy@flexis.com", "flexis-demo"
expect.set_options(timeout=15_000)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # All browser tests share one server: keep them on one xdist worker.
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.xdist_group("e2e"))
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


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


def sign_in(page: Page, base: str, email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Work e-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def signed_in(page: Page, base: str) -> Page:
    sign_in(page, base)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    return page

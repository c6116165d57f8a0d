"""Scale-out smoke test: PostgreSQL, Reflex's Redis state manager and two backend workers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import redis
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in
from tests.e2e.server import AppServer, start_app
from tests.support import postgres_database

REDIS_URL = "redis://127.0.0.1:6379/9"


@pytest.fixture(scope="module")
def scaled_server(tmp_path_factory) -> Iterator[AppServer]:
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    tmp = tmp_path_factory.mktemp("app-scaled")
    with postgres_database("bc_e2e") as url:
        server = start_app(tmp, url, {"REDIS_URL": REDIS_URL, "GRANIAN_WORKERS": "2"})
        try:
            yield server
        finally:
            server.stop()
            client.flushdb()


def test_console_works_on_postgres_with_redis_and_two_workers(page: Page, scaled_server: AppServer):
    base = scaled_server.url
    assert "postgresql" in scaled_server.database_url
    sign_in(page, base)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_role("group", name="Licences assigned")).to_contain_text("50 of 75")
    # Reflex keeps the state in Redis, where every worker finds it.
    assert redis.Redis.from_url(REDIS_URL).dbsize() > 0
    for _ in range(3):  # new connections land on either worker; the session holds on all of them
        page.reload()
        expect(page.get_by_role("group", name="Active subscriptions")).to_contain_text("4")
    page.get_by_role("link", name="Transactions", exact=True).click()
    expect(page.get_by_role("heading", name="Transactions", level=1)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))

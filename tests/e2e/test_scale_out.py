"""Scale-out smoke test: PostgreSQL, Reflex's Redis state manager and two backend workers. Issue 15:
Redis never holds the session token, and a sign-out ends the session on every worker at once."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator

import httpx
import pytest
import redis
from playwright.sync_api import Page, expect

from tests.e2e.actions import sign_in
from tests.e2e.server import AppServer, start_app
from tests.support import postgres_database

# The machine's Redis is shared by several test runs, each flushing the database it uses: one of
# 10-15 by process id rather than one fixed database that other runs empty under this one's feet.
REDIS_URL = f"redis://127.0.0.1:6379/{10 + os.getpid() % 6}"


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
        expect(page.get_by_role("group", name="Active subscriptions")).to_contain_text("5")
    page.get_by_role("link", name="Transactions", exact=True).click()
    expect(page.get_by_role("heading", name="Transactions", level=1)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))


def redis_values(client: redis.Redis) -> list[bytes]:
    """Every key and value of the test's Redis database, whatever the type Reflex stored."""
    found = []
    for key in client.scan_iter():
        found.append(key)
        kind = client.type(key)
        if kind == b"string":
            found.append(client.get(key) or b"")
        elif kind == b"hash":
            found += [item for pair in client.hgetall(key).items() for item in pair]
        elif kind == b"list":
            found += client.lrange(key, 0, -1)
        elif kind == b"set":
            found += list(client.smembers(key))
        elif kind == b"zset":
            found += client.zrange(key, 0, -1)
    return found


def test_redis_never_holds_the_session_token_and_sign_out_reaches_every_worker(page: Page,
                                                                              scaled_server: AppServer):
    base = scaled_server.url
    sign_in(page, base)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    token = next(c for c in page.context.cookies() if c["name"] == "bc_session")["value"]
    # More tabs, more websockets: with two workers, some land on each.
    tabs = [page.context.new_page() for _ in range(3)]
    for tab in tabs:
        tab.goto(f"{base}/transactions")
        expect(tab.get_by_role("heading", name="Transactions", level=1)).to_be_visible()
    client = redis.Redis.from_url(REDIS_URL)
    time.sleep(1)
    stored = redis_values(client)
    assert stored, "Reflex's states were not found in Redis"
    assert not [v for v in stored if token.encode() in v], "the session token is in Redis"
    assert token not in page.evaluate("document.cookie")
    # Sign out in one tab: every other tab, on whichever worker, is signed out at its next step.
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    for tab in tabs:
        tab.get_by_role("link", name="Overview", exact=True).click()
        expect(tab).to_have_url(re.compile(r"/sign-in"))
    for _ in range(6):  # a new connection each time, to either worker
        assert httpx.get(f"{base}/api/session", cookies={"bc_session": token}).status_code == 401

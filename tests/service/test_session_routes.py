"""Issue 15 over HTTP: the session cookie is set by /api/session/exchange (HttpOnly, SameSite=Strict,
Secure under https) from a single-use ticket, only for same-site navigations and same-site targets, and
cleared by /api/session/sign-out only once the session has ended."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

import billing_center.db as db
from billing_center.api.routes import api, secure
from billing_center.db import session_scope
from billing_center.domain import clock
from billing_center.models import SessionTicket
from billing_center.services import auth
from billing_center.settings import get_settings
from tests.support import seeded_engine

EMAIL, PASSWORD = "aleroy@flexis.com", "flexis-demo"


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine = seeded_engine(f"sqlite:///{tmp_path_factory.mktemp('session-routes') / 'routes.db'}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(db, "get_engine", lambda: engine)
        yield engine
    engine.dispose()


@pytest.fixture
def client(engine, monkeypatch):
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    get_settings.cache_clear()
    yield TestClient(secure(api), base_url="http://localhost:3000", follow_redirects=False)
    get_settings.cache_clear()


def ticket() -> str:
    with session_scope() as session:
        return auth.sign_in_ticket(session=session, email=EMAIL, password=PASSWORD).ticket


def token() -> str:
    with session_scope() as session:
        return auth.sign_in(session=session, email=EMAIL, password=PASSWORD).token


def session_cookie(response) -> str:
    [header] = [h for h in response.headers.get_list("set-cookie") if h.startswith("bc_session=")]
    return header


def test_the_exchange_sets_the_session_cookie_out_of_scripts_reach(client):
    response = client.get("/api/session/exchange", params={"ticket": ticket(), "next": "/payment-methods"})
    assert response.status_code == 303 and response.headers["location"] == "/payment-methods"
    cookie = session_cookie(response)
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "samesite", "max-age"} <= attributes and "secure" not in attributes
    assert "SameSite=strict" in cookie and "Path=/" in cookie
    assert f"Max-Age={get_settings().session_absolute_minutes * 60}" in cookie
    assert response.headers["cache-control"] == "no-store" and response.headers["referrer-policy"] == "no-referrer"
    client.cookies.set("bc_session", cookie.split(";")[0].split("=", 1)[1])
    assert client.get("/api/session").json()["email"] == EMAIL


def test_a_ticket_is_used_once(client):
    used = ticket()
    assert "bc_session=" in client.get("/api/session/exchange", params={"ticket": used}).headers["set-cookie"]
    again = client.get("/api/session/exchange", params={"ticket": used, "next": "/order"})
    assert again.status_code == 303 and again.headers["location"] == "/sign-in?next=/order"
    assert "set-cookie" not in again.headers


@pytest.mark.parametrize("value", ["", "forged", "x" * 43])
def test_no_or_a_forged_ticket_sets_nothing(client, value):
    response = client.get("/api/session/exchange", params={"ticket": value})
    assert response.headers["location"] == "/sign-in?next=/" and "set-cookie" not in response.headers


def test_an_expired_ticket_sets_nothing(client):
    value = ticket()
    with session_scope() as session:
        row = session.exec(select(SessionTicket).where(SessionTicket.ticket_hash == auth.token_digest(value))).one()
        row.expires_at = clock.now() - timedelta(seconds=1)
        session.add(row)
    response = client.get("/api/session/exchange", params={"ticket": value})
    assert response.headers["location"].startswith("/sign-in") and "set-cookie" not in response.headers


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_ticket_brought_by_another_site_is_refused_and_stays_for_its_owner(client, site):
    """Login CSRF: someone's own ticket planted in a link would sign the victim in as them."""
    value = ticket()
    planted = client.get("/api/session/exchange", params={"ticket": value}, headers={"Sec-Fetch-Site": site})
    assert planted.headers["location"].startswith("/sign-in") and "set-cookie" not in planted.headers
    own = client.get("/api/session/exchange", params={"ticket": value}, headers={"Sec-Fetch-Site": "same-origin"})
    assert "bc_session=" in own.headers["set-cookie"]


@pytest.mark.parametrize("target", ["//evil.example/steal", "/\\evil.example", "https://evil.example/x",
                                    "javascript:alert(1)"])
def test_the_exchange_never_redirects_to_another_site(client, target):
    response = client.get("/api/session/exchange", params={"ticket": ticket(), "next": target})
    assert response.headers["location"] == "/"


def test_the_exchange_ends_the_session_the_browser_had(client):
    old = token()
    client.cookies.set("bc_session", old)
    response = client.get("/api/session/exchange", params={"ticket": ticket()})
    new = session_cookie(response).split(";")[0].split("=", 1)[1]
    assert new != old
    client.cookies.clear()
    assert client.get("/api/session", cookies={"bc_session": old}).status_code == 401
    assert client.get("/api/session", cookies={"bc_session": new}).status_code == 200


def test_under_https_the_cookie_is_secure_and_hsts_is_sent(engine, monkeypatch):
    monkeypatch.setenv("PUBLIC_URL", "https://billing.example.com")
    get_settings.cache_clear()
    try:
        client = TestClient(secure(api), base_url="https://billing.example.com", follow_redirects=False)
        response = client.get("/api/session/exchange", params={"ticket": ticket()})
        assert "; secure" in session_cookie(response).lower()
        assert response.headers["strict-transport-security"].startswith("max-age=")
        assert "upgrade-insecure-requests" in response.headers["content-security-policy"]
    finally:
        get_settings.cache_clear()


def test_sign_out_by_a_link_signs_nobody_out(client):
    live = token()
    response = client.get("/api/session/sign-out", cookies={"bc_session": live})
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert "set-cookie" not in response.headers
    assert client.get("/api/session", cookies={"bc_session": live}).status_code == 200


def test_sign_out_clears_the_cookie_of_an_ended_session(client):
    ended = token()
    with session_scope() as session:
        auth.sign_out(session=session, token=ended)
    for cookies in ({"bc_session": ended}, {}):
        response = client.get("/api/session/sign-out", params={"next": "//evil.example"}, cookies=cookies)
        assert response.status_code == 303 and response.headers["location"] == "/sign-in"
        cookie = session_cookie(response)
        assert "Max-Age=0" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
    response = client.get("/api/session/sign-out", params={"next": "/activate?token=abc"})
    assert response.headers["location"] == "/activate?token=abc"


def test_api_answers_carry_the_security_headers(client):
    for path, status in (("/api/health", 200), ("/api/session", 401), ("/api/invoices/INV1.pdf", 401),
                         ("/api/no-such-route", 404)):
        response = client.get(path)
        assert response.status_code == status, path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
        assert response.headers["x-content-type-options"] == "nosniff", path

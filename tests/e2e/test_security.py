"""Issue 4 security tests against the running production app: the websocket refuses other origins,
every /api route keeps organisations apart, session fixation, sign-out and idle expiry over HTTP.
Issue 15: the session cookie out of JavaScript's reach and out of Reflex's state.

The cross-organisation test walks the FastAPI app's registered routes, so routes added by later
work (downloads, exports) are covered without editing this file."""

from __future__ import annotations

import base64
import os
import re
import socket
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.routing import APIRoute
from playwright.sync_api import Page, expect
from sqlmodel import select

from billing_center.api.routes import api
from billing_center.db import build_engine, session_scope
from billing_center.domain import clock
from billing_center.models import (
    Contract,
    ContractAdmin,
    CreditNote,
    Invoice,
    Order,
    Organisation,
    PaymentMethod,
    Person,
    Subscription,
    UserSession,
)
from billing_center.services import auth
from billing_center.settings import get_settings

# Routes open to anyone: the health probe, and the two ends of the session cookie (issue 15).
PUBLIC_ROUTES = {"/api/health", "/api/session/exchange", "/api/session/sign-out"}
FOREIGN = "http://evil.example"


@pytest.fixture(scope="module")
def db(app_server):
    engine = build_engine(app_server.database_url)
    yield engine
    engine.dispose()


def _token(db, email: str, password: str) -> str:
    with session_scope(db) as session:
        return auth.sign_in(session=session, email=email, password=password, ip="127.0.0.9").token


def _ws_handshake(base: str, origin: str) -> int:
    """Open a raw WebSocket upgrade to Reflex's event endpoint and return the HTTP status."""
    parts = urlsplit(base)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /_event/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
    )
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request.encode())
        status_line = sock.recv(4096).split(b"\r\n", 1)[0].decode()
    return int(status_line.split()[1])


def test_the_websocket_refuses_other_origins(base):
    assert _ws_handshake(base, FOREIGN) == 403
    assert _ws_handshake(base, "null") == 403
    assert _ws_handshake(base, base) == 101  # the app's own origin connects
    polling = httpx.get(f"{base}/_event/", params={"EIO": "4", "transport": "polling"}, headers={"Origin": FOREIGN})
    assert polling.status_code == 400 and "not an accepted origin" in polling.text


def test_api_answers_no_cors_grant_to_other_origins(base, db):
    token = _token(db, "aleroy@flexis.com", "flexis-demo")
    response = httpx.get(f"{base}/api/session", cookies={"bc_session": token}, headers={"Origin": FOREIGN})
    assert response.headers.get("access-control-allow-origin") not in (FOREIGN, "*")


def _walk(routes, prefix: str = ""):
    """Every APIRoute, also inside included routers (FastAPI keeps them nested) and mounts."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route.methods, prefix + route.path
        elif hasattr(route, "original_router"):
            yield from _walk(route.original_router.routes, prefix + route.include_context.prefix)
        elif hasattr(route, "routes"):
            yield from _walk(route.routes, prefix + getattr(route, "path", ""))


def _api_routes() -> list[tuple[str, str]]:
    routes = []
    for methods, path in _walk(api.routes):
        if path.startswith("/api"):
            routes += [(method, path) for method in sorted(set(methods) - {"HEAD", "OPTIONS"})]
    return routes


def _flexis_values(db) -> dict[str, list[str]]:
    """Identifiers of Flexis's things, by the kind of path parameter they would fill."""
    with session_scope(db) as session:
        org = session.exec(select(Organisation).where(Organisation.slug == "flexis")).one()

        def ids(model, *columns):
            values = []
            for row in session.exec(select(model).where(model.organisation_id == org.id).limit(3)).all():
                values.append(str(row.id))
                values += [str(getattr(row, c)) for c in columns if getattr(row, c, None)]
            return values

        return {
            "invoice": ids(Invoice, "number"),
            "credit": ids(CreditNote, "number"),
            "order": ids(Order, "number", "order_form_number"),
            "contract": ids(Contract, "number"),
            "payment": ids(PaymentMethod),
            "card": ids(PaymentMethod),
            "subscription": ids(Subscription),
            "admin": ids(ContractAdmin),
            "person": ids(Person),
            "organisation": [str(org.id), org.slug],
        }


def _fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


def _candidates(path: str, values: dict[str, list[str]]) -> list[str]:
    params = re.findall(r"\{([^}:]+)", path)
    if not params:
        return [path]
    kinds = [k for k in values if any(k in p.lower() for p in params)]
    pool = [v for k in (kinds or list(values)) for v in values[k]]
    return [_fill(path, v) for v in dict.fromkeys(pool)]


def test_every_api_route_needs_a_session(base):
    routes = _api_routes()
    assert ("GET", "/api/session") in routes and ("GET", "/api/audit.csv") in routes
    for method, path in routes:
        if path in PUBLIC_ROUTES:
            continue
        response = httpx.request(method, f"{base}{_fill(path, '1')}")
        assert response.status_code in (401, 403, 404, 405, 422), (method, path, response.status_code)
        response = httpx.request(method, f"{base}{_fill(path, '1')}", cookies={"bc_session": "forged-token"})
        assert response.status_code in (401, 403, 404, 405, 422), (method, path, response.status_code)


def test_no_api_route_shows_one_organisation_anothers_data(base, db):
    values = _flexis_values(db)
    contoso = {"bc_session": _token(db, "admin@contoso.com", "contoso-demo")}
    flexis = {"bc_session": _token(db, "aleroy@flexis.com", "flexis-demo")}
    checked = 0
    for method, path in _api_routes():
        if path in PUBLIC_ROUTES:
            continue
        missing = httpx.request(method, f"{base}{_fill(path, '987654321')}", cookies=contoso)
        for url in _candidates(path, values):
            theirs = httpx.request(method, f"{base}{url}", cookies=contoso)
            body = theirs.content.decode("utf-8", "replace").lower()
            assert "flexis" not in body, (method, url)
            if "{" in path:
                # Another organisation's id answers exactly like a missing one.
                assert not theirs.is_success, (method, url, theirs.status_code)
                assert (theirs.status_code, theirs.content) == (missing.status_code, missing.content), (method, url)
                owner = httpx.request(method, f"{base}{url}", cookies=flexis)
                assert owner.status_code != 500, (method, url)
            checked += 1
    assert checked >= 2


def test_the_audit_export_is_for_billing_admins_of_their_own_organisation(base, db):
    contract_admin = {"bc_session": _token(db, "jdevries@flexis.com", "flexis-demo")}
    # Refused exactly like a route that does not exist: the same 404 as every other refusal.
    refused = httpx.get(f"{base}/api/audit.csv", cookies=contract_admin)
    assert (refused.status_code, refused.json()) == (404, {"detail": "Not found"})
    contoso = httpx.get(f"{base}/api/audit.csv", cookies={"bc_session": _token(db, "admin@contoso.com",
                                                                                "contoso-demo")})
    assert contoso.status_code == 200 and contoso.headers["content-type"].startswith("text/csv")
    assert "attachment" in contoso.headers["content-disposition"]
    assert "admin@contoso.com" in contoso.text and "flexis" not in contoso.text.lower()
    bad = httpx.get(f"{base}/api/audit.csv", params={"date_from": "soon"},
                    cookies={"bc_session": _token(db, "aleroy@flexis.com", "flexis-demo")})
    assert bad.status_code == 400 and bad.json()["detail"]["field"] == "date_from"


def _session_cookie(page: Page) -> dict:
    return next(c for c in page.context.cookies() if c["name"] == "bc_session")


def test_a_session_token_planted_before_sign_in_is_not_the_one_after(page: Page, base: str):
    planted = "attacker-chosen-session-token-0123456789"
    host = urlsplit(base).hostname
    page.context.add_cookies([{"name": "bc_session", "value": planted, "domain": host, "path": "/"}])
    page.goto(f"{base}/sign-in")
    page.get_by_label("Work e-mail").fill("aleroy@flexis.com")
    page.get_by_label("Password").fill("flexis-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    cookie = _session_cookie(page)  # the planted cookie was replaced, not joined by another one
    assert [c["name"] for c in page.context.cookies()].count("bc_session") == 1
    assert cookie["value"] != planted and len(cookie["value"]) >= 40
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/")
    assert httpx.get(f"{base}/api/session", cookies={"bc_session": planted}).status_code == 401
    assert httpx.get(f"{base}/api/session", cookies={"bc_session": cookie["value"]}).status_code == 200


def test_the_session_cookie_is_out_of_javascripts_reach_and_out_of_reflex_state(page: Page, base: str, app_server):
    exchanges = []
    page.on("request", lambda request: exchanges.append(request.url) if "/api/session/exchange" in request.url
            else None)
    page.goto(f"{base}/sign-in?next=/payment-methods")
    page.get_by_label("Work e-mail").fill("aleroy@flexis.com")
    page.get_by_label("Password").fill("flexis-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Payment methods", level=1)).to_be_visible()
    page.get_by_role("link", name="Transactions", exact=True).click()  # more events, more stored state
    expect(page.get_by_role("heading", name="Transactions", level=1)).to_be_visible()
    cookie = _session_cookie(page)
    # As the browser sees it: HttpOnly, SameSite=Strict, for the whole site, not Secure over http.
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"], cookie["secure"]) == (True, "Strict", "/", False)
    assert cookie["value"] not in page.evaluate("document.cookie") and "bc_session" not in page.evaluate(
        "document.cookie")
    # The sign-in went through one exchange whose ticket is spent: it opens nothing any more.
    [exchange] = exchanges
    ticket = parse_qs(urlsplit(exchange).query)["ticket"][0]
    replay = httpx.get(exchange, follow_redirects=False)
    assert replay.headers["location"].startswith("/sign-in") and "set-cookie" not in replay.headers
    # Neither the token nor the ticket is kept by Reflex (its states on disk), only the token's digest.
    digest = auth.token_digest(cookie["value"]).encode()
    assert_found_only_digest(Path(app_server.log).parent / "states", cookie["value"], ticket, digest)


def assert_found_only_digest(states: Path, token: str, ticket: str, digest: bytes) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:  # Reflex writes its states to disk shortly after each event
        if any(digest in f.read_bytes() for f in states.glob("*") if f.is_file()):
            break
        time.sleep(0.5)
    files = [f for f in states.glob("*") if f.is_file()]
    assert any(digest in f.read_bytes() for f in files), "the search does not look where the handshake is kept"
    for path in files:
        data = path.read_bytes()
        assert token.encode() not in data, f"the session token was found in {path}"
        assert ticket.encode() not in data, f"the sign-in ticket was found in {path}"


def test_a_tab_opened_before_signing_in_again_elsewhere_catches_up(signed_in: Page, base: str):
    first = signed_in
    second = first.context.new_page()
    second.goto(f"{base}/")
    expect(second.get_by_role("heading", name="Overview")).to_be_visible()
    second.get_by_role("button", name="Sign out").click()
    expect(second).to_have_url(re.compile(r"/sign-in"))
    second.get_by_label("Work e-mail").fill("admin@contoso.com")
    second.get_by_label("Password").fill("contoso-demo")
    second.get_by_role("button", name="Sign in").click()
    expect(second.get_by_text("Contoso", exact=True)).to_be_visible()
    # The first tab's websocket still knows only the ended session: its next step reloads the page,
    # whose new websocket carries the browser's new cookie.
    first.get_by_role("link", name="Transactions", exact=True).click()
    expect(first.get_by_role("heading", name="Transactions", level=1)).to_be_visible()
    expect(first.get_by_text("Contoso", exact=True)).to_be_visible()
    expect(first.get_by_text("Flexis", exact=True)).to_have_count(0)


def test_an_idle_session_expires_on_the_server(base, db):
    token = _token(db, "aleroy@flexis.com", "flexis-demo")
    assert httpx.get(f"{base}/api/session", cookies={"bc_session": token}).status_code == 200
    idle = timedelta(minutes=get_settings().session_idle_minutes + 1)
    with session_scope(db) as session:
        row = session.exec(select(UserSession).where(UserSession.token_hash == auth.token_digest(token))).one()
        row.last_seen_at = clock.now() - idle
        session.add(row)
    assert httpx.get(f"{base}/api/session", cookies={"bc_session": token}).status_code == 401
    # And it stays gone: the row was deleted, not just refused once.
    assert httpx.get(f"{base}/api/session", cookies={"bc_session": token}).status_code == 401


def test_a_link_to_sign_out_from_elsewhere_signs_nobody_out(signed_in: Page, base: str):
    page = signed_in
    token = _session_cookie(page)["value"]
    page.goto(f"{base}/api/session/sign-out")  # as if following a link
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    assert _session_cookie(page)["value"] == token
    assert httpx.get(f"{base}/api/session", cookies={"bc_session": token}).status_code == 200


def test_sign_out_over_the_console_ends_the_session_for_every_route(signed_in: Page, base: str):
    page = signed_in
    token = _session_cookie(page)["value"]
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    # The cookie was cleared by the HTTP answer of /api/session/sign-out.
    assert "bc_session" not in [c["name"] for c in page.context.cookies()]
    for method, path in _api_routes():
        if path not in PUBLIC_ROUTES:
            assert httpx.request(method, f"{base}{_fill(path, '1')}", cookies={"bc_session": token}).status_code \
                in (401, 405)

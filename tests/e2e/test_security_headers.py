"""Issue 15 against the running production app: every answer carries the security headers (pages,
static assets, every /api route, Reflex's own endpoints), a page's policy names exactly its inline
scripts, and no other site can frame the console or the card form. (The websocket handshake: the
middleware adds them to the ASGI accept, see tests/unit/test_security_headers.py; Granian 2.8 does not
send accept headers on the 101, where they would have no effect anyway: it opens no document.)

Pages and API routes come from the app itself, so later pages and routes are covered without editing
this file. (That no page breaks its policy while the whole suite runs is checked in conftest.py.)"""

from __future__ import annotations

import base64
import hashlib
import http.server
import re
import threading
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_pages_isolation import _routes as page_routes
from tests.e2e.test_security import _api_routes as api_routes
from tests.e2e.test_security import _fill
from tests.support import free_port

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", re.DOTALL)
ASSET = re.compile(r"""(?:src|href)="(/[^"]+\.(?:js|css|woff2?|ico|svg|png))\"""")


def directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


def assert_secure(headers: dict | httpx.Headers, origins: tuple[str, str], where: str) -> dict[str, list[str]]:
    """The headers every answer carries; ``origins`` are the app's and the card processor's."""
    app, processor = origins
    policy = directives(headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"], where
    assert policy["frame-src"] == [processor], where
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"], where
    assert [s for s in policy["script-src"] if not s.startswith("'sha256-")] == ["'self'"], where  # no eval
    assert policy["connect-src"] == ["'self'", app, app.replace("http://", "ws://")], where
    assert headers["x-content-type-options"] == "nosniff", where
    assert headers["referrer-policy"] in ("strict-origin-when-cross-origin", "no-referrer"), where
    assert "camera=()" in headers["permissions-policy"] and "geolocation=()" in headers["permissions-policy"], where
    assert "strict-transport-security" not in headers, where  # PUBLIC_URL is http here
    return policy


@pytest.fixture
def origins(base, app_server) -> tuple[str, str]:
    parts = urlsplit(app_server.processor.url)
    return base, f"{parts.scheme}://{parts.netloc}"


def assert_page(response: httpx.Response, origins: tuple[str, str]) -> None:
    assert response.headers["content-type"].startswith("text/html"), response.url
    policy = assert_secure(response.headers, origins, str(response.url))
    expected = {f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
                for body in INLINE_SCRIPT.findall(response.text)}
    assert expected and set(policy["script-src"]) - {"'self'"} == expected, response.url


def test_every_page_sends_the_headers_and_the_hashes_of_its_own_scripts(base, origins):
    routes = page_routes()
    assert {"/", "/sign-in", "/payment-methods", "/contracts/[number]"} <= set(routes)
    with httpx.Client(base_url=base, follow_redirects=True) as client:
        for route in routes:
            path = re.sub(r"\[[^\]]+\]", "FL123133", route)
            for encoding in ("gzip", "identity"):  # the compressed page is read back too
                response = client.get(path, headers={"Accept-Encoding": encoding})
                assert response.status_code == 200, path
                assert_page(response, origins)
            # A revalidated page keeps the headers the browser stored with it (304s carry no policy).
            if etag := response.headers.get("etag"):
                again = client.get(path, headers={"Accept-Encoding": "identity", "If-None-Match": etag})
                assert again.status_code == 304 and "content-security-policy" not in again.headers, path
        missing = client.get("/no-such-page")
        assert missing.status_code == 404
        assert_page(missing, origins)


def test_static_assets_and_reflex_endpoints_send_the_headers(base, origins):
    with httpx.Client(base_url=base, follow_redirects=True) as client:
        assets = sorted(set(ASSET.findall(client.get("/sign-in").text)))
        assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets), assets
        for path in [*assets, "/ping", "/favicon.ico"]:
            response = client.get(path)
            assert_secure(response.headers, origins, path)
        assert client.get(assets[0]).headers["x-content-type-options"] == "nosniff"


def test_every_api_route_sends_the_headers_signed_in_or_not(base, origins, signed_in: Page):
    cookie = next(c for c in signed_in.context.cookies() if c["name"] == "bc_session")
    routes = api_routes()
    assert ("GET", "/api/session/exchange") in routes and ("GET", "/api/session/sign-out") in routes
    for cookies in ({}, {"bc_session": cookie["value"]}):
        with httpx.Client(base_url=base, cookies=cookies) as client:
            for method, path in routes:
                if path == "/api/session/sign-out" and cookies:
                    continue  # leaves a live session alone, but no need to try
                response = client.request(method, _fill(path, "1"))
                assert_secure(response.headers, origins, f"{method} {path} {response.status_code}")


@pytest.fixture
def other_site(base, app_server) -> Iterator[str]:
    """A page of another origin that frames the console's sign-in page and the processor's card form."""
    page = (f'<!doctype html><title>Another site</title><iframe id="console" src="{base}/sign-in"></iframe>'
            f'<iframe id="card" src="{app_server.processor.url}/hosted-fields"></iframe>'
            '<iframe id="control" srcdoc="<p>Framed content renders here</p>"></iframe>').encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_another_site_that_frames_the_console_or_the_card_form_gets_nothing_rendered(page: Page, other_site: str,
                                                                                      csp_violations):
    page.goto(other_site)
    # The frame itself works: what another site may frame shows up...
    expect(page.frame_locator("#control").get_by_text("Framed content renders here")).to_be_visible()
    page.wait_for_timeout(1500)
    # ...but neither the console nor the processor's card form renders inside it.
    for frame_id, label in (("#console", "Work e-mail"), ("#card", "Card number")):
        frame = page.locator(frame_id).element_handle().content_frame()
        assert frame is not None
        assert frame.get_by_label(label).count() == 0, frame_id
        assert "Billing Center" not in frame.content() and "Card details" not in frame.content(), frame_id
    # Refused framing is the policy at work, not a page breaking it.
    csp_violations[:] = [v for v in csp_violations if v["directive"] != "frame-ancestors"]


def test_the_card_form_may_be_framed_by_the_console_only_and_runs_only_its_own_script(base, app_server):
    response = httpx.get(urljoin(app_server.processor.url, "/hosted-fields"))
    policy = directives(response.headers["content-security-policy"])
    assert set(policy["frame-ancestors"]) == {base, base.replace("localhost", "127.0.0.1")}
    assert policy["default-src"] == ["'none'"] and policy["connect-src"] == ["'self'"]
    assert [s for s in policy["script-src"] if not s.startswith("'sha256-")] == []
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_policy_blocks_string_evaluation_and_injected_inline_scripts(page: Page, base: str, csp_violations):
    """What an injected script would try first: both refused by the browser, and both reported (so the
    suite-wide watcher in conftest.py does see a page breaking the policy)."""
    page.goto(f"{base}/sign-in")
    expect(page.get_by_role("button", name="Sign in")).to_be_enabled()
    # Run from the page's own timers, not from the test's evaluation (which the browser lets through).
    page.evaluate("""() => { setTimeout("window.evaluated = true", 0);
                             const s = document.createElement("script");
                             s.textContent = "window.injected = true"; document.body.append(s); }""")
    page.wait_for_timeout(300)
    assert page.evaluate("() => [window.evaluated, window.injected]") == [None, None]
    for _ in range(20):  # reports arrive asynchronously
        if len(csp_violations) >= 2:
            break
        page.wait_for_timeout(250)
    assert {v["directive"] for v in csp_violations} >= {"script-src", "script-src-elem"}, csp_violations
    csp_violations.clear()

"""Issue 15 without a browser: the security headers and their policy, the websocket handshake's cookie,
safe redirect targets, and the eval-free Reflex runtime."""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from billing_center.api.headers import (
    SecurityHeaders,
    content_security_policy,
    script_hashes,
)
from billing_center.api.session import (
    HandshakeSessionCookie,
    handshake_cookie,
    safe_next,
)
from billing_center.services import auth
from billing_center.settings import Settings, get_settings
from billing_center.strict_csp import MARKER, load_document, patch_runtime, toast_event

PAGE = (b"<!doctype html><html><head><script>window.a = 1;</script><script src=\"/assets/app.js\"></script>"
        b"<script type=\"module\" async>import \"/assets/x.js\";</script></head><body>"
        b"<script>window.a = 1;</script></body></html>")


def run(coroutine) -> None:
    """Run an ASGI exchange on a loop of its own (the browser tests keep one running in this thread)."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def sha(body: bytes) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"


@pytest.fixture
def settings(monkeypatch):
    """Settings from a chosen environment, for the code that reads ``get_settings()``."""

    def use(**env: str) -> Settings:
        for key in ("PUBLIC_URL", "API_URL", "PORT", "PROCESSOR_URL"):
            monkeypatch.delenv(key, raising=False)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        get_settings.cache_clear()
        return get_settings()

    yield use
    get_settings.cache_clear()


def directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


def test_inline_scripts_are_hashed_once_each_and_scripts_with_a_source_are_not():
    assert script_hashes(PAGE) == [sha(b"window.a = 1;"), sha(b'import "/assets/x.js";')]
    assert script_hashes(b"<p>no scripts</p>") == []


def test_the_policy_allows_the_apps_origin_and_the_processor_and_never_eval(settings):
    settings(PUBLIC_URL="http://localhost:4100", PROCESSOR_URL="http://127.0.0.1:4110")
    policy = directives(content_security_policy(script_hashes=["'sha256-abc='"]))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'", "'sha256-abc='"]
    assert policy["connect-src"] == ["'self'", "http://localhost:4100", "ws://localhost:4100"]
    assert policy["frame-src"] == ["http://127.0.0.1:4110"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == policy["base-uri"] == ["'none'"]
    assert "'unsafe-eval'" not in content_security_policy() and "upgrade-insecure-requests" not in policy
    # Styles: Emotion writes <style> elements at run time, Radix sets style attributes.
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]


def test_https_adds_hsts_and_upgrades_requests(settings):
    settings(PUBLIC_URL="https://billing.example.com", PROCESSOR_URL="https://pay.example.com/v2")
    policy = directives(content_security_policy())
    assert policy["connect-src"] == ["'self'", "https://billing.example.com", "wss://billing.example.com"]
    assert policy["frame-src"] == ["https://pay.example.com"]
    assert "upgrade-insecure-requests" in policy
    response = TestClient(SecurityHeaders(JSONResponse({}))).get("/")
    assert response.headers["strict-transport-security"].startswith("max-age=")


def _app() -> SecurityHeaders:
    async def page(request):
        return HTMLResponse(PAGE)

    async def zipped(request):
        return Response(gzip.compress(PAGE), media_type="text/html", headers={"Content-Encoding": "gzip"})

    async def data(request):
        return JSONResponse({"ok": True})

    return SecurityHeaders(Starlette(routes=[Route("/page", page), Route("/zipped", zipped), Route("/data", data)]))


@pytest.mark.parametrize("path", ["/page", "/zipped", "/data", "/missing"])
def test_every_response_gets_the_headers_and_a_page_the_hashes_of_its_scripts(settings, path):
    settings(PUBLIC_URL="http://localhost:4100")
    response = TestClient(_app()).get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["permissions-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in response.headers  # http
    script_src = directives(response.headers["content-security-policy"])["script-src"]
    if path in ("/page", "/zipped"):
        assert response.content == PAGE  # the page itself is untouched
        assert script_src == ["'self'", sha(b"window.a = 1;"), sha(b'import "/assets/x.js";')]
    else:
        assert script_src == ["'self'"]


def test_the_websocket_handshake_answer_gets_the_headers(settings):
    settings()

    async def accept(scope, receive, send):
        await receive()
        await send({"type": "websocket.accept", "headers": [(b"x-own", b"1")]})
        await send({"type": "websocket.close"})

    sent = []

    async def exchange():
        messages = iter([{"type": "websocket.connect"}])

        async def receive():
            return next(messages)

        async def send(message):
            sent.append(message)

        await SecurityHeaders(accept)({"type": "websocket", "path": "/_event/", "headers": []}, receive, send)

    run(exchange())
    headers = dict(sent[0]["headers"])
    assert headers[b"x-own"] == b"1" and b"content-security-policy" in headers
    assert headers[b"x-content-type-options"] == b"nosniff"


@pytest.mark.parametrize(("raw", "kept"), [
    ("bc_session=tok123; theme=dark", f"bc_session_sha256={auth.token_digest('tok123')}"),
    ("theme=dark", ""),
    ("", ""),
    # A digest sent by the client is dropped, not trusted; a planted digest of a real session opens nothing.
    (f"bc_session_sha256={'a' * 64}", ""),
    (f"bc_session_sha256={'a' * 64}; bc_session=tok123", f"bc_session_sha256={auth.token_digest('tok123')}"),
])
def test_the_handshake_keeps_only_the_digest_of_the_session_token(raw, kept):
    assert handshake_cookie(raw) == kept


def test_the_middleware_rewrites_only_websocket_handshakes():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope)

    async def exchange():
        middleware = HandshakeSessionCookie(app)
        cookie = [(b"cookie", b"bc_session=tok123"), (b"cookie", b"other=1"), (b"host", b"x")]
        await middleware({"type": "websocket", "headers": cookie}, None, None)
        await middleware({"type": "http", "headers": cookie}, None, None)

    run(exchange())
    assert seen[0]["headers"] == [(b"host", b"x"), (b"cookie", f"bc_session_sha256={auth.token_digest('tok123')}"
                                                              .encode())]
    assert seen[1]["headers"][0] == (b"cookie", b"bc_session=tok123")  # HTTP routes read the token itself


@pytest.mark.parametrize(("target", "expected"), [
    ("/payment-methods", "/payment-methods"),
    ("/activate?token=abc&x=1", "/activate?token=abc&x=1"),
    ("/contracts/FL123133#orders", "/contracts/FL123133#orders"),
    ("", "/"), (None, "/"),
    ("//evil.example/steal", "/"),
    ("/\\evil.example", "/"),
    ("\\\\evil.example", "/"),
    ("https://evil.example/", "/"),
    ("javascript:alert(1)", "/"),
    ("evil.example", "/"),
    ("/\tevil", "/"),
    ("/%0d%0aSet-Cookie:x", "/%0d%0aSet-Cookie:x"),  # stays an encoded path of this site
])
def test_next_is_always_a_path_of_this_site(target, expected):
    assert safe_next(target) == expected


def test_settings_default_the_public_url_to_the_port(monkeypatch):
    for key in ("PUBLIC_URL", "API_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("PORT", "4100")
    settings = Settings()
    assert (settings.public_url, settings.api_url, settings.https) == (
        "http://localhost:4100", "http://localhost:4100", False)
    assert settings.console_origins == ["http://127.0.0.1:4100", "http://localhost:4100"]
    monkeypatch.setenv("PUBLIC_URL", "https://billing.example.com/")
    assert Settings().https and Settings().public_url == "https://billing.example.com"


RUNTIME = """export const applyEvent = async (event, socket, navigate, params) => {
  if (event.name == "_redirect") {
    if ((event.payload.path ?? undefined) === undefined) {
      return;
    }
    navigate(event.payload.path);
  }
  if (
    event.name == "_call_function" &&
    typeof event.payload.function !== "string"
  ) {
  }
};"""


def test_the_runtime_learns_toasts_and_document_loads_once():
    patched = patch_runtime(RUNTIME)
    assert patched.startswith(MARKER) and patch_runtime(patched) == patched
    assert 'event.name == "_toast"' in patched and "window.location.assign(event.payload.path)" in patched
    assert patched.index("event.payload.document") < patched.index("navigate(event.payload.path)")


def test_a_runtime_patched_by_an_earlier_version_gains_only_the_address_bar():
    from billing_center.strict_csp import ADDRESS_ONLY

    earlier = patch_runtime(RUNTIME).replace(ADDRESS_ONLY, "")
    patched = patch_runtime(earlier)
    assert patched.count(MARKER) == 1 and patched.count("event.payload.document") == 1
    assert patched.count('event.name == "_toast"') == 1
    assert "history.replaceState(window.history.state, \"\", event.payload.path)" in patched
    assert patched.index("event.payload.address_only") < patched.index("navigate(event.payload.path)")


def test_an_address_bar_update_is_a_redirect_without_a_route_change():
    from reflex_base.event import Event

    from billing_center.strict_csp import address_bar

    [event] = Event.from_event_type(address_bar("/transactions?status=paid"))
    assert event.name == "_redirect"
    assert (event.payload["path"], event.payload["address_only"]) == ("/transactions?status=paid", True)


def test_a_changed_runtime_fails_the_build_loudly():
    with pytest.raises(RuntimeError, match="has changed"):
        patch_runtime(RUNTIME.replace('event.name == "_redirect"', 'event.name === "_redirect"'))


def test_toasts_travel_as_data_not_as_code():
    import reflex as rx
    from reflex_base.event import Event

    import rxconfig  # noqa: F401  (loads the StrictCsp plugin, which installs the data toasts)

    [event] = Event.from_event_type(rx.toast.success("Visa - 4242 was added to your wallet."))
    assert (event.name, event.payload) == ("_toast", {"level": "success", "message":
                                                      "Visa - 4242 was added to your wallet.", "options": {}})
    [event] = Event.from_event_type(rx.toast("Saved.", duration=3000, close_button=True))
    assert event.payload == {"level": "", "message": "Saved.", "options": {"duration": 3000, "closeButton": True}}
    with pytest.raises(TypeError, match="plain data"):
        toast_event("x", on_dismiss=rx.console_log("no"))
    [event] = Event.from_event_type(load_document("/api/session/exchange?ticket=t"))
    assert (event.name, event.payload["document"]) == ("_redirect", True)


def test_a_not_modified_answer_keeps_the_stored_headers(settings):
    """A 304's headers replace the stored ones: a policy without the page's hashes would block it."""
    settings()
    response = TestClient(SecurityHeaders(Response(status_code=304, headers={"ETag": '"1"'}))).get("/")
    assert response.status_code == 304 and "content-security-policy" not in response.headers


def test_reflex_s_toast_for_an_unexpected_backend_error_is_shown_as_data():
    """Reflex's default backend exception handler asks for ``fallback_to_alert``: still a data toast."""
    from reflex.app import default_backend_exception_handler
    from reflex_base.event import Event

    import rxconfig  # noqa: F401  (loads the StrictCsp plugin, which installs the data toasts)

    [event] = Event.from_event_type(default_backend_exception_handler(RuntimeError("boom")))
    assert event.name == "_toast" and event.payload["level"] == "error"

"""The security headers of every answer the app gives: pages, static assets, ``/api/*`` and the
websocket handshake (issue 15, ASVS 14.4). For the handshake they go into the ASGI ``websocket.accept``;
Granian 2.8 does not send accept headers on its 101, where they would change nothing (no document).

:class:`SecurityHeaders` is ASGI middleware around the whole app (``api/routes.secure``): in production
Reflex serves the compiled frontend, the HTTP API and the websocket from one Starlette app, so one
wrapper sees every response, static files included.

The Content-Security-Policy allows only what the build needs:

- ``script-src 'self'`` plus the SHA-256 of each inline ``<script>`` of the page being served. React
  Router's prerendered pages carry a few (the colour-mode switch, the router context, the module
  loader); they are hashed from the very bytes sent, so nothing else inline runs. No ``'unsafe-eval'``:
  the frontend runtime is compiled without string evaluation (``billing_center/strict_csp.py``).
- ``style-src 'self' 'unsafe-inline'``: Emotion (Reflex's CSS-in-JS) writes ``<style>`` elements at
  run time with generated rules, and Radix Themes and React set ``style`` attributes; neither can be
  hashed ahead. Styles cannot run code; scripts stay locked down.
- ``connect-src 'self'`` and the backend's origin (http and ws) for the websocket, ``frame-src`` the card
  processor's origin only (its hosted card fields), ``frame-ancestors 'none'`` (no clickjacking),
  ``img-src 'self' data:`` (inline SVG data URIs of Radix), nothing else: ``object-src``, ``base-uri``
  and ``form-action`` closed or 'self'.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

import anyio
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from billing_center.payments import get_gateway
from billing_center.settings import get_settings

# Inline scripts: a <script> without a src attribute, up to its closing tag (script text cannot
# contain "</script").
INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\ssrc\s*=)[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)

# Powerful browser features the console never uses, switched off for it and every frame it embeds.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "geolocation", "gyroscope",
    "hid", "magnetometer", "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking"))


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def script_hashes(html: bytes) -> list[str]:
    """The CSP source expression of each inline script of a page, in order, without repeats."""
    found = [base64.b64encode(hashlib.sha256(body).digest()).decode() for body in INLINE_SCRIPT.findall(html)]
    return [f"'sha256-{digest}'" for digest in dict.fromkeys(found)]


def content_security_policy(*, script_hashes: Iterable[str] = ()) -> str:
    settings = get_settings()
    backend = origin_of(settings.api_url)
    socket = backend.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
    processor = origin_of(get_gateway().browser_url())
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": " ".join(dict.fromkeys(["'self'", backend, socket])),
        "frame-src": processor,
        "frame-ancestors": "'none'",
        "form-action": "'self'",
        "base-uri": "'none'",
        "object-src": "'none'",
    }
    if settings.https:
        directives["upgrade-insecure-requests"] = ""
    return "; ".join(f"{name} {value}".strip() for name, value in directives.items())


@lru_cache
def _fixed_headers(https: bool) -> tuple[tuple[str, str], ...]:
    headers = [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("X-Frame-Options", "DENY"),  # frame-ancestors for browsers that predate it
    ]
    if https:
        headers.append(("Strict-Transport-Security", "max-age=63072000; includeSubDomains"))
    return tuple(headers)


def security_headers(*, script_hashes: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Every header this module adds, for one response."""
    return [("Content-Security-Policy", content_security_policy(script_hashes=script_hashes)),
            *_fixed_headers(get_settings().https)]


def _html_text(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding in ("", "identity"):
        return body
    raise ValueError(f"cannot read inline scripts from a {encoding!r} encoded page")  # see rxconfig.py


class SecurityHeaders:
    """Add the security headers to every HTTP response and to the websocket's handshake answer (a
    header the route set itself, e.g. a stricter Referrer-Policy, is kept). An HTML page is held until
    its last byte, so that the policy names the hashes of its own inline scripts; everything else
    streams through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self.app(scope, receive, self._websocket(send))
        elif scope["type"] == "http":
            await self.app(scope, receive, self._http(send))
        else:
            await self.app(scope, receive, send)

    @staticmethod
    def _websocket(send: Send) -> Send:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "websocket.accept":
                extra = [(name.lower().encode(), value.encode()) for name, value in security_headers()]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return send_with_headers

    @staticmethod
    def _http(send: Send) -> Send:
        start: Message | None = None
        chunks: list[bytes] = []

        async def send_page(body: bytes) -> None:
            assert start is not None
            headers = MutableHeaders(raw=list(start["headers"]))
            page = _html_text(body, headers.get("content-encoding", "")) if body else b""
            for name, value in security_headers(script_hashes=script_hashes(page)):
                headers.setdefault(name, value)
            await send({**start, "headers": headers.raw})
            await send({"type": "http.response.body", "body": body, "more_body": False})

        async def send_with_headers(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if message["status"] == 304:
                    # Not modified: the browser keeps the headers it stored with the page, and a 304's
                    # headers would replace them (a page's hashes cannot be known without its body).
                    await send(message)
                    return
                headers = MutableHeaders(raw=list(message["headers"]))
                if headers.get("content-type", "").startswith("text/html"):
                    start = message  # held until the page is complete
                    return
                for name, value in security_headers():
                    headers.setdefault(name, value)
                await send({**message, "headers": headers.raw})
            elif start is None:
                await send(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await send_page(b"".join(chunks))
            elif message["type"] == "http.response.pathsend":  # a static page, sent by the server
                await send_page(await anyio.Path(message["path"]).read_bytes())
            else:
                await send(message)

        return send_with_headers

"""What the security headers cost per answer (issue 15): ``python -m bench.security_headers``.

A page is held until its last byte, unzipped and its inline scripts hashed; every other answer only
gets the headers added. Measured against the same ASGI app without the middleware, in one process,
on a page shaped like the production build's (nine inline scripts, ~10 KB, served gzip-compressed).
"""

from __future__ import annotations

import asyncio
import gzip
import random
import statistics
import time

from billing_center.api.headers import SecurityHeaders

SCRIPT = "<script>window.__reactRouterContext.streamController.enqueue(%r);</script>"
_words = random.Random(15)
TEXT = " ".join(f"{_words.getrandbits(32):x}" for _ in range(700))  # compresses like real markup: ~1 in 3
PAGE = ("<!doctype html><html><head><meta charset='utf-8'>"
        + "".join(SCRIPT % TEXT[i * 200:i * 200 + 400] for i in range(9))
        + "</head><body><div class='rt-Box'>" + TEXT + "</div></body></html>").encode()
ZIPPED = gzip.compress(PAGE)


def app_for(body: bytes, content_type: bytes, encoding: bytes | None):
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    if encoding:
        headers.append((b"content-encoding", encoding))

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    return app


async def per_answer(app, rounds: int) -> float:
    scope = {"type": "http", "method": "GET", "path": "/", "headers": []}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_message):
        pass

    start = time.perf_counter()
    for _ in range(rounds):
        await app(scope, receive, send)
    return (time.perf_counter() - start) / rounds * 1e6


def measure(app, rounds: int = 3000, repeats: int = 5) -> float:
    return statistics.median(asyncio.run(per_answer(app, rounds)) for _ in range(repeats))


def main() -> None:
    cases = {
        "page (gzip, 9 inline scripts)": app_for(ZIPPED, b"text/html; charset=utf-8", b"gzip"),
        "page (identity)": app_for(PAGE, b"text/html; charset=utf-8", None),
        "JSON answer": app_for(b'{"status": "ok"}', b"application/json", None),
    }
    print(f"Security headers: cost per answer, median of 5 x 3000 (page {len(PAGE)} bytes, {len(ZIPPED)} zipped)")
    for name, app in cases.items():
        bare, wrapped = measure(app), measure(SecurityHeaders(app))
        print(f"  {name:32} bare {bare:7.1f} us   with headers {wrapped:7.1f} us   added {wrapped - bare:6.1f} us")


if __name__ == "__main__":
    main()

"""The addresses of the HTTP endpoints that set and clear the session cookie, and the one rule for a
``next`` path (a path of this site, never another site). Shared by the console's states and the HTTP
routes of ``api/session.py``; imports neither."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

EXCHANGE = "/api/session/exchange"
SIGN_OUT = "/api/session/sign-out"
SIGN_IN_PAGE = "/sign-in"


def safe_next(target: str | None, default: str = "/") -> str:
    """A path of this site to go to next, or ``default``: never another site (no open redirect).
    Browsers read a backslash as a slash, so ``/\\evil.example`` is refused like ``//evil.example``."""
    if not target or not target.startswith("/") or "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if target.startswith("//") or parts.scheme or parts.netloc:
        return default
    return target


def exchange_url(ticket: str, next_path: str) -> str:
    return f"{EXCHANGE}?{urlencode({'ticket': ticket, 'next': safe_next(next_path)}, safe='/')}"


def sign_out_url(next_path: str = SIGN_IN_PAGE) -> str:
    return f"{SIGN_OUT}?{urlencode({'next': safe_next(next_path, SIGN_IN_PAGE)}, safe='/')}"

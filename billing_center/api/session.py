"""The session cookie: set, cleared and read by HTTP only, out of JavaScript's reach.

- ``GET /api/session/exchange?ticket=...&next=...``: the console's sign-in (over its websocket) issues
  a single-use ticket and sends the browser here; this response sets the ``HttpOnly; SameSite=Strict;
  Path=/`` cookie (``Secure`` when PUBLIC_URL is https) and redirects to ``next`` (a path of this site).
- ``GET /api/session/sign-out?next=...``: clears the cookie once it opens nothing any more (the console's
  Sign out ends the session in the database first). A link from elsewhere signs nobody out.
- :class:`HandshakeSessionCookie`: in the websocket handshake, which Reflex keeps in its state store
  (disk or Redis), the token is replaced by its SHA-256 before Reflex reads it. Events resolve the
  actor from that digest; the token itself never reaches Reflex.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from billing_center import session_links as links
from billing_center.api.deps import ClientIp, CurrentActor, Db
from billing_center.domain.errors import NotAuthenticated
from billing_center.services import auth
from billing_center.session_links import SIGN_IN_PAGE, safe_next
from billing_center.settings import get_settings

router = APIRouter()
NextPath = Annotated[str, Query(alias="next", max_length=2000)]

def _redirect(path: str) -> RedirectResponse:
    response = RedirectResponse(path, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the exchange's URL carries its ticket
    return response


def _cookie(response: RedirectResponse, token: str, *, max_age: int) -> None:
    response.set_cookie(auth.SESSION_COOKIE, token, max_age=max_age, path="/", httponly=True, samesite="strict",
                        secure=get_settings().https)


def _from_another_site(request: Request) -> bool:
    """A navigation that another site started (a link, a form, a frame): browsers say so."""
    return request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none")


@router.get(links.EXCHANGE)
def exchange(request: Request, db: Db, ip: ClientIp, ticket: Annotated[str, Query(max_length=200)] = "",
             next_path: NextPath = "/") -> RedirectResponse:
    """The ticket's person gets a new session and its cookie; a used, expired, unknown or foreign
    ticket goes back to sign-in and sets nothing. The session this browser had (if any) ends."""
    target = safe_next(next_path)
    if _from_another_site(request):  # someone else's ticket planted through a link: refused
        return _redirect(f"{SIGN_IN_PAGE}?{urlencode({'next': target}, safe='/')}")
    try:
        signed = auth.exchange_ticket(session=db, ticket=ticket, ip=ip,
                                      user_agent=request.headers.get("user-agent", ""))
    except NotAuthenticated:
        return _redirect(f"{SIGN_IN_PAGE}?{urlencode({'next': target}, safe='/')}")
    auth.sign_out(session=db, token=request.cookies.get(auth.SESSION_COOKIE), ip=ip)
    response = _redirect(target)
    _cookie(response, signed.token, max_age=get_settings().session_absolute_minutes * 60)
    return response


@router.get(links.SIGN_OUT)
def sign_out(request: Request, db: Db, next_path: NextPath = SIGN_IN_PAGE) -> RedirectResponse:
    """Clear the cookie of a session that has ended; a live one is left alone (a GET from a link or
    another site must not sign anyone out). The console ends the session first, then comes here."""
    token = request.cookies.get(auth.SESSION_COOKIE)
    try:
        auth.resolve(session=db, token=token, touch=False)
    except NotAuthenticated:
        response = _redirect(safe_next(next_path, SIGN_IN_PAGE))
        _cookie(response, "", max_age=0)
        return response
    return _redirect("/")


@router.get("/api/session")
def who_am_i(actor: CurrentActor) -> dict:
    return {"email": actor.email, "name": actor.full_name, "role": actor.role}


def handshake_cookie(raw: str) -> str:
    """The cookie header of a websocket handshake as Reflex may keep it: only the session token's
    SHA-256, under its own name; every other cookie (and any digest the client sent) dropped."""
    token = cookie_parser(raw).get(auth.SESSION_COOKIE)
    if not token:
        return ""
    return f"{auth.SESSION_DIGEST_COOKIE}={auth.token_digest(token)}"


class HandshakeSessionCookie:
    """ASGI middleware: rewrite the ``cookie`` header of websocket handshakes (see the module doc)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            raw = "; ".join(value.decode("latin-1") for name, value in scope["headers"] if name == b"cookie")
            headers = [(name, value) for name, value in scope["headers"] if name != b"cookie"]
            if cookie := handshake_cookie(raw):
                headers.append((b"cookie", cookie.encode()))
            scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)

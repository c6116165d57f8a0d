"""The HTTP API mounted beside the Reflex app: health, the session cookie, downloads, audit CSV.

Authentication is the console's own server-side session (the session cookie); see ``deps.py`` and
``session.py``. Service errors become HTTP answers in one place (``errors.py``). :func:`secure` wraps
the whole app, pages and websocket included (``billing_center.py`` passes it to ``rx.App``).
"""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import text
from starlette.types import ASGIApp

from billing_center.api import audit, downloads, errors, session, usage
from billing_center.api.deps import Db
from billing_center.api.headers import SecurityHeaders

api = FastAPI(title="Billing Center API", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
errors.install(api)
api.include_router(downloads.router)
api.include_router(audit.router)
api.include_router(session.router)
api.include_router(usage.router)


@api.get("/api/health")
def health(db: Db) -> dict:
    db.execute(text("SELECT 1"))
    return {"status": "ok", "database": "ok"}


def secure(app: ASGIApp) -> ASGIApp:
    """Around everything the app serves: the security headers on every answer, and the session
    token kept out of the websocket handshake that Reflex stores."""
    return SecurityHeaders(session.HandshakeSessionCookie(app))

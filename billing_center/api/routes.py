"""HTTP routes beside the Reflex app: health, the current session, and (later) downloads.

Authentication is the same server-side session as the console: the ``bc_session`` cookie.
"""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Request
from sqlalchemy import text

from billing_center.api.downloads import router as downloads_router
from billing_center.db import session_scope
from billing_center.domain.errors import NotAuthenticated
from billing_center.services import auth
from billing_center.services.actors import Actor

SESSION_COOKIE = "bc_session"

api = FastAPI(title="Billing Center API", docs_url=None, redoc_url=None, openapi_url=None)
api.include_router(downloads_router)


def current_actor(request: Request) -> Actor:
    token = request.cookies.get(SESSION_COOKIE)
    try:
        with session_scope() as session:
            return auth.resolve(session=session, token=token)
    except NotAuthenticated:
        raise HTTPException(status_code=401, detail="Not signed in") from None


@api.get("/api/health")
def health() -> dict:
    with session_scope() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok", "database": "ok"}


@api.get("/api/session")
def who_am_i(request: Request) -> dict:
    actor = current_actor(request)
    return {"email": actor.email, "name": actor.full_name, "role": actor.role}


from billing_center.api.audit import router as _audit_router  # noqa: E402  (issue 4)

api.include_router(_audit_router)

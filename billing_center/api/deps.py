"""What every HTTP route needs: the signed-in actor (from the session cookie) and one transaction.

    @router.get("/api/invoices/{number}.pdf")
    def invoice_pdf(number: str, actor: CurrentActor, db: Db) -> Response: ...

A route raises the service layer's errors as they are; :mod:`billing_center.api.errors` turns the
closed set of error codes into HTTP statuses in one place.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from billing_center.db import session_scope
from billing_center.services import auth
from billing_center.services.actors import Actor


def db_session() -> Iterator[Session]:
    """One transaction for the request: committed when the route returns, rolled back on an error."""
    with session_scope() as session:
        yield session


def current_actor(request: Request, db: Annotated[Session, Depends(db_session)]) -> Actor:
    """The person signed in with the session cookie, or NotAuthenticated (401). Resolved in the
    request's own transaction: one transaction per request (SQLite's writer lock is taken once)."""
    return auth.resolve(session=db, token=request.cookies.get(auth.SESSION_COOKIE))


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


CurrentActor = Annotated[Actor, Depends(current_actor)]
Db = Annotated[Session, Depends(db_session)]
ClientIp = Annotated[str, Depends(client_ip)]

"""Authenticated downloads: invoice, credit note and order form PDFs, a ZIP of invoices, the CSV of a
filtered list, and ZIPs prepared in the background by the Transactions page.

Every route finds what it serves through the scoped services: another organisation's number, or a
contract admin's other contracts, answers 404 exactly like a number that does not exist.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response

from billing_center.db import session_scope
from billing_center.documents import files
from billing_center.domain.errors import Forbidden, NotAuthenticated, NotFound, ValidationFailed
from billing_center.services import auth
from billing_center.services import transactions as tx
from billing_center.services.actors import Actor

SESSION_COOKIE = "bc_session"
EXPORT_DIR = Path(tempfile.gettempdir()) / "billing-center-exports"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

router = APIRouter()

NOT_FOUND = "Not found"


def _actor(request: Request) -> Actor:
    try:
        with session_scope() as session:
            return auth.resolve(session=session, token=request.cookies.get(SESSION_COOKIE))
    except NotAuthenticated:
        raise HTTPException(status_code=401, detail="Not signed in") from None


def _serve(file: files.File, *, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(
        content=file.content,
        media_type=file.media_type,
        headers={"Content-Disposition": f'{disposition}; filename="{file.filename}"',
                 "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


def _run(request: Request, make):
    actor = _actor(request)
    try:
        with session_scope() as session:
            return make(session, actor)
    except NotFound:
        raise HTTPException(status_code=404, detail=NOT_FOUND) from None
    except Forbidden:
        raise HTTPException(status_code=404, detail=NOT_FOUND) from None
    except ValidationFailed as exc:
        raise HTTPException(status_code=400, detail={"field": exc.field, "message": exc.message}) from None


@router.get("/api/invoices/export.csv")
def export_csv(request: Request) -> Response:
    def make(session, actor):
        flt = tx.parse_filter(dict(request.query_params))
        return _serve(files.transactions_csv(session=session, actor=actor, flt=flt))

    return _run(request, make)


@router.get("/api/invoices/export.zip")
def export_zip(request: Request, numbers: str = Query(default="")) -> Response:
    """``?numbers=INV1,INV2`` for chosen invoices, or the list's filter parameters with ``all=1``."""

    def make(session, actor):
        chosen = [n for n in numbers.split(",") if n.strip()]
        flt = tx.parse_filter(dict(request.query_params)) if request.query_params.get("all") == "1" else None
        wanted = files.resolve_numbers(session=session, actor=actor, numbers=chosen, flt=flt)
        return _serve(files.invoices_zip(session=session, actor=actor, numbers=wanted))

    return _run(request, make)


@router.get("/api/invoices/{number}.pdf")
def invoice_pdf(number: str, request: Request) -> Response:
    return _run(request, lambda s, a: _serve(files.invoice_pdf(session=s, actor=a, number=number)))


@router.get("/api/credit-notes/{number}.pdf")
def credit_note_pdf(number: str, request: Request) -> Response:
    return _run(request, lambda s, a: _serve(files.credit_note_pdf(session=s, actor=a, number=number)))


@router.get("/api/orders/{number}/order-form.pdf")
def order_form_pdf(number: str, request: Request) -> Response:
    return _run(request, lambda s, a: _serve(files.order_form_pdf(session=s, actor=a, number=number)))


# --- ZIPs prepared in the background (the page shows progress, then downloads) -------------------
def store_export(*, actor: Actor, file: files.File) -> str:
    """Keep a prepared file for its owner only; returns the token of its download URL."""
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    (EXPORT_DIR / f"{token}.bin").write_bytes(file.content)
    (EXPORT_DIR / f"{token}.json").write_text(json.dumps({
        "person_id": actor.person_id, "organisation_id": actor.organisation_id,
        "filename": file.filename, "media_type": file.media_type,
    }))
    return token


@router.get("/api/exports/{token}")
def prepared_export(token: str, request: Request):
    actor = _actor(request)
    meta_path = EXPORT_DIR / f"{token}.json"
    if not _TOKEN.match(token) or not meta_path.exists():
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    meta = json.loads(meta_path.read_text())
    if meta["person_id"] != actor.person_id or meta["organisation_id"] != actor.organisation_id:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    path = EXPORT_DIR / f"{token}.bin"
    response = FileResponse(path, media_type=meta["media_type"], filename=meta["filename"],
                            headers={"Cache-Control": "private, no-store"})
    return response


def forget_old_exports(max_age_seconds: int = 3600) -> None:
    import time

    if not EXPORT_DIR.exists():
        return
    cutoff = time.time() - max_age_seconds
    for path in EXPORT_DIR.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                os.remove(path)
        except OSError:
            pass

"""Authenticated downloads: invoice, credit note and order form PDFs (invoices and credit notes as
Factur-X), their Peppol UBL XML, a ZIP of invoices (``xml=1``: with the XML), the CSV of a
filtered list, and ZIPs prepared in the background by the Transactions page.

Every route finds what it serves through the scoped services: another organisation's number, or a
contract admin's other contracts, answers 404 exactly like a number that does not exist.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response

from billing_center.api.deps import CurrentActor, Db
from billing_center.documents import exports, files
from billing_center.domain.errors import NotFound
from billing_center.services import transactions as tx

router = APIRouter()


def serve(file: files.File, *, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(
        content=file.content,
        media_type=file.media_type,
        headers={"Content-Disposition": f'{disposition}; filename="{file.filename}"',
                 "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


@router.get("/api/invoices/export.csv")
def export_csv(request: Request, actor: CurrentActor, db: Db) -> Response:
    """The filtered list as CSV, its header in the reader's language (as the console chooses it)."""
    flt = tx.parse_filter(dict(request.query_params))
    lang = files.reader_language(db, actor, request.headers.get("accept-language"))
    return serve(files.transactions_csv(session=db, actor=actor, flt=flt, lang=lang))


@router.get("/api/invoices/export.zip")
def export_zip(request: Request, actor: CurrentActor, db: Db, numbers: str = Query(default=""),
               xml: str = Query(default="")) -> Response:
    """``?numbers=INV1,INV2`` for chosen invoices, or the list's filter parameters with ``all=1``;
    ``xml=1`` puts each invoice's UBL XML beside its PDF."""
    chosen = [n for n in numbers.split(",") if n.strip()]
    flt = tx.parse_filter(dict(request.query_params)) if request.query_params.get("all") == "1" else None
    wanted = files.resolve_numbers(session=db, actor=actor, numbers=chosen, flt=flt)
    return serve(files.invoices_zip(session=db, actor=actor, numbers=wanted, with_xml=xml == "1"))


@router.get("/api/invoices/{number}.pdf")
def invoice_pdf(number: str, actor: CurrentActor, db: Db) -> Response:
    return serve(files.invoice_pdf(session=db, actor=actor, number=number))


@router.get("/api/invoices/{number}.xml")
def invoice_ubl(number: str, actor: CurrentActor, db: Db) -> Response:
    return serve(files.invoice_ubl(session=db, actor=actor, number=number))


@router.get("/api/credit-notes/{number}.xml")
def credit_note_ubl(number: str, actor: CurrentActor, db: Db) -> Response:
    return serve(files.credit_note_ubl(session=db, actor=actor, number=number))


@router.get("/api/credit-notes/{number}.pdf")
def credit_note_pdf(number: str, actor: CurrentActor, db: Db) -> Response:
    return serve(files.credit_note_pdf(session=db, actor=actor, number=number))


@router.get("/api/orders/{number}/order-form.pdf")
def order_form_pdf(number: str, actor: CurrentActor, db: Db) -> Response:
    return serve(files.order_form_pdf(session=db, actor=actor, number=number))


@router.get("/api/exports/{token}")
def prepared_export(token: str, actor: CurrentActor) -> FileResponse:
    stored = exports.find_export(actor=actor, token=token)
    if stored is None:
        raise NotFound("export")
    return FileResponse(stored.path, media_type=stored.media_type, filename=stored.filename,
                        headers={"Cache-Control": "private, no-store"})

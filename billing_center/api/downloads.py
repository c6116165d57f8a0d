"""Authenticated downloads: invoice, credit note and order form PDFs (invoices and credit notes as
Factur-X), their Peppol UBL XML, a ZIP of invoices (``xml=1``: with the XML), the CSV of a
filtered list, and ZIPs prepared in the background by the Transactions page.

Every route finds what it serves through the scoped services: another organisation's number, or a
contract admin's other contracts, answers 404 exactly like a number that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable

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


def _document_route(path: str, document: Callable[..., files.File]) -> None:
    """``GET path``: the file ``document`` makes of the ``{number}`` in the path, for the signed-in actor
    (named after ``document``, as its route in the API description)."""

    def serve_document(number: str, actor: CurrentActor, db: Db) -> Response:
        return serve(document(session=db, actor=actor, number=number))

    router.add_api_route(path, serve_document, methods=["GET"], name=document.__name__)


for _path, _document in (
    ("/api/invoices/{number}.pdf", files.invoice_pdf),
    ("/api/invoices/{number}.xml", files.invoice_ubl),
    ("/api/credit-notes/{number}.xml", files.credit_note_ubl),
    ("/api/credit-notes/{number}.pdf", files.credit_note_pdf),
    ("/api/orders/{number}/order-form.pdf", files.order_form_pdf),
):
    _document_route(_path, _document)


@router.get("/api/exports/{token}")
def prepared_export(token: str, actor: CurrentActor) -> FileResponse:
    stored = exports.find_export(actor=actor, token=token)
    if stored is None:
        raise NotFound("export")
    return FileResponse(stored.path, media_type=stored.media_type, filename=stored.filename,
                        headers={"Cache-Control": "private, no-store"})

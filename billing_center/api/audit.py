"""Download of the audit log as CSV. Billing admins only; always the caller's organisation.

The service layer writes the CSV language-free (English header, English action names as msgids);
this edge translates them into the reader's language (:func:`files.reader_language`, issue 11), as
``states/session.py`` translates service errors. The columns, their order and the values (times in
UTC, action codes, targets, details, IP addresses) do not change.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from billing_center import i18n
from billing_center.api.deps import client_ip, current_actor
from billing_center.db import session_scope
from billing_center.documents import files
from billing_center.domain import clock
from billing_center.i18n import N_
from billing_center.services import audit, audit_log

router = APIRouter()

# audit_log.CSV_HEADER, marked for the catalogs (tests/unit/test_document_words.py keeps them equal).
HEADER = [N_("When (UTC)"), N_("Who"), N_("Action"), N_("Action code"), N_("Target"), N_("Detail"),
          N_("IP address")]
ACTION = 2  # the column of the readable action name (an audit_log.ACTION_LABELS msgid)


def translated(chunks: Iterable[str], lang: str) -> Iterator[str]:
    """``audit_log.export_csv``'s chunks (whole rows each) with the header and the action names in
    ``lang``; English passes through untouched."""
    if i18n.normalise(lang) in (None, i18n.SOURCE):
        yield from chunks
        return
    first = True
    for chunk in chunks:
        yield _translate_chunk(chunk, lang, header=first)
        first = False


def _translate_chunk(chunk: str, lang: str, *, header: bool) -> str:
    # The language is set per chunk, never across a yield: a streamed body's chunks may be pulled in
    # different contexts (threads).
    rows = list(csv.reader(io.StringIO(chunk, newline="")))
    with i18n.using(lang):
        if header and rows:
            rows[0] = [i18n.gettext(word) for word in rows[0]]
        for row in rows[1:] if header else rows:
            if len(row) > ACTION:
                row[ACTION] = i18n.gettext(row[ACTION])
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


@router.get("/api/audit.csv")
def audit_csv(request: Request, action: str = "", date_from: str = "", date_to: str = "") -> StreamingResponse:
    # Its own transaction, committed before the rows stream in another one (a streamed response
    # outlives the request's dependencies).
    with session_scope() as db:
        actor = current_actor(request, db)
        flt = audit_log.parse_filter(action=action, date_from=date_from, date_to=date_to)
        audit_log.list_events(session=db, actor=actor, flt=flt, page_size=1)  # the role check, up front
        audit.record(session=db, action="audit_exported", actor=actor, ip=client_ip(request),
                     detail=f"action={flt.action or 'all'} from={flt.date_from or '-'} to={flt.date_to or '-'}")
        lang = files.reader_language(db, actor, request.headers.get("accept-language"))

    def rows():
        with session_scope() as session:
            yield from translated(audit_log.export_csv(session=session, actor=actor, flt=flt), lang)

    name = f"audit-log-{clock.today().isoformat()}.csv"
    return StreamingResponse(rows(), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}"',
                                      "Cache-Control": "no-store"})

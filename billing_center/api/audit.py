"""Download of the audit log as CSV (issue 4). Billing admins only; always the caller's organisation."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import StreamingResponse

from billing_center.db import session_scope
from billing_center.domain import clock
from billing_center.domain.errors import Forbidden, ValidationFailed
from billing_center.services import audit, audit_log

router = APIRouter()


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


@router.get("/api/audit.csv")
def audit_csv(request: Request, action: str = "", date_from: str = "", date_to: str = "") -> StreamingResponse:
    from billing_center.api.routes import current_actor

    actor = current_actor(request)
    try:
        flt = audit_log.parse_filter(action=action, date_from=date_from, date_to=date_to)
        with session_scope() as session:
            audit_log.list_events(session=session, actor=actor, flt=flt, page_size=1)  # role check up front
            audit.record(session=session, action="audit_exported", actor=actor, ip=_client_ip(request),
                         detail=f"action={flt.action or 'all'} from={flt.date_from or '-'} to={flt.date_to or '-'}")
    except Forbidden:
        raise HTTPException(status_code=403, detail="Only billing admins can export the audit log") from None
    except ValidationFailed as exc:
        raise HTTPException(status_code=422, detail=exc.message) from None

    def rows():
        with session_scope() as session:
            yield from audit_log.export_csv(session=session, actor=actor, flt=flt)

    name = f"audit-log-{clock.today().isoformat()}.csv"
    return StreamingResponse(rows(), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}"',
                                      "Cache-Control": "no-store"})

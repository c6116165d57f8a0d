"""The usage ingestion API (R-MAU-1, R-MAU-2): ``POST /api/usage/events``, described at ``/api/openapi.json``.

Authenticated by an organisation's usage API key (``Authorization: Bearer bcu_...``), which a billing
admin creates on the Usage page; the key alone says which organisation the events are for.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from billing_center.db import read_only, session_scope
from billing_center.services import usage, usage_keys

router = APIRouter()
MAX_BODY_BYTES = 2 * 1024 * 1024  # 1,000 events of about 2 KB each at most

EXAMPLE = {"events": [
    {"event_id": "lms-2026-03-31-000187", "person": "anna.peeters@flexis.com", "kind": "course",
     "occurred_at": "2026-03-31T23:30:00+00:00"},
    {"event_id": "lms-2026-04-01-000002", "person": 1042, "kind": "certification",
     "occurred_at": "2026-04-01T08:15:00+02:00"},
]}

DESCRIPTION = f"""Record a batch of up to {usage.MAX_BATCH:,} learning activities (R-MAU-2) for the monthly-active-users
plan of the organisation whose key is sent as `Authorization: Bearer <key>`.

Each event has an `event_id` (your own id: it counts once, however often and in whichever batch it is sent),
a `person` (a member's id or e-mail address in the organisation), a `kind` ({', '.join(sorted(usage.KINDS))})
and `occurred_at`, an ISO 8601 date and time **with its UTC offset**.

Months follow the organisation's time zone: an event at 23:30 UTC on 31 March counts in April for
Europe/Brussels. Events more than 24 hours in the future are rejected; a month accepts late events
until {usage.LATE_DAYS} days after it ends, then it is closed.

Bad events are rejected one by one (their index in the batch and why); the good events of the same batch are kept.
"""


class RejectedEvent(BaseModel):
    index: int = Field(description="The event's position in the batch, from 0")
    reason: str


class IngestAnswer(BaseModel):
    accepted: int = Field(description="New events recorded")
    duplicates: int = Field(description="Events whose event_id was recorded before (or earlier in this batch)")
    rejected: list[RejectedEvent]


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


async def _body(request: Request) -> bytes | None:
    """The request body, or None once it is larger than MAX_BODY_BYTES (never read whole)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _record(secret: str, events: list) -> IngestAnswer | None:
    """Check the batch in a read transaction (batches are checked side by side, beside the one writer on
    SQLite), then store what it kept in a short write transaction."""
    with session_scope() as db:
        read_only(db)
        key = usage_keys.active_key(db, secret)
        if key is None:
            return None
        checked = usage.check_events(session=db, organisation_id=key.organisation_id, events=events)
    with session_scope() as db:
        result = usage.store_checked(session=db, organisation_id=key.organisation_id, batch=checked)
        usage_keys.note_use(db, key)
    return IngestAnswer(accepted=result.accepted, duplicates=result.duplicates,
                        rejected=[RejectedEvent(index=r.index, reason=r.reason) for r in result.rejected])


@router.post(
    "/api/usage/events", response_model=IngestAnswer, summary="Record usage events (monthly active users)",
    description=DESCRIPTION, tags=["usage"],
    responses={400: {"description": "Not JSON, or not {\"events\": [...]} of at most 1,000 events"},
               401: {"description": "No usage API key, or a revoked one"},
               413: {"description": "The body is larger than 2 MB"}},
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"type": "object", "required": ["events"], "properties": {"events": {
            "type": "array", "maxItems": usage.MAX_BATCH, "items": {
                "type": "object", "required": ["event_id", "person", "kind", "occurred_at"],
                "properties": {"event_id": {"type": "string", "maxLength": 100},
                               "person": {"oneOf": [{"type": "string", "format": "email"}, {"type": "integer"}]},
                               "kind": {"type": "string", "enum": sorted(usage.KINDS)},
                               "occurred_at": {"type": "string", "format": "date-time"}}}}}},
        "example": EXAMPLE}}}},
)
async def ingest_events(request: Request):
    auth = request.headers.get("authorization", "")
    secret = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
    if not secret:
        return _problem(401, "Send a usage API key: Authorization: Bearer <key>.")
    body = await _body(request)
    if body is None:
        return _problem(413, f"A batch is at most {MAX_BODY_BYTES // (1024 * 1024)} MB.")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _problem(400, "The body is not JSON.")
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list):
        return _problem(400, 'Send an object {"events": [...]}.')
    if len(events) > usage.MAX_BATCH:
        return _problem(400, f"A batch holds at most {usage.MAX_BATCH:,} events; split it.")
    answer = await run_in_threadpool(_record, secret, events)
    if answer is None:
        return _problem(401, "This usage API key is unknown or revoked.")
    return answer

"""Files prepared in the background (ZIPs of invoice PDFs) and kept for their owner for an hour.

:func:`prepare_invoices_zip` builds a ZIP a chunk of PDFs at a time, each chunk in a worker thread and
its own short transaction, and reports its progress after each chunk. The page that prepared one
downloads it from ``/api/exports/<token>``; only the person who prepared it, in the same organisation,
gets it (everyone else the same 404 as an unknown token).
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import secrets
import tempfile
import time
import zipfile
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlmodel import Session

from billing_center.db import session_scope
from billing_center.documents import files
from billing_center.documents.files import File
from billing_center.services import transactions as tx
from billing_center.services.actors import Actor

EXPORT_DIR = Path(tempfile.gettempdir()) / "billing-center-exports"
MAX_AGE_SECONDS = 3600
ZIP_CHUNK = 10
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

T = TypeVar("T")
Progress = Callable[[int, int], Awaitable[None]]
Transaction = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class PreparedExport:
    """A prepared file, ready at ``url`` for the person who prepared it."""

    token: str
    filename: str
    count: int

    @property
    def url(self) -> str:
        return f"/api/exports/{self.token}"


async def prepare_invoices_zip(*, actor: Actor, numbers: list[str], flt: tx.InvoiceFilter | None,
                               progress: Progress, chunk_size: int = ZIP_CHUNK,
                               transaction: Transaction = session_scope, with_xml: bool = False) -> PreparedExport:
    """A ZIP of the chosen invoices (``numbers``), or of every one of ``flt``, kept for ``actor``; with
    ``with_xml`` each invoice's UBL XML lies beside its PDF.

    Every number is checked before anything is rendered (NotFound / ValidationFailed otherwise). Then
    ``await progress(done, total)``: once with 0 done, and after each chunk of ``chunk_size`` PDFs.
    """

    def in_transaction(work: Callable[..., T], **kwargs) -> T:
        with transaction() as db:
            return work(session=db, **kwargs)

    wanted = await asyncio.to_thread(in_transaction, files.resolve_numbers, actor=actor, numbers=numbers, flt=flt)
    await progress(0, len(wanted))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for start in range(0, len(wanted), chunk_size):
            chunk = wanted[start:start + chunk_size]
            await asyncio.to_thread(in_transaction, files.add_invoice_pdfs, archive=archive, actor=actor, numbers=chunk,
                                    with_xml=with_xml)
            await progress(start + len(chunk), len(wanted))
    forget_old_exports()
    token = store_export(actor=actor, file=File(files.ZIP_NAME, buffer.getvalue(), files.ZIP_TYPE))
    return PreparedExport(token=token, filename=files.ZIP_NAME, count=len(wanted))


@dataclass(frozen=True)
class StoredExport:
    path: Path
    filename: str
    media_type: str


def store_export(*, actor: Actor, file: File) -> str:
    """Keep a prepared file for its owner only; returns the token of its download URL."""
    token, path = new_export_file(actor=actor, filename=file.filename, media_type=file.media_type)
    path.write_bytes(file.content)
    return token


def new_export_file(*, actor: Actor, filename: str, media_type: str) -> tuple[str, Path]:
    """A token and the path to write a prepared file to (for files written piece by piece)."""
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    (EXPORT_DIR / f"{token}.json").write_text(json.dumps({
        "person_id": actor.person_id, "organisation_id": actor.organisation_id,
        "filename": filename, "media_type": media_type,
    }))
    return token, EXPORT_DIR / f"{token}.bin"


def find_export(*, actor: Actor, token: str) -> StoredExport | None:
    """The prepared file behind ``token`` if ``actor`` prepared it; None for anything else."""
    meta_path = EXPORT_DIR / f"{token}.json"
    if not _TOKEN.match(token) or not meta_path.exists():
        return None
    meta = json.loads(meta_path.read_text())
    if meta["person_id"] != actor.person_id or meta["organisation_id"] != actor.organisation_id:
        return None
    return StoredExport(EXPORT_DIR / f"{token}.bin", meta["filename"], meta["media_type"])


def forget_old_exports(max_age_seconds: int = MAX_AGE_SECONDS) -> None:
    """Delete prepared files older than ``max_age_seconds`` (best effort: a file in use stays)."""
    if not EXPORT_DIR.exists():
        return
    cutoff = time.time() - max_age_seconds
    for path in EXPORT_DIR.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                os.remove(path)
        except OSError:
            continue

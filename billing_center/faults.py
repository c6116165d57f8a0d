"""Fault points for the fault tests (tests/faults): a worker that kills itself at a named step.

Off by default and impossible to switch on in production: a point fires only when the environment
names a fault file (``BILLING_CENTER_FAULT_FILE``) *and* the console is served on loopback over plain
HTTP (``PUBLIC_URL`` http://localhost or http://127.0.0.1), which no deployment people can reach is.
The test writes a point's name into that file; the first worker to reach that point claims the file
(an atomic rename, so exactly one worker dies) and ends itself with SIGKILL, as ``kill -9`` would:
no handler, no rollback, no reply. Everything here is a no-op otherwise.
"""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import event
from sqlmodel import Session

from billing_center.settings import get_settings

log = logging.getLogger(__name__)

FAULT_FILE_ENV = "BILLING_CENTER_FAULT_FILE"
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def fault_file() -> Path | None:
    """The armed fault file, or None (always None unless served on loopback over http)."""
    path = os.environ.get(FAULT_FILE_ENV, "")
    if not path:
        return None
    public = urlsplit(get_settings().public_url)
    if public.scheme != "http" or public.hostname not in LOOPBACK:
        return None
    return Path(path)


def point(name: str) -> None:
    """Die here (SIGKILL) if the fault file names this point; claim it first so only one worker dies."""
    path = fault_file()
    if path is None:
        return
    try:
        if path.read_text().strip() != name:
            return
        os.rename(path, path.with_name(f"{path.name}.fired.{os.getpid()}"))
    except OSError:  # not armed, or another worker claimed it first
        return
    log.warning("fault point %s: worker %d kills itself", name, os.getpid())
    os.kill(os.getpid(), signal.SIGKILL)


def point_after_commit(session: Session, name: str) -> None:
    """The point ``name`` once ``session``'s transaction has committed (before the reply is sent)."""
    if fault_file() is not None:
        event.listen(session, "after_commit", lambda _session: point(name), once=True)

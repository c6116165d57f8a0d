"""Test infrastructure shared by service and end-to-end tests: throw-away databases on SQLite
and on the machine's PostgreSQL, migrated with Alembic and loaded with the demo data."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from alembic import command
from billing_center.db import build_engine, normalise_url

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A free TCP port on loopback, never the same one twice in this process (a server is often
    started only after the next port has been picked)."""
    import socket

    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def alembic_config(url: str) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.attributes["url"] = url
    cfg.attributes["configure_logging"] = False
    return cfg


def migrate(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def ensure_postgres() -> None:
    """The machine's PostgreSQL runs before each session; start it if it was stopped."""
    probe = subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432"], capture_output=True)
    if probe.returncode != 0 and shutil.which("pg_ctlcluster"):
        versions = sorted(os.listdir("/etc/postgresql"))
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"], check=False)


@contextmanager
def postgres_database(prefix: str = "bc_test") -> Iterator[str]:
    """A fresh PostgreSQL database for one test run, dropped afterwards."""
    ensure_postgres()
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(normalise_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def sqlite_database(tmp_dir: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_dir / 'billing_center.db'}"


@contextmanager
def database(backend: str, tmp_dir: Path) -> Iterator[str]:
    maker = postgres_database if backend == "postgresql" else (lambda: sqlite_database(tmp_dir))
    with maker() as url:
        yield url


def seeded_engine(url: str) -> Engine:
    """Migrate ``url`` to head and load the demo organisations (in a child process's absence,
    directly: the seed is idempotent)."""
    from billing_center.db import session_scope
    from billing_center.seed import load_demo

    migrate(url)
    engine = build_engine(url)
    with session_scope(engine) as session:
        load_demo(session)
    return engine


def stop_process_group(process: subprocess.Popen | None, *, grace: float = 10) -> None:
    """Stop a server started with ``start_new_session=True`` and what it started: TERM, then KILL."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def at_once(call: Callable[[], object], *, timeout: float = 60) -> tuple[list, list[Exception]]:
    """``call`` in two threads released at the same moment (a double submit, two schedulers): what the
    calls returned, and what they raised, once both have ended (or ``timeout`` seconds have passed)."""
    barrier = threading.Barrier(2)
    returned: list = []
    raised: list[Exception] = []

    def run() -> None:
        barrier.wait()
        try:
            returned.append(call())
        except Exception as exc:  # noqa: BLE001 - handed to the test
            raised.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return returned, raised


def run_python(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True)

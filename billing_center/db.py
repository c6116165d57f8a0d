"""Engine and session scope. No Reflex import here: services and scripts use this directly."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from billing_center.domain.errors import Unavailable
from billing_center.i18n import N_
from billing_center.settings import get_settings

# A database that does not answer (down, restarting, a dropped connection, a full pool, a lock wait or
# a serialisation failure): the use case is rolled back and the person is asked to try again.
DATABASE_DOWN = (exc.OperationalError, exc.InterfaceError, exc.TimeoutError)
DATABASE_DOWN_MESSAGE = N_("The database did not answer, so nothing was saved. Try again in a moment: "
                           "what you entered is still here.")
READ_ONLY = "billing_center_read_only"  # execution option and Session.info key of a read transaction


def normalise_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and pick the installed driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg2://" + url[len("postgresql://"):]
    return url


def build_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            # Let SQLAlchemy own transactions so BEGIN IMMEDIATE can serialise writers.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # pragma: no cover - trivial
            # A use case that may write takes the write lock up front: it either sees a consistent
            # database and writes all of its changes, or waits its turn. A read (see read_only) takes
            # no lock: WAL gives it a consistent snapshot beside the writer, and query_only makes
            # any write in it fail at once instead of upgrading its lock half-way.
            if conn.get_execution_options().get(READ_ONLY):
                conn.exec_driver_sql("PRAGMA query_only=ON")
                conn.exec_driver_sql("BEGIN")
            else:
                conn.exec_driver_sql("PRAGMA query_only=OFF")
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)

    @event.listens_for(engine, "begin")
    def _postgres_begin(conn):  # pragma: no cover - trivial
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")

    return engine


@lru_cache
def get_engine() -> Engine:
    return build_engine(get_settings().database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction per use case: commit on success, roll back everything on any error."""
    session = Session(engine or get_engine(), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except DATABASE_DOWN as error:
        _quiet_rollback(session)
        if _is_write_in_a_read(error):
            raise  # a bug in the handler, not an outage: it must not read as "try again"
        raise Unavailable(DATABASE_DOWN_MESSAGE) from error
    except BaseException:
        _quiet_rollback(session)
        raise
    finally:
        session.close()


def _quiet_rollback(session: Session) -> None:
    """Roll back; on a connection that is already gone there is nothing left to roll back (the
    server discarded the transaction), and the pool replaces the connection (pre-ping)."""
    try:
        session.rollback()
    except DATABASE_DOWN:
        pass


def _is_write_in_a_read(error: Exception) -> bool:
    """SQLite's answer to a write in a ``read_only`` transaction (PRAGMA query_only); PostgreSQL's
    (ReadOnlySqlTransaction) is not among DATABASE_DOWN anyway."""
    return "readonly database" in str(error)


def read_only(session: Session) -> Session:
    """Make ``session``'s transaction a read: no write lock on SQLite (many reads run beside one
    writer), ``READ ONLY`` on PostgreSQL; a write in it fails on both. Call it before the first query."""
    if session.in_transaction():
        raise RuntimeError("read_only() comes before the transaction's first query")
    session.info[READ_ONLY] = True
    session.connection(execution_options={READ_ONLY: True})
    return session


def is_read_only(session: Session) -> bool:
    return bool(session.info.get(READ_ONLY))


def is_sqlite(session_or_engine) -> bool:
    bind = getattr(session_or_engine, "bind", None) or session_or_engine
    return bind.dialect.name == "sqlite"

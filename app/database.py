"""Connection settings that make the embedded SQLite default safe for a real service, and the unit of work.

The unit of work belongs to the caller: a view or CLI command opens it (begin_write_transaction when writers
must queue, or write_transaction for a block), calls services (which only flush), then commits or rolls back.
A refusal a service audited is kept by the one named step keep_audited_refusal, never by a stray commit.
"""

import time
from contextlib import contextmanager

from sqlalchemy import event, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

SQLITE_BUSY_TIMEOUT_MS = 15000
IDLE_PING_SECONDS = 10  # a pooled connection unused this long is checked before a request gets it


def _is_sqlite(dbapi_connection):
    return type(dbapi_connection).__module__.split(".")[0] in ("sqlite3", "pysqlite2")


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    """WAL, synchronous=FULL, foreign keys, secure_delete and a busy timeout on every SQLite connection."""
    if not _is_sqlite(dbapi_connection):
        return
    # Let SQLAlchemy's "begin" event below issue BEGIN itself, so we can ask for BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    # Deleted rows and freed pages are overwritten with zeros, so a sealed ballot or a round's key deleted at
    # the close cannot be read back from the file (docs/security.md, "Ballot secrecy").
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.close()


@event.listens_for(Pool, "checkin")
def _note_idle_since(dbapi_connection, connection_record):
    connection_record.info["idle_since"] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_if_idle(dbapi_connection, connection_record, connection_proxy):
    """Check a database-server connection that sat idle before a request uses it.

    A database restart, a failover or an idle timeout in a pooler or firewall cuts pooled connections
    silently; the first request on one would fail. SQLAlchemy retries the checkout with a fresh connection
    when this raises DisconnectionError. Connections reused within seconds (any busy hour) are not pinged,
    which is why this replaces pool_pre_ping's round trip on every request.
    """
    idle_since = connection_record.info.get("idle_since")
    if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS or _is_sqlite(dbapi_connection):
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()
    except Exception as error:  # whatever the driver raises for a cut connection
        raise DisconnectionError(str(error)) from error


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """Open SQLite transactions explicitly; IMMEDIATE when a writer asked for the lock up front."""
    if conn.dialect.name != "sqlite":
        return
    if conn.get_execution_options().get("sqlite_immediate"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


class PendingWork(RuntimeError):
    """begin_write_transaction was called with writes not yet committed: ending the transaction would lose them."""


@event.listens_for(Session, "after_flush")
def _remember_writes(session, _flush_context):
    session.info["wrote"] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_writes(session, transaction):
    if transaction.parent is None:  # the outermost transaction ended: committed or rolled back
        session.info.pop("wrote", None)


def _unwrap(session):
    return session.registry() if hasattr(session, "registry") else session  # a scoped_session's own Session


def has_pending_work(session):
    """Whether the session holds writes not yet committed (flushed or not)."""
    real_session = _unwrap(session)
    return bool(real_session.new or real_session.deleted or real_session.info.get("wrote")
                or any(real_session.is_modified(obj) for obj in real_session.dirty))


def begin_write_transaction(session):
    """Start the session's transaction so concurrent writers queue instead of interleaving.

    SQLite: BEGIN IMMEDIATE takes the database write lock now, not at the first write.
    PostgreSQL: the caller locks the rows it reads with SELECT ... FOR UPDATE.
    A transaction that only read (a view loading what it checks permissions on) is ended first, so read what
    the rule depends on again after this. Raises PendingWork if the session holds writes: commit or roll
    them back first, they are never dropped silently.
    """
    real_session = _unwrap(session)
    if has_pending_work(real_session):
        raise PendingWork("commit or roll back the session's writes before taking the write lock")
    if real_session.in_transaction():
        real_session.rollback()
    real_session.connection(execution_options={"sqlite_immediate": True})


def keep_audited_refusal(session):
    """Commit the audit entry a service recorded before refusing (it raised after record(), writing nothing
    else), so the refused attempt stays on the record. The caller's one named way to end a refused unit of work.
    """
    session.commit()


def lock_row(session, obj):
    """Hold obj's row until the transaction ends (PostgreSQL: SELECT ... FOR UPDATE; SQLite: BEGIN IMMEDIATE
    already holds the whole database), then expire obj so what the caller reads next is what the previous
    holder committed. Call after begin_write_transaction, before reading what the rule depends on.
    """
    mapper = inspect(obj).mapper
    keys = [column == value for column, value in zip(mapper.primary_key, mapper.primary_key_from_instance(obj),
                                                     strict=True)]
    session.execute(select(*mapper.primary_key).where(*keys).with_for_update())
    session.expire(obj)
    return obj


def lock_name(session, name):
    """Queue writers on a name for the rest of the transaction: a PostgreSQL advisory lock (SQLite: BEGIN
    IMMEDIATE already holds the whole database). Call after begin_write_transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})


@contextmanager
def write_transaction(session):
    """Run a block in a write transaction that commits on success and rolls back on error."""
    begin_write_transaction(session)
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def truncate_journal(bind):
    """SQLite: copy the write-ahead log into the database file and truncate it to zero bytes, so the journal no
    longer holds earlier versions of pages (waits for readers up to the busy timeout). Returns False if a
    reader kept it from finishing. Other databases: nothing to do, True.
    """
    engine = getattr(bind, "engine", bind)
    if engine.dialect.name != "sqlite":
        return True
    connection = engine.raw_connection()
    try:
        busy, _frames, _copied = connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        connection.close()
    return busy == 0

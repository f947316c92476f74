"""The append-only, hash-chained audit log of officer, board and admin actions."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._common import UTCDateTime, utcnow


class AuditEntry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor_label: Mapped[str] = mapped_column(String(254))  # e-mail at the time, kept if the user goes
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(120), default="")  # e.g. "round:3"
    details: Mapped[dict] = mapped_column(JSON, default=dict)  # what changed; never ballot contents
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)  # unique: the chain cannot fork
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


class PublishedHead(db.Model):
    """A chain head as it was shown to the public, kept for ever: `audit verify` checks each is in the chain.

    Outsiders keep their own copies (results pages, /api, open data), so a log cut short and an archive
    cut to match are caught by anyone who compares.
    """

    __tablename__ = "audit_published_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column()  # no foreign key: the archive must outlive a deleted entry
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The log and the archive are append-only for the application's database user: UPDATE and DELETE are refused
# by the database (created here for create_all and by the migration). A database owner can drop the
# triggers; the keyed chain and the archived heads then catch what they changed.
APPEND_ONLY_TABLES = ("audit_entry", "audit_published_head")
APPEND_ONLY_MESSAGE = "the audit log is append-only"


def append_only_triggers_sql(dialect):
    """The statements that make the audit tables append-only on this dialect ("sqlite" or "postgresql")."""
    if dialect == "postgresql":
        return ["""CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END $$"""] + [f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
               "FOR EACH ROW EXECUTE FUNCTION audit_append_only()" for table in APPEND_ONLY_TABLES]
    return [f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_{op.lower()} BEFORE {op} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            for table in APPEND_ONLY_TABLES for op in ("UPDATE", "DELETE")]


@event.listens_for(db.metadata, "after_create")
def _create_append_only_triggers(target, connection, **kw):
    if connection.dialect.name in ("sqlite", "postgresql"):
        for statement in append_only_triggers_sql(connection.dialect.name):
            connection.exec_driver_sql(statement)

"""The append-only, hash-chained audit log of officer, board and admin actions."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
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

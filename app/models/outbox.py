"""The durable mail outbox: every e-mail the app sends is a row here first, written in the transaction that
causes it, and delivered later by `flask --app wsgi mail send` (app/mail/sender.py)."""

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._common import UTCDateTime, utcnow

PENDING = "pending"
SENT = "sent"
FAILED = "failed"  # refused outright by the mail server too many times; kept, and `mail retry` re-queues it
SMS = "sms"  # OutboxMessage.channel of a text message (to_address: a phone number), sent through GOV.UK Notify
STAND_IN = "stand-in"  # written where a message would have been, so both answers cost alike; never sent


class OutboxMessage(db.Model):
    """One message, rendered in the recipient's language when it was queued: what the SMTP layer needs.

    A sender claims a row by setting claim_token and claimed_until (a lease), delivers it outside any
    transaction, then marks it sent if its claim still holds. A sender that dies leaves a lease that runs out,
    so another sender picks the message up again: delivery is at least once, and exactly once unless a sender
    dies between the mail server's "250 OK" and its own commit.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(400))
    text_body: Mapped[str] = mapped_column(Text)  # emptied once sent: links in it (reset, verify) stay out of backups
    html_body: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)  # From, Message-ID, Content-Language, List-Unsubscribe…
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    channel: Mapped[str] = mapped_column(String(10), default="email", server_default="email")  # or SMS
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

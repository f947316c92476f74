"""Deliver the outbox: claim due messages, send each over SMTP (or to instance/mail), mark it sent or schedule
a retry. Safe with any number of senders at once, on SQLite and on PostgreSQL.

A claim is a lease: in one short write transaction a sender picks due, unclaimed messages (PostgreSQL:
FOR UPDATE SKIP LOCKED, so two senders never wait for or pick the same rows; SQLite: BEGIN IMMEDIATE, so
claims queue) and stamps them with its own token until claimed_until. Delivery happens outside any
transaction, so the mail server's speed never holds a database lock; the result is written only if the
claim still holds. A sender that dies mid-batch leaves leases that run out, and another sender sends those
messages then.
"""

import os
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app
from sqlalchemy import delete, or_, select, update

from app.database import write_transaction
from app.domain.mail_retry import RetryPolicy, after_failure
from app.mail.notify import NotifyRefused, NotifyTransport, texts_configured
from app.models._common import utcnow
from app.models.outbox import FAILED, PENDING, SENT, SMS, STAND_IN, OutboxMessage

# Errors that mean "the mail server is not there or will not talk to us": stop this run, retry later.
# (Any error while connecting, logging in or starting TLS counts too.)
_OUTAGE_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, smtplib.SMTPHeloError,
                  smtplib.SMTPAuthenticationError)
# What smtplib and email raise for one bad message (e.g. an address the server cannot take): that message
# waits, the others go on.
_MESSAGE_ERRORS = (ValueError, TypeError, LookupError)


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0  # failed this time, tried again later
    failed: int = 0  # set aside after too many refusals
    errors: list = field(default_factory=list)

    def __str__(self):
        return f"sent {self.sent}, to retry {self.retrying}, set aside {self.failed}"


@dataclass(frozen=True)
class _Claimed:
    """What a sender needs from a row, copied out so delivery needs no database session."""

    id: int
    attempts: int
    email: EmailMessage
    channel: str = "email"  # or SMS: a text message through GOV.UK Notify


def send_pending(session, *, batch_size=None, clock=utcnow):
    """Deliver every message that is due, batch by batch, until none is left or the mail server is unreachable.

    The command (`flask --app wsgi mail send`) and the tests' mailbox both call this. It commits its own
    short transactions, so call it with no unit of work open on session.
    """
    config = current_app.config
    batch_size = batch_size or config["MAIL_SEND_BATCH"]
    report = SendReport()
    with _Transport(config) as transport:
        while True:
            token = uuid.uuid4().hex
            found, claimed = _claim(session, token, batch_size, clock())
            if not found:
                return report
            for index, item in enumerate(claimed):
                try:
                    transport.send(item.email, item.channel)
                except (OSError, *_MESSAGE_ERRORS, NotifyRefused) as error:  # smtplib.SMTPException is an OSError
                    outage = transport.unreachable or isinstance(error, _OUTAGE_ERRORS) or (
                        isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)) or (
                        getattr(error, "ends_run", False))
                    _record_failure(session, item, token, error, clock(), report)
                    if outage:
                        _release(session, [later.id for later in claimed[index + 1:]], token)
                        return report
                else:
                    _mark_sent(session, item, token, clock())
                    report.sent += 1


def _claim(session, token, batch_size, now):
    """Return (how many due rows were found, the ones claimed for sending); rows that cannot be built are
    set aside as failed instead."""
    lease = timedelta(seconds=current_app.config["MAIL_CLAIM_SECONDS"])
    with write_transaction(session):
        session.execute(delete(OutboxMessage).where(OutboxMessage.status == STAND_IN))
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now,
                   or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
        ).all()
        claimed = []
        for row in rows:
            try:
                email = _build(row)
            except (*_MESSAGE_ERRORS, MessageError) as error:  # cannot be sent as stored: set it aside
                row.status, row.last_error = FAILED, f"cannot build the message: {error}"[:500]
                continue
            row.claim_token, row.claimed_until = token, now + lease
            claimed.append(_Claimed(row.id, row.attempts, email, row.channel))
    return len(rows), claimed


def _build(row):
    """The EmailMessage for an outbox row (Content-* headers go after the body, which resets them)."""
    message = EmailMessage()
    message["Subject"] = row.subject
    message["To"] = row.to_address
    message["Date"] = format_datetime(row.created_at)
    content_headers = {}
    for name, value in (row.headers or {}).items():
        if name.lower().startswith("content-"):
            content_headers[name] = value
        else:
            message[name] = value
    message.set_content(row.text_body)
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html")
    for name, value in content_headers.items():
        message[name] = value
    return message


def _mark_sent(session, item, token, now):
    """Sent: keep who/what/when, drop the bodies (their links must not outlive the message in backups)."""
    with write_transaction(session):
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == item.id, OutboxMessage.claim_token == token)
            .values(status=SENT, sent_at=now, attempts=item.attempts + 1, text_body="", html_body=None,
                    claim_token=None, claimed_until=None, last_error=None)
        )


def _record_failure(session, item, token, error, now, report):
    attempts = item.attempts + 1
    permanent = _refused(error)
    give_up, wait = after_failure(attempts, permanent, _policy())
    current_app.logger.warning("Mail %s to %s failed (try %d): %s", item.id, item.email["To"], attempts, error)
    report.errors.append(f"message {item.id}: {error}")
    with write_transaction(session):
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == item.id, OutboxMessage.claim_token == token)
            .values(status=FAILED if give_up else PENDING, attempts=attempts, last_error=str(error)[:500],
                    next_attempt_at=now + timedelta(seconds=wait), claim_token=None, claimed_until=None)
        )
    if give_up:
        report.failed += 1
    else:
        report.retrying += 1


def _release(session, ids, token):
    """Give back claimed messages this run will not try (the server went away): no attempt is counted."""
    if not ids:
        return
    with write_transaction(session):
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.claim_token == token)
            .values(claim_token=None, claimed_until=None)
        )


def _refused(error):
    """The server refused this message for good (5xx) or it cannot be sent as it is, as opposed to an outage or
    a "try later" (4xx)."""
    if isinstance(error, (*_MESSAGE_ERRORS, NotifyRefused)):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500 \
        and not isinstance(error, _OUTAGE_ERRORS)


def _policy():
    config = current_app.config
    return RetryPolicy(config["MAIL_RETRY_BASE_SECONDS"], config["MAIL_RETRY_MAX_SECONDS"],
                       config["MAIL_MAX_REFUSALS"])


class _Transport:
    """One SMTP connection for a whole run (opened at the first message, reopened after an error), GOV.UK Notify's
    API (app/mail/notify.py), or the development backend that writes .eml files into instance/mail."""

    def __init__(self, config):
        self.config = config
        self.smtp = None
        self.unreachable = False  # the last try to connect (or log in) failed
        if config["MAIL_BACKEND"] not in ("smtp", "file", "notify"):
            raise ValueError(f"unknown MAIL_BACKEND {config['MAIL_BACKEND']!r}")
        self.notify = NotifyTransport(config) if config["MAIL_BACKEND"] == "notify" else None
        self.texts = self.notify or (NotifyTransport(config) if texts_configured(config) else None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._close()

    def send(self, message, channel="email"):
        if channel == SMS:
            if self.texts is None:
                if self.config["MAIL_BACKEND"] == "file":
                    self._write(message)  # development: the text lands in instance/mail like the e-mail
                    return
                raise ValueError("a text message, but GOV.UK Notify texts are not configured")
            self.texts.send_sms(message)
            return
        if self.notify is not None:
            self.notify.send(message)
            return
        if self.config["MAIL_BACKEND"] == "file":
            self._write(message)
            return
        if self.smtp is not None:
            try:
                self.smtp.send_message(message)
                return
            except (smtplib.SMTPServerDisconnected, ConnectionError):
                self._close()  # it dropped the connection we kept from the last message: one fresh try
            except Exception:
                self._close()
                raise
        try:
            self.unreachable = True
            self.smtp = self._connect()
            self.unreachable = False
            self.smtp.send_message(message)
        except Exception:
            self._close()
            raise

    def _connect(self):
        config = self.config
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"])
        try:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except Exception:
            smtp.close()
            raise
        return smtp

    def _close(self):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None

    def _write(self, message):
        folder = os.path.join(current_app.instance_path, "mail")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"{uuid.uuid4().hex}.eml")
        with open(path, "wb") as handle:
            handle.write(bytes(message))
        current_app.logger.info("Mail to %s written to %s", message["To"], path)

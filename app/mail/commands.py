"""Mail CLI: `flask --app wsgi mail send` delivers the outbox (from cron every minute, or `--watch` as a worker);
`mail status` counts what is waiting; `mail retry` puts messages set aside as failed back in the queue;
`mail purge` forgets old sent messages."""

import time
from datetime import timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import delete, func, select, update

from app.database import write_transaction
from app.extensions import db
from app.mail.sender import send_pending
from app.models._common import utcnow
from app.models.outbox import FAILED, PENDING, SENT, OutboxMessage


@click.group("mail", help="The outgoing mail queue.")
def mail():
    pass


@mail.command("send")
@click.option("--watch", "interval", type=click.FloatRange(min=0.5), default=None,
              help="Keep running, looking for new mail every INTERVAL seconds (a worker instead of cron).")
@with_appcontext
def send_command(interval):
    """Deliver every message that is due, with retries and backoff. Safe to run several at once.

    Prints nothing when there was nothing to send, so cron only mails when something happened; exits 1 when a
    delivery failed (the message stays queued and is retried later).
    """
    while True:
        report = send_pending(db.session)
        db.session.remove()
        if report.sent or report.retrying or report.failed:
            click.echo(str(report))
            for error in report.errors[:20]:
                click.echo(f"  {error}", err=True)
        if interval is None:
            if report.retrying or report.failed:
                raise SystemExit(1)
            return
        time.sleep(interval)


@mail.command("status")
@with_appcontext
def status_command():
    """Count messages by state, and say how long the oldest waiting one has waited."""
    counts = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    oldest = db.session.scalar(select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status == PENDING))
    click.echo(", ".join(f"{state} {counts.get(state, 0)}" for state in (PENDING, SENT, FAILED)))
    if oldest is not None:
        click.echo(f"oldest waiting: {int((utcnow() - oldest).total_seconds())} s")


@mail.command("retry")
@with_appcontext
def retry_command():
    """Queue again every message set aside as failed (e.g. after fixing the mail server's configuration)."""
    with write_transaction(db.session):
        result = db.session.execute(
            update(OutboxMessage).where(OutboxMessage.status == FAILED)
            .values(status=PENDING, attempts=0, next_attempt_at=utcnow())
        )
    click.echo(f"queued again: {result.rowcount}")


@mail.command("purge")
@click.option("--days", type=click.IntRange(min=0), default=30, show_default=True,
              help="Keep the record of messages sent in the last DAYS days.")
@with_appcontext
def purge_command(days):
    """Delete the record of messages sent more than DAYS days ago (who was mailed, what about, and when)."""
    with write_transaction(db.session):
        result = db.session.execute(
            delete(OutboxMessage).where(OutboxMessage.status == SENT,
                                        OutboxMessage.sent_at < utcnow() - timedelta(days=days))
        )
    click.echo(f"deleted: {result.rowcount}")


COMMANDS = [mail]

"""The mail outbox and its sender (`flask --app wsgi mail send`): nothing is lost when the mail server is down or
refuses, retries back off, and two senders at once deliver every message exactly once."""

import contextvars
import threading
from datetime import timedelta

from flask_babel import gettext as _

from app.mail.sender import send_pending
from app.models import OutboxMessage
from app.models._common import utcnow


def queue(db, to, subject="Hello", body="A message for you.\n", **fields):
    message = OutboxMessage(to_address=to, subject=subject, text_body=body,
                            headers={"From": "Neighbourhood Budgets <no-reply@example.org>",
                                     "Content-Language": "cy", "X-Test": "kept"}, **fields)
    db.session.add(message)
    db.session.commit()
    return message


def run_sender(app, clock=utcnow, batch_size=None):
    """What `flask mail send` does, in its own app context and session (as cron's process would)."""

    def run():
        from app.extensions import db

        with app.app_context():
            try:
                return send_pending(db.session, clock=clock, batch_size=batch_size)
            finally:
                db.session.remove()

    return contextvars.Context().run(run)


def row(db, message):
    """The row as the database has it now (a fresh transaction: the sender wrote in its own)."""
    db.session.commit()
    return db.session.get(OutboxMessage, message.id)


def test_a_queued_message_is_delivered_with_its_headers_and_its_body_is_then_dropped(app, db, outbox):
    message = queue(db, "amira@example.org", subject="Croeso", body="Dyma eich dolen.\n")

    report = run_sender(app)

    assert report.sent == 1
    [received] = outbox.server.messages
    assert received["To"] == "amira@example.org" and received["Subject"] == "Croeso"
    assert received["Content-Language"] == "cy" and received["X-Test"] == "kept" and received["Date"]
    assert received.get_content().strip() == "Dyma eich dolen."
    sent = row(db, message)
    assert sent.status == "sent" and sent.sent_at is not None and sent.attempts == 1
    assert sent.text_body == "", "a sent reset link must not stay in the database (or its backups)"
    assert run_sender(app).sent == 0, "sent once, never again"


def test_send_email_queues_the_message_rendered_in_the_recipients_language_with_extra_headers(app, db, outbox):
    from app.mail import send_email
    from tests.factories import make_user

    user = make_user(email="jakub@example.org", name="Jakub", locale="pl")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        send_email(user.email, lambda: _("Reset your password"), "email/reset", locale="pl", user=user,
                   link="https://example.org/reset/x", headers={"List-Unsubscribe": "<https://example.org/u/1>"})
    assert outbox.server.messages == [], "queued, not sent, until the caller commits and the sender runs"
    db.session.commit()
    received = outbox.wait_for(lambda m: m["To"] == "jakub@example.org")
    assert received["Subject"] == "Zresetuj hasło" and received["Content-Language"] == "pl"
    assert received["List-Unsubscribe"] == "<https://example.org/u/1>"
    assert "https://example.org/reset/x" in received.get_content()


def test_an_html_body_goes_as_an_alternative_to_the_text(app, db, outbox):
    queue(db, "amira@example.org", html_body="<p>Hello</p>")
    run_sender(app)
    [received] = outbox.server.messages
    assert received.get_content_type() == "multipart/alternative"
    assert received.get_body(("html",)).get_content().strip() == "<p>Hello</p>"


def test_while_smtp_is_down_the_message_waits_with_backoff_and_goes_once_smtp_is_back(app, db, outbox, smtp_down):
    message = queue(db, "amira@example.org")
    start = utcnow()

    first = run_sender(app, clock=lambda: start)
    assert (first.sent, first.retrying) == (0, 1)
    waiting = row(db, message)
    assert waiting.status == "pending" and waiting.attempts == 1 and waiting.last_error
    assert waiting.next_attempt_at == start + timedelta(seconds=60)

    assert run_sender(app, clock=lambda: start + timedelta(seconds=59)).retrying == 0, "not due yet"
    assert row(db, message).attempts == 1

    run_sender(app, clock=lambda: start + timedelta(seconds=60))
    assert row(db, message).next_attempt_at == start + timedelta(seconds=60 + 120), "twice as long"

    later = start + timedelta(hours=10)
    for _try in range(8):  # an outage never makes the sender give up; waits stop growing at an hour
        run_sender(app, clock=lambda at=later: at)
        later = row(db, message).next_attempt_at
    waiting = row(db, message)
    assert waiting.status == "pending" and waiting.attempts == 10
    assert outbox.server.messages == []

    smtp_down.back()
    assert run_sender(app, clock=lambda: later).sent == 1
    assert [m["To"] for m in outbox.server.messages] == ["amira@example.org"]
    assert row(db, message).status == "sent"


def test_an_outage_ends_the_run_without_counting_a_try_against_the_other_messages(app, db, outbox, smtp_down):
    messages = [queue(db, f"r{n}@example.org") for n in range(3)]
    report = run_sender(app)
    assert report.retrying == 1
    assert [row(db, m).attempts for m in messages] == [1, 0, 0]
    assert all(row(db, m).claim_token is None for m in messages), "nothing left claimed"
    smtp_down.back()
    assert run_sender(app, clock=lambda: utcnow() + timedelta(minutes=2)).sent == 3


def test_a_refused_address_is_retried_then_set_aside_without_holding_up_the_others(app, db, outbox):
    outbox.server.refuse("gone@example.org")
    gone = queue(db, "gone@example.org")
    other = queue(db, "amira@example.org")

    report = run_sender(app)
    assert (report.sent, report.retrying) == (1, 1)
    assert row(db, other).status == "sent"

    clock = utcnow()
    for _try in range(4):
        clock = clock + timedelta(hours=2)
        run_sender(app, clock=lambda at=clock: at)
    refused = row(db, gone)
    assert refused.status == "failed" and refused.attempts == 5 and "550" in refused.last_error
    assert refused.text_body, "set aside, not lost"

    outbox.server.clear()
    result = contextvars.Context().run(app.test_cli_runner().invoke, args=["mail", "retry"])
    assert result.output == "queued again: 1\n"
    assert run_sender(app).sent == 1
    assert row(db, gone).status == "sent"


def test_a_message_that_cannot_be_built_is_set_aside_and_the_others_go(app, db, outbox):
    broken = queue(db, "amira@example.org", subject="Two\nlines")
    fine = [queue(db, f"r{n}@example.org") for n in range(3)]
    assert run_sender(app, batch_size=1).sent == 3
    assert row(db, broken).status == "failed" and "cannot build" in row(db, broken).last_error
    assert {row(db, m).status for m in fine} == {"sent"}


def test_a_message_claimed_by_a_sender_that_died_is_sent_when_its_lease_runs_out(app, db, outbox):
    now = utcnow()
    due = now - timedelta(minutes=20)
    stale = queue(db, "stale@example.org", next_attempt_at=due, claim_token="dead",
                  claimed_until=now - timedelta(seconds=1))
    held = queue(db, "held@example.org", next_attempt_at=due, claim_token="alive",
                 claimed_until=now + timedelta(minutes=5))

    assert run_sender(app, clock=lambda: now).sent == 1
    assert [m["To"] for m in outbox.server.messages] == ["stale@example.org"]
    assert row(db, held).status == "pending" and row(db, stale).status == "sent"


def test_two_senders_at_once_deliver_every_message_exactly_once(app, db, outbox):
    addresses = [f"resident{n}@example.org" for n in range(40)]
    for address in addresses:
        queue(db, address)
    outbox.server.slow_down(0.01)  # each batch takes a while, so the two senders' claims interleave
    start = threading.Barrier(2)
    reports = []

    def sender():
        start.wait()
        reports.append(run_sender(app, batch_size=3))

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    received = sorted(m["To"] for m in outbox.server.messages)
    assert received == sorted(addresses), "each message exactly once"
    assert sorted(report.sent for report in reports)[0] > 0, "both senders took part"
    assert sum(report.sent for report in reports) == 40
    db.session.commit()
    assert {m.status for m in db.session.query(OutboxMessage)} == {"sent"}


def test_the_command_prints_what_it_did_and_fails_while_mail_cannot_go(app, db, outbox, smtp_down, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_RETRY_BASE_SECONDS", 0)  # retry at once, so cron's next run sends it
    queue(db, "amira@example.org")
    invoke = app.test_cli_runner().invoke

    down = contextvars.Context().run(invoke, args=["mail", "send"])
    assert down.exit_code == 1 and "sent 0, to retry 1" in down.output
    status = contextvars.Context().run(invoke, args=["mail", "status"])
    assert status.output.startswith("pending 1, sent 0, failed 0\n")

    smtp_down.back()
    back = contextvars.Context().run(invoke, args=["mail", "send"])
    assert back.exit_code == 0 and back.output == "sent 1, to retry 0, set aside 0\n"
    assert contextvars.Context().run(invoke, args=["mail", "send"]).output == "", "nothing to do: silent"
    assert [m["To"] for m in outbox.server.messages] == ["amira@example.org"]


def test_purge_forgets_messages_sent_long_ago_and_keeps_the_rest(app, db, outbox):
    queue(db, "old@example.org", status="sent", sent_at=utcnow() - timedelta(days=31))
    queue(db, "recent@example.org", status="sent", sent_at=utcnow() - timedelta(days=29))
    queue(db, "waiting@example.org", created_at=utcnow() - timedelta(days=40))
    result = contextvars.Context().run(app.test_cli_runner().invoke, args=["mail", "purge", "--days", "30"])
    assert result.output == "deleted: 1\n"
    db.session.commit()
    assert sorted(m.to_address for m in db.session.query(OutboxMessage)) == ["recent@example.org",
                                                                             "waiting@example.org"]


def test_a_connection_the_mail_server_dropped_between_messages_is_reopened_without_a_failure(app, monkeypatch):
    from email.message import EmailMessage

    from app.mail.sender import _Transport
    from tests.support.smtp import CaptureSMTPServer

    def message(to):
        built = EmailMessage()
        built["From"], built["To"], built["Subject"] = "a@example.org", to, "Hi"
        built.set_content("Hello")
        return built

    first = CaptureSMTPServer().start()
    monkeypatch.setitem(app.config, "MAIL_PORT", first.port)
    with app.app_context(), _Transport(app.config) as transport:
        transport.send(message("r0@example.org"))
        first.stop()  # the server restarts (or times out an idle client): the kept connection is gone
        second = CaptureSMTPServer(port=first.port).start()
        try:
            transport.send(message("r1@example.org"))
        finally:
            second.stop()
    assert [m["To"] for m in first.messages + second.messages] == ["r0@example.org", "r1@example.org"]

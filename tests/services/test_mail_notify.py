"""The GOV.UK Notify mail backend, against a local stand-in of Notify's HTTP API (tests/support/notify_stand_in.py):
the outbox sender delivers through it in the recipient's language, retries rate limits and server errors, and
sets aside what Notify refuses. No network."""

from datetime import timedelta

import pytest
from flask_babel import gettext as _

from app.models._common import utcnow
from app.models.outbox import FAILED, PENDING, SENT
from tests.services.test_mail_outbox import queue, row, run_sender
from tests.support.notify_stand_in import NotifyStandIn
from tests.support.smtp import free_port


@pytest.fixture(scope="module")
def stand_in():
    server = NotifyStandIn().start()
    server.english = server.add_template()
    server.welsh = server.add_template()
    yield server
    server.stop()


@pytest.fixture
def notify_api(app, stand_in, monkeypatch):
    """The app sends mail through GOV.UK Notify, which is the stand-in."""
    stand_in.clear()
    for name, value in {"MAIL_BACKEND": "notify", "NOTIFY_API_KEY": stand_in.api_key(),
                        "NOTIFY_BASE_URL": stand_in.url,
                        "NOTIFY_TEMPLATE_IDS": {"en": stand_in.english, "cy": stand_in.welsh}}.items():
        monkeypatch.setitem(app.config, name, value)
    yield stand_in
    stand_in.clear()


def test_a_queued_message_goes_through_notify_with_the_template_of_its_language(app, db, notify_api):
    from app.mail import send_email
    from tests.factories import make_user

    user = make_user(email="cerys@example.org", name="Cerys", locale="cy")
    with app.test_request_context():
        message = send_email(user.email, lambda: _("Reset your password"), "email/reset", locale="cy", user=user,
                             link="https://example.org/reset/x",
                             headers={"List-Unsubscribe": "<https://example.org/auth/unsubscribe/abc>",
                                      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    db.session.commit()

    report = run_sender(app)

    assert report.sent == 1, report.errors
    [sent] = notify_api.received
    assert sent["email_address"] == "cerys@example.org" and sent["template_id"] == notify_api.welsh
    assert sent["personalisation"]["subject"] == message.subject != "Reset your password"
    assert "https://example.org/reset/x" in sent["personalisation"]["body"]
    assert sent["one_click_unsubscribe_url"] == "https://example.org/auth/unsubscribe/abc"
    assert row(db, message).status == SENT


def test_a_language_without_its_own_template_uses_the_english_one(app, db, notify_api):
    message = queue(db, "jas@example.org")
    message.headers = dict(message.headers, **{"Content-Language": "pa"})
    db.session.commit()
    assert run_sender(app).sent == 1
    assert notify_api.received[0]["template_id"] == notify_api.english


@pytest.mark.parametrize("status", [429, 500])
def test_rate_limits_and_server_errors_are_retried_later_and_end_the_run(app, db, notify_api, status):
    first, second = queue(db, "a@example.org"), queue(db, "b@example.org")
    notify_api.fail_next(status)

    report = run_sender(app)

    assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
    waiting = row(db, first)
    assert waiting.status == PENDING and waiting.attempts == 1 and waiting.next_attempt_at > utcnow()
    assert row(db, second).attempts == 0, "the rest of the batch waits untried: Notify is not taking mail"
    later = run_sender(app, clock=lambda: utcnow() + timedelta(minutes=2))
    assert later.sent == 2 and row(db, first).status == SENT


def test_notify_unreachable_is_an_outage_never_given_up(app, db, notify_api, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_BASE_URL", f"http://127.0.0.1:{free_port()}")
    message = queue(db, "a@example.org")
    for minutes in range(0, 600, 90):
        run_sender(app, clock=lambda m=minutes: utcnow() + timedelta(minutes=m))
    assert row(db, message).status == PENDING and row(db, message).attempts == 7


def test_a_message_notify_refuses_is_set_aside_after_the_refusal_limit_and_the_others_go(app, db, notify_api):
    refused, fine = queue(db, "refused@example.org"), queue(db, "fine@example.org")
    notify_api.refuse("refused@example.org")

    report = run_sender(app)
    assert (report.sent, report.retrying) == (1, 1), "a 400 is about that message: the batch goes on"
    for minutes in (2, 5, 10, 20):
        run_sender(app, clock=lambda m=minutes: utcnow() + timedelta(minutes=m))

    assert row(db, refused).status == FAILED and "400" in row(db, refused).last_error
    assert row(db, fine).status == SENT


def test_a_refused_api_key_ends_the_run_and_counts_as_a_refusal(app, db, notify_api, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", notify_api.api_key(secret="00000000-0000-4000-8000-000000000000"))
    first, second = queue(db, "a@example.org"), queue(db, "b@example.org")

    report = run_sender(app)

    assert (report.sent, report.retrying) == (0, 1) and "403" in report.errors[0]
    assert row(db, first).attempts == 1 and row(db, second).attempts == 0
    assert notify_api.received == []


def test_the_stand_in_refuses_a_stale_or_foreign_token_as_notify_does(notify_api):
    import time

    import jwt

    def token(**claims):
        return "Bearer " + jwt.encode({"iss": notify_api.service_id, "iat": int(time.time()), **claims},
                                      notify_api.secret, algorithm="HS256")

    body = b'{"email_address": "a@example.org", "template_id": "%s", "personalisation": {"subject": "s", "body": "b"}}'
    body %= notify_api.english.encode()
    assert notify_api.answer("/v2/notifications/email", token(), body)[0] == 201
    assert notify_api.answer("/v2/notifications/email", token(iat=int(time.time()) - 60), body)[0] == 403
    assert notify_api.answer("/v2/notifications/email", token(iss="someone-else"), body)[0] == 403
    assert notify_api.answer("/v2/notifications/email", None, body)[0] == 401
    status, answer = notify_api.answer("/v2/notifications/email", token(), body.replace(b'"body": "b"', b'"x": 1'))
    assert status == 400 and answer["errors"][0]["message"] == "Missing personalisation: body"


def test_notify_backend_without_an_api_key_is_a_configuration_error(app, notify_api, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", None)
    with pytest.raises(ValueError, match="NOTIFY_API_KEY"):
        run_sender(app)


def test_a_residents_notice_goes_through_notify_with_its_one_click_unsubscribe_link(app, db, notify_api):
    from app.domain.notifications import VOTING_OPENS
    from tests.services.test_notifications import notify_due, resident, voting_round

    ward, _round, _pot = voting_round()
    resident(ward, [VOTING_OPENS], email="cerys@example.org", locale="cy")
    assert notify_due(app, db).exit_code == 0

    assert run_sender(app).sent == 1
    [sent] = notify_api.received
    assert sent["template_id"] == notify_api.welsh
    assert sent["personalisation"]["subject"].startswith("Mae'r pleidleisio ar agor")
    link = sent["one_click_unsubscribe_url"]
    assert link.startswith("http://localhost/auth/unsubscribe/") and link in sent["personalisation"]["body"]

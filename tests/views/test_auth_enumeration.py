"""Nobody can learn whether an e-mail address has an account from registration or password reset: the answer
is the same (status, page, and roughly time: see benchmarks/enumeration.py), and a mail server outage changes
nothing a visitor sees, because requests only queue mail in the outbox and `flask mail send` delivers it."""

import contextvars
import re

import pytest

from app.models import OutboxMessage, User
from tests.factories import make_user, make_ward

REGISTRATION = {
    "name": "Amira Khan",
    "password": "plum orbit kettle seven",
    "postcode": "fl1 2ab",
    "date_of_birth": "1990-04-01",
    "age_confirmed": "",
    "locale": "en",
    "accept": "y",
}


@pytest.fixture
def ward(db):
    return make_ward(name="Chells", postcodes=["FL1 2AB"])


def answer(response):
    return response.status_code, response.headers.get("Location"), response.get_data()


@pytest.fixture(autouse=True)
def retry_at_once(app, monkeypatch):
    """A failed message is due again at once, so the next `mail send` (cron's next minute) retries it."""
    monkeypatch.setitem(app.config, "MAIL_RETRY_BASE_SECONDS", 0)


def mail_send(app):
    """`flask --app wsgi mail send`, as cron runs it."""
    return contextvars.Context().run(app.test_cli_runner().invoke, args=["mail", "send"])


def test_registering_a_known_and_an_unknown_address_gives_the_same_answer(client, db, ward, outbox):
    make_user(email="known@example.org", ward=ward)
    db.session.commit()
    known = client.post("/auth/register", data=dict(REGISTRATION, email="known@example.org"))
    unknown = client.post("/auth/register", data=dict(REGISTRATION, email="new@example.org"))
    assert answer(known) == answer(unknown)
    assert known.status_code == 302 and known.headers["Location"].endswith("/auth/check-email")
    subjects = {m["To"]: m["Subject"] for m in outbox.messages}
    assert subjects == {"known@example.org": "Someone tried to register with your e-mail address",
                        "new@example.org": "Confirm your e-mail address"}


def test_asking_for_a_reset_for_a_known_and_an_unknown_address_gives_the_same_answer(client, db, outbox):
    make_user(email="known@example.org")
    db.session.commit()
    known = client.post("/auth/reset", data={"email": "known@example.org"})
    unknown = client.post("/auth/reset", data={"email": "nobody@example.org"})
    assert answer(known) == answer(unknown)
    assert [m["To"] for m in outbox.messages] == ["known@example.org"]
    db.session.commit()
    assert [(m.to_address, m.status) for m in db.session.query(OutboxMessage)] == [("known@example.org", "sent")], \
        "the unknown address's stand-in row is gone, and it never held the address"


def test_with_smtp_down_nobody_sees_an_error_and_the_mail_goes_once_smtp_is_back(app, client, db, ward, outbox,
                                                                              smtp_down):
    make_user(email="known@example.org", ward=ward)
    db.session.commit()
    answers = [
        client.post("/auth/register", data=dict(REGISTRATION, email="known@example.org")),
        client.post("/auth/register", data=dict(REGISTRATION, email="new@example.org")),
        client.post("/auth/reset", data={"email": "known@example.org"}),
        client.post("/auth/reset", data={"email": "nobody@example.org"}),
    ]
    assert {answer(response) for response in answers[:2]} == {answer(answers[0])}
    assert {answer(response) for response in answers[2:]} == {answer(answers[2])}
    assert {response.status_code for response in answers} == {302}
    assert db.session.query(User).filter_by(email="new@example.org").one()

    down = mail_send(app)
    assert down.exit_code == 1 and outbox.server.messages == []
    db.session.commit()  # read afresh: the sender wrote in its own transactions
    queued = db.session.query(OutboxMessage).order_by(OutboxMessage.id).all()
    assert [(m.to_address, m.status) for m in queued] == [
        ("known@example.org", "pending"), ("new@example.org", "pending"), ("known@example.org", "pending")]

    smtp_down.back()
    back = mail_send(app)
    assert back.exit_code == 0 and back.output == "sent 3, to retry 0, set aside 0\n"
    verification = outbox.wait_for(lambda m: m["To"] == "new@example.org")
    link = re.search(r"https?://\S+", verification.get_content()).group(0).replace("http://localhost", "")
    assert client.post(link).status_code == 302
    db.session.commit()
    assert db.session.query(User).filter_by(email="new@example.org").one().email_verified, \
        "the account registered during the outage can be verified"


def test_asking_for_a_new_verification_link_while_smtp_is_down_is_no_error(app, client, db, login_as, outbox,
                                                                            smtp_down):
    login_as(make_user(email="amira@example.org", verified=False))
    response = client.post("/auth/account/resend", data={}, follow_redirects=True)
    assert response.status_code == 200 and "We have sent you a new link" in response.get_data(as_text=True)
    smtp_down.back()
    assert mail_send(app).exit_code == 0
    assert outbox.wait_for(lambda m: m["To"] == "amira@example.org")["Subject"] == "Confirm your e-mail address"

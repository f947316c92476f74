"""Notices beyond the round's own: an update posted on a funded project reaches who opted in and follows it, and
residents registered in person without e-mail get their notices as a text (GOV.UK Notify, here the local
stand-in) or a letter on the officers' list, in their own language."""

import pytest

from app.domain.notifications import DELIVERY_UPDATES, LETTER, RESULTS, TEXT
from app.mail.sender import send_pending
from app.models import Letter, OutboxMessage, Participation, User
from app.models.outbox import SENT, SMS
from app.services import delivery, notifications
from tests.factories import make_user
from tests.services.test_notifications import notify_due
from tests.support.notify_stand_in import NotifyStandIn
from tests.support.results_scenarios import Scenario


@pytest.fixture
def s(db):
    return Scenario(phase="published")


def post_update(db, s, body="The raised beds are built."):
    award = delivery.award_for(db.session, s.garden.id)
    delivery.change(db.session, s.officer, award, status="on_track", target_date=None, spent_pence=0,
                    proposer_may_update=False)
    return delivery.post_update(db.session, s.officer, award, body=body)


def opted_in(db, user, *kinds):
    notifications.set_kinds(db.session, user, kinds)
    return user


def test_an_update_on_a_funded_project_mails_its_proposer_and_who_voted_in_its_pot_once(app, db, s, outbox):
    proposer = opted_in(db, s.garden.author, DELIVERY_UPDATES)
    voter = opted_in(db, make_user(email="voter@example.org", locale="cy", name="Cerys"), DELIVERY_UPDATES)
    db.session.add(Participation(user_id=voter.id, pot_id=s.pot.id, ward_id=s.ward.id))
    opted_in(db, make_user(email="did-not-vote@example.org", ward=s.ward), DELIVERY_UPDATES)
    opted_in(db, make_user(email="results-only@example.org", ward=s.ward), RESULTS)
    notify_due(app, db)  # the results notice goes first; no update yet
    assert [m["To"] for m in outbox.messages] == ["results-only@example.org"]
    outbox.clear()

    update = post_update(db, s)
    first, second = notify_due(app, db), notify_due(app, db)

    assert f"delivery_updates update:{update.id}: queued 2 (total 2), done" in first.output
    assert "queued" not in second.output, "each update is sent once"
    received = {m["To"]: m for m in outbox.messages}
    assert set(received) == {proposer.email, "voter@example.org"}
    english = received[proposer.email]
    assert english["Subject"] == "Project update: Garden"
    text = english.get_content()
    assert "The raised beds are built." in text and "Status: On track" in text
    assert f"/delivery/projects/{s.garden.id}" in text
    assert english["List-Unsubscribe"].strip("<>") in text
    welsh = received["voter@example.org"]
    assert welsh["Content-Language"] == "cy" and "Helo Cerys" in welsh.get_content()
    assert "Lights" not in welsh.get_content(), "nothing about what anyone chose"

    # One click in the mail client switches this kind off, and the next update is not sent to them.
    link = english["List-Unsubscribe"].strip("<>").split("localhost", 1)[1]
    page = app.test_client().post(link, data={"List-Unsubscribe": "One-Click"})
    assert page.status_code == 200 and "Updates on the work of funded projects" in page.get_data(as_text=True)
    db.session.expire_all()
    assert notifications.kinds_for(db.session, proposer) == frozenset()
    outbox.clear()
    post_update(db, s, body="Planting day on Saturday.")
    notify_due(app, db)
    assert [m["To"] for m in outbox.messages] == ["voter@example.org"]


def in_person(db, s, channel, **fields):
    user = make_user(ward=s.ward, locale=fields.pop("locale", "cy"), name=fields.pop("name", "Dafydd Jones"))
    user.email, user.email_verified_at, user.in_person = None, None, True
    user.address, user.notice_channel = fields.pop("address", "1 High Street, Bedwell"), channel
    user.phone = fields.pop("phone", None)
    db.session.flush()
    return user


def test_a_resident_who_chose_letters_gets_one_to_post_in_their_language(app, db, s, outbox):
    resident = opted_in(db, in_person(db, s, LETTER), RESULTS, DELIVERY_UPDATES)
    db.session.add(Participation(user_id=resident.id, pot_id=s.pot.id, ward_id=s.ward.id))
    post_update(db, s)

    notify_due(app, db)

    letters = {letter.kind: letter for letter in db.session.query(Letter)}
    assert set(letters) == {RESULTS, DELIVERY_UPDATES}
    letter = letters[DELIVERY_UPDATES]
    assert (letter.name, letter.address, letter.locale, letter.posted_at) == (
        "Dafydd Jones", "1 High Street, Bedwell", "cy", None)
    assert letter.body.startswith("Helo Dafydd Jones") and "The raised beds are built." in letter.body
    assert "/auth/unsubscribe/" in letter.body
    assert outbox.messages == [], "no e-mail address: nothing in the outbox"


def test_without_a_text_service_a_resident_who_chose_texts_gets_a_letter(app, db, s):
    opted_in(db, in_person(db, s, TEXT, phone="07700900123"), RESULTS)
    notify_due(app, db)
    assert [letter.kind for letter in db.session.query(Letter)] == [RESULTS]
    assert db.session.query(OutboxMessage).count() == 0


@pytest.fixture
def texts(app, monkeypatch):
    """Texts go through GOV.UK Notify (the stand-in); e-mail still goes over SMTP."""
    server = NotifyStandIn().start()
    server.english, server.welsh = server.add_template(subject=""), server.add_template(subject="")
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", server.api_key())
    monkeypatch.setitem(app.config, "NOTIFY_BASE_URL", server.url)
    monkeypatch.setitem(app.config, "NOTIFY_SMS_TEMPLATE_IDS", {"en": server.english, "cy": server.welsh})
    yield server
    server.stop()


def test_a_resident_who_chose_texts_gets_one_through_notify_in_their_language(app, db, s, texts, outbox):
    resident = opted_in(db, in_person(db, s, TEXT, phone="07700900123"), RESULTS)
    opted_in(db, make_user(ward=s.ward, email="by-email@example.org"), RESULTS)

    notify_due(app, db)
    queued = db.session.query(OutboxMessage).filter_by(channel=SMS).one()
    assert queued.to_address == "07700900123" and queued.headers["Content-Language"] == "cy"
    db.session.commit()
    report = send_pending(db.session)

    assert report.sent == 2 and report.failed == 0
    [sent] = texts.received
    assert sent["phone_number"] == "07700900123" and sent["template_id"] == texts.welsh
    body = sent["personalisation"]["body"]
    assert body.startswith("Canlyniadau wedi'u cyhoeddi") or "Bedwell grants" in body
    assert f"/results/rounds/{s.round.id}" in body and "/auth/unsubscribe/" in body
    assert [m["To"] for m in outbox.messages] == ["by-email@example.org"]
    assert db.session.get(OutboxMessage, queued.id).status == SENT
    assert db.session.get(User, resident.id).phone == "07700900123"


def test_notify_refuses_a_number_that_is_not_a_uk_mobile_and_the_text_is_set_aside_in_time(app, db, s, texts):
    opted_in(db, in_person(db, s, TEXT, phone="01234567890"), RESULTS)
    notify_due(app, db)
    db.session.commit()
    report = send_pending(db.session)
    assert report.sent == 0 and report.retrying + report.failed == 1
    assert texts.received == []


def test_the_stand_in_answers_texts_as_notify_does(texts):
    assert texts.answer("/v2/notifications/sms", None, b"{}")[0] == 401


def test_a_resident_who_chose_letters_but_has_no_address_on_file_gets_nothing(app, db, s):
    opted_in(db, in_person(db, s, LETTER, address=""), RESULTS)
    notify_due(app, db)
    assert db.session.query(Letter).count() == 0 and db.session.query(OutboxMessage).count() == 0


def test_once_a_resident_confirms_an_e_mail_address_notices_go_by_e_mail(app, db, s, outbox):
    from app.services import accounts

    resident = opted_in(db, in_person(db, s, LETTER), RESULTS)
    resident.email = "dafydd@example.org"
    accounts.mark_verified(resident)
    notify_due(app, db)
    assert db.session.query(Letter).count() == 0
    assert [m["To"] for m in outbox.messages] == ["dafydd@example.org"]

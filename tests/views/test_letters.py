"""Residents registered in person choose their notices and how they come (letter or text); officers print the
letters waiting, in each resident's language, download them as CSV and mark them posted (audited)."""

import csv
import io

import pytest
from sqlalchemy import select

from app.domain.notifications import LETTER, RESULTS, TEXT
from app.models import AuditEntry, Letter, User
from app.services import notifications
from tests.services.test_notifications import notify_due
from tests.support.results_scenarios import Scenario
from tests.views.test_in_person import RESIDENT, world  # noqa: F401 (fixture)


def test_an_officer_records_the_notices_a_resident_wants_and_how(client, db, login_as, world,  # noqa: F811
                                                                 texts_set_up):
    login_as(world["officer"])
    assert "By text message to a mobile phone" in client.get(world["register"]).get_data(as_text=True)
    response = client.post(world["register"], data={**RESIDENT, "notifications": [RESULTS], "notice_channel": TEXT,
                                                     "phone": "07700 900 123"})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    edna = db.session.scalars(select(User).where(User.name == "Edna Pavement")).one()
    assert (edna.notice_channel, edna.phone) == (TEXT, "07700900123")
    assert notifications.kinds_for(db.session, edna) == {RESULTS}


@pytest.mark.parametrize("phone, message", [("", "Enter a mobile number for text messages, or choose letters."),
                                            ("01234 567890", "Enter a UK mobile number, like 07700 900123.")])
def test_texts_need_a_uk_mobile_number(client, db, login_as, world, phone, message, texts_set_up):  # noqa: F811
    login_as(world["officer"])
    response = client.post(world["register"], data={**RESIDENT, "notice_channel": TEXT, "phone": phone})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page and 'href="#phone"' in page


def test_without_text_messages_set_up_the_registration_offers_letters_only(client, db, login_as,
                                                                           world):  # noqa: F811
    login_as(world["officer"])
    page = client.get(world["register"]).get_data(as_text=True)
    assert "By letter to this address" in page and "By text message" not in page and 'value="text"' not in page


def test_a_text_asked_for_without_text_messages_set_up_is_refused_beside_the_choice(client, db, login_as,
                                                                                   world):  # noqa: F811
    login_as(world["officer"])
    response = client.post(world["register"], data={**RESIDENT, "notice_channel": TEXT, "phone": "07700 900123"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This council does not send text messages, so notices can only go by letter. Choose letters." in page
    assert 'href="#notice_channel' in page
    assert "Enter a mobile number" not in page
    assert db.session.scalars(select(User).where(User.name == "Edna Pavement")).all() == []


def test_letters_are_listed_in_the_residents_language_downloaded_and_marked_posted(app, client, db, login_as):
    s = Scenario(phase="published")
    resident = s.garden.author
    resident.email, resident.email_verified_at, resident.in_person = None, None, True
    resident.name, resident.address, resident.notice_channel, resident.preferred_locale = (
        "Dafydd Jones", "1 High Street", LETTER, "cy")
    resident.ward_id = s.ward.id
    notifications.set_kinds(db.session, resident, [RESULTS])
    notify_due(app, db)
    login_as(s.officer)

    page = client.get("/officer/letters").get_data(as_text=True)
    assert "1 letter is waiting." in page and "Dafydd Jones" in page and "1 High Street" in page
    assert 'lang="cy"' in page and "Helo Dafydd Jones" in page
    rows = list(csv.DictReader(io.StringIO(client.get("/officer/letters.csv").get_data(as_text=True))))
    assert [(r["name"], r["language"]) for r in rows] == [("Dafydd Jones", "cy")]
    assert rows[0]["body"].startswith("Helo Dafydd Jones")

    letter = db.session.scalars(select(Letter)).one()
    page = client.post("/officer/letters/posted", data={"up_to": str(letter.id)}, follow_redirects=True)
    assert "1 letter marked as posted." in page.get_data(as_text=True)
    assert "No letters are waiting to be posted." in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).posted_by_id == s.officer.id
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "letters.posted")).one().details[
        "count"] == 1


@pytest.mark.parametrize("path", ["/officer/letters", "/officer/letters.csv"])
def test_only_officers_see_letters(client, db, login_as, path):
    from tests.factories import make_user

    login_as(make_user())
    assert client.get(path).status_code == 403

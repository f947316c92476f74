"""A resident registered in person has no account page until they use their claim slip, so staff change their
notices for them when asked (which notices, letter or text, the mobile number): found from the paper-ballot
search, the staff look-up or the administrator's person page; audited; gone once the resident takes over."""

import pytest
from sqlalchemy import select

from app.models import AuditEntry, User
from app.services import notifications
from tests.factories import make_area, make_round, make_user, make_ward
from tests.support.page_text import summary_value, text

RESIDENT = {"name": "Edna Pavement", "address": "4 Mill Lane", "postcode": "fl1 1aa", "date_of_birth": "1941-03-09",
            "locale": "en", "proof_seen": "y", "notifications": ["results"], "notice_channel": "letter"}


@pytest.fixture
def edna(client, db, login_as):
    area = make_area()
    ward = make_ward(area=area, postcodes=["FL1 1AA"])
    round_ = make_round(area=area, phase="voting", require_verified_email=False)
    officer = make_user(role="officer", ward=ward, name="Olive Officer")
    db.session.commit()
    login_as(officer)
    registered = client.post(f"/officer/rounds/{round_.id}/in-person", data=dict(RESIDENT))
    assert registered.status_code == 302, text(registered.get_data(as_text=True))[:600]
    person = db.session.scalar(select(User).where(User.name == "Edna Pavement"))
    return {"person": person, "officer": officer, "round": round_, "ward": ward,
            "page": f"/admin/take-part/{person.id}/notices"}


def test_an_officer_finds_the_resident_on_the_paper_search_and_changes_their_notices(client, db, edna,
                                                                                     texts_set_up):
    search = client.get(f"/officer/rounds/{edna['round'].id}/paper",
                        query_string={"name": "Edna", "postcode": "FL1 1AA"}).get_data(as_text=True)
    assert edna["page"] in search and "Change notices" in text(search)

    assert client.get(edna["page"]).status_code == 200
    response = client.post(edna["page"], data={"notifications": ["voting_opens", "reminder"],
                                               "notice_channel": "text", "phone": "07700 900123"})

    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/admin/take-part/{edna['person'].id}")
    db.session.expire_all()
    person = db.session.get(User, edna["person"].id)
    assert notifications.kinds_for(db.session, person) == {"voting_opens", "reminder"}
    assert (person.notice_channel, person.phone) == ("text", "07700900123")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.notices_set_by_staff"))
    assert entry.actor_id == edna["officer"].id and entry.target == f"user:{person.id}"
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The notices for Edna Pavement are saved." in text(shown)
    assert "When voting opens in my ward" in summary_value(shown, "Notices they would like")
    assert summary_value(shown, "How should notices reach them?") == "By text message to 07700900123"


def test_the_form_shows_what_the_resident_chose_and_keeps_what_was_typed_on_an_error(client, db, edna,
                                                                                     texts_set_up):
    page = client.get(edna["page"]).get_data(as_text=True)
    assert 'value="results" checked' in page and 'value="letter" checked' in page

    response = client.post(edna["page"], data={"notifications": ["reminder"], "notice_channel": "text",
                                               "phone": ""})

    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in text(page)
    assert "Enter a mobile number for text messages, or choose letters." in text(page)
    assert 'value="reminder" checked' in page and 'value="text" checked' in page
    db.session.expire_all()
    assert notifications.kinds_for(db.session, db.session.get(User, edna["person"].id)) == {"results"}
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.notices_set_by_staff")) is None


def test_without_text_messages_set_up_only_letters_are_offered(client, db, edna):
    page = client.get(edna["page"]).get_data(as_text=True)
    assert "By letter to this address" in text(page) and "By text message" not in text(page)
    assert 'value="text"' not in page and 'value="letter" checked' in page


def test_a_text_asked_for_without_text_messages_set_up_is_refused_and_changes_nothing(client, db, edna):
    response = client.post(edna["page"], data={"notifications": ["reminder"], "notice_channel": "text",
                                               "phone": "07700 900123"})

    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in text(page)
    assert ("This council does not send text messages, so notices can only go by letter. Choose letters."
            in text(page))
    db.session.expire_all()
    person = db.session.get(User, edna["person"].id)
    assert notifications.kinds_for(db.session, person) == {"results"}
    assert (person.notice_channel, person.phone) == ("letter", None)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.notices_set_by_staff")) is None


def test_the_refusal_of_a_text_is_in_the_officers_language(client, db, edna):
    client.post("/language", data={"locale": "cy", "next": "/"})
    response = client.post(edna["page"], data={"notice_channel": "text", "phone": "07700 900123"})
    page = text(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "Nid yw'r cyngor hwn yn anfon negeseuon testun" in page and "does not send text" not in page


def test_saving_the_same_choices_records_nothing(client, db, edna):
    response = client.post(edna["page"], data={"notifications": ["results"], "notice_channel": "letter"})
    assert response.status_code == 302
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.notices_set_by_staff")) is None


def test_the_admin_person_page_shows_the_notices_and_links_to_the_change(client, db, login_as, edna):
    login_as(make_user(role="admin"))
    db.session.commit()
    page = client.get(f"/admin/users/{edna['person'].id}").get_data(as_text=True)
    assert "When the results are published" in summary_value(page, "Notices they would like")
    assert edna["page"] in page
    assert client.get(edna["page"]).status_code == 200


@pytest.mark.parametrize("who, status", [("resident", 403), ("polling_helper", 403), ("board", 403),
                                         ("translator", 403)])
def test_only_officers_and_administrators_change_a_residents_notices(client, db, login_as, edna, who, status):
    login_as(make_user(role=who, ward=edna["ward"]))
    db.session.commit()
    assert client.get(edna["page"]).status_code == status
    assert client.post(edna["page"], data={"notice_channel": "letter"}).status_code == status


def test_once_the_resident_has_taken_the_account_over_the_notices_are_theirs(client, db, edna):
    person = edna["person"]
    person.email = "edna@example.org"
    db.session.commit()
    assert client.get(edna["page"]).status_code == 404
    page = client.get(f"/admin/take-part/{person.id}").get_data(as_text=True)
    assert edna["page"] not in page


def test_an_account_registered_online_has_no_staff_notices_page(client, db, edna):
    online = make_user(ward=edna["ward"])
    db.session.commit()
    assert client.get(f"/admin/take-part/{online.id}/notices").status_code == 404

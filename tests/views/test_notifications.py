"""Choosing e-mail notices (registration, account page) and stopping them from the link in the e-mail."""

import time

from itsdangerous import URLSafeTimedSerializer

from app.domain.notifications import PROJECT_UPDATES, REMINDER, RESULTS, VOTING_OPENS
from app.models import User
from app.models._common import utcnow
from app.services import notifications
from tests.factories import make_pot, make_round, make_user, make_ward
from tests.views.test_auth import REGISTRATION


def test_registration_offers_each_kind_unticked_and_keeps_what_was_ticked(client, db):
    make_ward(postcodes=["FL1 2AB"])
    db.session.commit()
    page = client.get("/auth/register").get_data(as_text=True)
    assert "When voting opens in my ward" in page and "if I have not voted" in page
    assert _ticked(page) == set(), "off by default"

    response = client.post("/auth/register", data=dict(REGISTRATION, notifications=[VOTING_OPENS, RESULTS]))

    assert response.status_code == 302
    user = db.session.query(User).filter_by(email="amira@example.org").one()
    assert notifications.kinds_for(db.session, user) == {VOTING_OPENS, RESULTS}


def test_registration_without_ticks_opts_in_to_nothing(client, db):
    make_ward(postcodes=["FL1 2AB"])
    db.session.commit()
    client.post("/auth/register", data=dict(REGISTRATION))
    user = db.session.query(User).filter_by(email="amira@example.org").one()
    assert notifications.kinds_for(db.session, user) == frozenset()


def test_the_account_page_shows_and_changes_the_choices(client, db, login_as):
    user = login_as(make_user(name="Jakub", locale="pl"))
    notifications.set_kinds(db.session, user, [REMINDER])
    db.session.commit()
    assert _ticked(client.get("/auth/account").get_data(as_text=True)) == {REMINDER}

    response = client.post("/auth/account", data={"name": "Jakub", "locale": "pl",
                                                  "notifications": [PROJECT_UPDATES, VOTING_OPENS]})

    assert response.status_code == 302
    assert notifications.kinds_for(db.session, user) == {PROJECT_UPDATES, VOTING_OPENS}
    assert _ticked(client.get("/auth/account").get_data(as_text=True)) == {PROJECT_UPDATES, VOTING_OPENS}


def _ticked(page):
    import re

    return {value for tag in re.findall(r"<input[^>]*name=\"notifications\"[^>]*>", page) if "checked" in tag
            for value in re.findall(r'value="([^"]+)"', tag)}


def _token(app, user, kind):
    return notifications.make_unsubscribe_token(app.secret_key, user, kind)


def test_the_link_shows_a_confirm_page_and_following_it_changes_nothing(app, client, db):
    user = make_user()
    notifications.set_kinds(db.session, user, [RESULTS, REMINDER])
    db.session.commit()
    page = client.get(f"/auth/unsubscribe/{_token(app, user, RESULTS)}")
    assert page.status_code == 200 and "When the results are published" in page.get_data(as_text=True)
    assert notifications.kinds_for(db.session, user) == {RESULTS, REMINDER}, "a mail scanner's GET changes nothing"


def test_one_click_post_from_a_mail_client_unsubscribes_without_session_or_csrf(app, db):
    """RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the header's URL, with no cookies."""
    user = make_user()
    notifications.set_kinds(db.session, user, [RESULTS, REMINDER])
    db.session.commit()
    mail_client = app.test_client()

    response = mail_client.post(f"/auth/unsubscribe/{_token(app, user, RESULTS)}", csrf=False,
                                data="List-Unsubscribe=One-Click",
                                content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert "You will not get these e-mails any more" in response.get_data(as_text=True)
    assert notifications.kinds_for(db.session, user) == {REMINDER}, "only that kind stops"
    again = mail_client.post(f"/auth/unsubscribe/{_token(app, user, RESULTS)}", csrf=False)
    assert again.status_code == 200, "a second POST is harmless"


def test_the_confirm_page_button_unsubscribes_in_the_residents_language(app, client, db):
    user = make_user(locale="cy")
    notifications.set_kinds(db.session, user, [VOTING_OPENS])
    token = _token(app, user, VOTING_OPENS)
    db.session.commit()
    response = client.post(f"/auth/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"},
                           headers={"Accept-Language": "cy"})
    assert response.status_code == 200 and "Ni fyddwch yn cael yr e-byst hyn mwyach" in response.get_data(as_text=True)
    assert notifications.kinds_for(db.session, user) == frozenset()


def test_forged_foreign_and_expired_links_are_refused_and_change_nothing(app, client, db):
    user = make_user()
    notifications.set_kinds(db.session, user, [RESULTS])
    db.session.commit()
    forged = URLSafeTimedSerializer("not-our-secret", salt="nb-unsubscribe").dumps(
        {"uid": user.id, "k": RESULTS, "p": "unsubscribe"})
    reset_purpose = URLSafeTimedSerializer(app.secret_key, salt="nb-unsubscribe").dumps(
        {"uid": user.id, "k": RESULTS, "p": "reset-password"})
    for token in ("not-a-token", forged, reset_purpose):
        assert client.get(f"/auth/unsubscribe/{token}").status_code == 400
        assert client.post(f"/auth/unsubscribe/{token}", csrf=False).status_code == 400
    old = _token(app, user, RESULTS)
    app.config["UNSUBSCRIBE_TOKEN_MAX_AGE"], saved = 0, app.config["UNSUBSCRIBE_TOKEN_MAX_AGE"]
    try:
        time.sleep(1.1)
        expired = client.post(f"/auth/unsubscribe/{old}", csrf=False)
    finally:
        app.config["UNSUBSCRIBE_TOKEN_MAX_AGE"] = saved
    assert expired.status_code == 400 and "This link has expired" in expired.get_data(as_text=True)
    assert notifications.kinds_for(db.session, user) == {RESULTS}



def test_the_list_unsubscribe_header_of_a_real_notice_works_in_one_click_and_the_next_notice_is_not_sent(
        app, db, outbox):
    from datetime import timedelta

    from tests.services.test_notifications import notify_due, resident, voting_round

    ward, _round, _pot = voting_round(close_in=timedelta(days=1))
    user = resident(ward, [VOTING_OPENS, REMINDER], email="ola@example.org", locale="pl")
    assert notify_due(app, db).exit_code == 0
    reminder = next(m for m in outbox.messages if m["Subject"].startswith("Zostały dwa dni na głosowanie"))
    url = reminder["List-Unsubscribe"].strip("<>").replace("http://localhost", "")

    answer = app.test_client().post(url, data="List-Unsubscribe=One-Click", csrf=False,
                                    content_type="application/x-www-form-urlencoded")

    assert answer.status_code == 200
    assert notifications.kinds_for(db.session, user) == {VOTING_OPENS}, "the reminder's link stops reminders only"
    outbox.clear()
    next_round = make_round(area=ward.area, phase="voting", title="Next grants", wards=[ward],
                            voting_close_at=utcnow() + timedelta(days=1))
    make_pot(round_=next_round)
    assert notify_due(app, db).exit_code == 0
    assert [m["Subject"] for m in outbox.messages] == ["Głosowanie jest otwarte: Next grants"]

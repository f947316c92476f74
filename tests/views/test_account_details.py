"""A resident corrects their postcode, date of birth or age group; a change of ward while voting is open there
waits for an officer (issue 13)."""

from datetime import UTC, datetime, timedelta

from app.models import AuditEntry, User
from tests.factories import make_area, make_pot, make_round, make_user, make_ward


def _world(db, voting):
    area = make_area()
    old = make_ward(area=area, name="Chells", postcodes=["FL1 1AA"])
    new = make_ward(area=area, name="Manor", postcodes=["FL2 2BB"])
    now = datetime.now(UTC)
    round_ = make_round(area=area, phase="voting" if voting else "proposals", wards=[old, new],
                        voting_open_at=now - timedelta(hours=1), voting_close_at=now + timedelta(days=1))
    make_pot(round_=round_)
    ada = make_user(ward=old, postcode="FL1 1AA", name="Ada Mover")
    officer = make_user(role="officer", ward=old)
    db.session.commit()
    return ada, officer, old, new


def _fresh(db, user):
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_before_voting_a_corrected_postcode_and_age_apply_at_once(client, db, login_as):
    ada, _officer, _old, new = _world(db, voting=False)
    login_as(ada)
    assert client.get("/auth/account/details").status_code == 200
    response = client.post("/auth/account/details", data={"postcode": "fl2 2bb", "date_of_birth": "1990-05-17"})
    assert response.status_code == 302
    ada = _fresh(db, ada)
    assert (ada.ward_id, ada.postcode, ada.date_of_birth.isoformat()) == (new.id, "FL2 2BB", "1990-05-17")


def test_an_unknown_postcode_is_refused_with_the_error_summary(client, db, login_as):
    ada, *_ = _world(db, voting=False)
    login_as(ada)
    response = client.post("/auth/account/details", data={"postcode": "ZZ9 9ZZ", "age_confirmed": "18"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'data-error-summary' in page and "could not find that postcode" in page


def test_while_voting_is_open_a_change_of_ward_waits_for_an_officer(client, db, login_as):
    ada, officer, old, new = _world(db, voting=True)
    login_as(ada)
    response = client.post("/auth/account/details", data={"postcode": "FL2 2BB", "age_confirmed": "18"},
                           follow_redirects=True)
    assert "an officer will check your change of ward" in response.get_data(as_text=True)
    ada = _fresh(db, ada)
    assert ada.ward_id == old.id and ada.pending_ward_id == new.id and ada.age_confirmed == 18

    login_as(officer)
    page = client.get("/officer/ward-changes").get_data(as_text=True)
    assert "Ada Mover" in page and "FL2 2BB" in page
    assert client.post(f"/officer/ward-changes/{ada.id}", data={"target": "accept"}, csrf=False).status_code == 400
    assert client.post(f"/officer/ward-changes/{ada.id}", data={"target": "accept"}).status_code == 302
    ada = _fresh(db, ada)
    assert ada.ward_id == new.id and ada.pending_ward_id is None and ada.postcode == "FL2 2BB"
    assert db.session.query(AuditEntry).filter_by(action="account.ward_change").one().details["accepted"] is True


def test_only_officers_see_the_queue(client, db, login_as):
    ada, *_ = _world(db, voting=True)
    login_as(ada)
    assert client.get("/officer/ward-changes").status_code == 403

"""Dates of birth in three boxes (day, month, year), with the Design System's error wording, on registration,
correcting details and in-person registration."""

import re
from datetime import date, timedelta

import pytest

from app.models import User
from tests.factories import make_user, make_ward

REGISTRATION = {
    "name": "Amira Khan", "email": "amira@example.org", "password": "plum orbit kettle seven",
    "postcode": "fl1 2ab", "age_confirmed": "", "locale": "en", "accept": "y",
}


def born(day, month, year):
    return {"date_of_birth-day": day, "date_of_birth-month": month, "date_of_birth-year": year}


@pytest.fixture
def ward(db):
    ward = make_ward(name="Chells", postcodes=["FL1 2AB"])
    db.session.commit()
    return ward


def test_the_form_asks_for_day_month_and_year_in_labelled_boxes(client):
    html = client.get("/auth/register").get_data(as_text=True)
    assert "Date of birth (optional)" in html and "For example, 17 5 1980." in html
    for part, label in (("day", "Day"), ("month", "Month"), ("year", "Year")):
        assert re.search(rf'<label[^>]*for="date_of_birth-{part}"[^>]*>\s*{label}\s*</label>', html)
        assert f'name="date_of_birth-{part}"' in html and f'autocomplete="bday-{part}"' in html
    assert 'type="date"' not in html


def test_a_date_typed_in_three_boxes_is_stored(client, db, ward):
    response = client.post("/auth/register", data={**REGISTRATION, **born("1", "4", "1990")})
    assert response.status_code == 302
    assert db.session.query(User).one().date_of_birth == date(1990, 4, 1)


@pytest.mark.parametrize(("typed", "message", "first_box"), [
    (born("17", "", "1980"), "Date of birth must include a month", "month"),
    (born("", "", "1980"), "Date of birth must include a day and month", "day"),
    (born("17", "5", ""), "Date of birth must include a year", "year"),
    (born("31", "2", "1980"), "Date of birth must be a real date", "day"),
    (born("17", "13", "1980"), "Date of birth must be a real date", "month"),
    (born("seven", "5", "1980"), "Date of birth must be a real date", "day"),
    (born("17", "5", "80"), "Year must include 4 numbers", "year"),
    (born("17", "9" * 30, "1980"), "Date of birth must be a real date", "month"),
    (born("9" * 30, "5", "1980"), "Date of birth must be a real date", "day"),
])
def test_an_incomplete_or_impossible_date_is_refused_in_the_design_systems_words(client, db, ward, typed, message,
                                                                                  first_box):
    response = client.post("/auth/register", data={**REGISTRATION, **typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert f'href="#date_of_birth-{first_box}"' in html  # the error summary goes to the box to fix
    assert f'value="{typed["date_of_birth-year"]}"' in html or not typed["date_of_birth-year"]  # kept as typed
    assert db.session.query(User).count() == 0


def test_a_date_in_the_future_is_refused(client, db, ward):
    tomorrow = date.today() + timedelta(days=1)
    response = client.post("/auth/register", data={**REGISTRATION, **born(str(tomorrow.day), str(tomorrow.month),
                                                                            str(tomorrow.year))})
    assert response.status_code == 400 and "Date of birth must be in the past" in response.get_data(as_text=True)


def test_the_age_rule_still_applies(client, db, ward):
    five = date.today().replace(year=date.today().year - 5, day=1)
    response = client.post("/auth/register", data={**REGISTRATION, **born("1", str(five.month), str(five.year))})
    assert response.status_code == 400 and "You must be 11 or over to register." in response.get_data(as_text=True)


def test_no_date_of_birth_is_still_allowed(client, db, ward):
    response = client.post("/auth/register", data={**REGISTRATION, **born("", "", ""), "age_confirmed": "18"})
    assert response.status_code == 302
    assert db.session.query(User).one().date_of_birth is None


def test_correcting_details_shows_the_saved_date_in_the_boxes_and_saves_a_new_one(client, db, login_as, ward):
    ada = make_user(ward=ward, postcode="FL1 2AB", date_of_birth=date(1985, 11, 3))
    db.session.commit()
    login_as(ada)
    html = client.get("/auth/account/details").get_data(as_text=True)
    for part, value in (("day", "3"), ("month", "11"), ("year", "1985")):
        assert re.search(rf'name="date_of_birth-{part}"[^>]*value="{value}"', html)
    response = client.post("/auth/account/details", data={"postcode": "FL1 2AB", **born("4", "11", "1985")})
    assert response.status_code == 302
    db.session.refresh(ada)
    assert ada.date_of_birth == date(1985, 11, 4)


def test_welsh_errors_name_the_field_in_welsh(client, db, ward):
    client.get("/language/cy")
    html = client.post("/auth/register", data={**REGISTRATION, **born("17", "", "1980")}).get_data(as_text=True)
    assert "Rhaid i Dyddiad geni gynnwys mis" in html or "gynnwys mis" in html
    assert "Date of birth must include a month" not in html

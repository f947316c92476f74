"""Officers type times in UK time; they are stored as UTC (BST is UTC+1 in summer) and shown back in UK time."""

import re
from datetime import UTC, datetime

import pytest

from app.models import Round
from tests.factories import make_area, make_user, make_ward
from tests.support.page_text import summary_rows, visible_text

SUMMER, WINTER = "2026-07-01T18:00", "2026-12-01T18:00"


@pytest.fixture
def round_form(db, client, login_as):
    """The round form as an officer fills it in: proposals open on a summer evening, voting closes in winter."""
    area = make_area()
    ward = make_ward(area=area)
    login_as(make_user(role="officer", ward=ward))
    return {"title": "Summer to winter grants", "description": "A round across the clock change.",
            "area": str(area.id), "wards": [str(ward.id)], "languages": ["en"], "min_age": "",
            "require_verified_email": "y", "proposals_open_at": SUMMER, "proposals_close_at": "2026-09-01T12:00",
            "voting_open_at": "2026-10-01T09:00", "voting_close_at": WINTER}


def _create(client, db, data):
    response = client.post("/officer/rounds/new", data=dict(data))
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.query(Round).one()


def test_summer_and_winter_times_are_stored_as_utc(client, db, round_form):
    round_ = _create(client, db, round_form)

    assert round_.proposals_open_at == datetime(2026, 7, 1, 17, 0, tzinfo=UTC)  # 18:00 BST
    assert round_.voting_open_at == datetime(2026, 10, 1, 8, 0, tzinfo=UTC)  # 09:00 BST
    assert round_.voting_close_at == datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # 18:00 GMT


def test_the_edit_form_shows_the_times_back_in_uk_time(client, db, round_form):
    round_ = _create(client, db, round_form)

    form = client.get(f"/officer/rounds/{round_.id}/edit").get_data(as_text=True)

    # Day, month and year boxes and a time box, as the officer typed them, in UK time.
    assert _boxes(form, "proposals_open_at") == ("1", "7", "2026", "18:00")
    assert _boxes(form, "voting_close_at") == ("1", "12", "2026", "18:00")


def test_times_typed_in_the_boxes_are_stored_as_utc_and_a_bad_time_is_named(client, db, round_form):
    boxes = dict(round_form, **{"proposals_open_at-day": "1", "proposals_open_at-month": "7",
                                "proposals_open_at-year": "2026", "proposals_open_at-time": "18:00"})
    del boxes["proposals_open_at"]
    bad = client.post("/officer/rounds/new", data=dict(boxes, **{"proposals_open_at-time": "25:00"}))
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "Proposals open (UK time) must include a time in hours and minutes, like 18:00" in page
    assert 'href="#proposals_open_at-time"' in page  # the summary links to the box to correct
    round_ = _create(client, db, boxes)
    assert round_.proposals_open_at == datetime(2026, 7, 1, 17, 0, tzinfo=UTC)  # 18:00 BST


def _boxes(page, name):
    """The values in a date-and-time field's day, month, year and time boxes."""
    return tuple(re.search(rf'<input(?=[^>]*name="{name}-{part}")[^>]*value="([^"]*)"', page).group(1)
                 for part in ("day", "month", "year", "time"))


def test_the_dashboard_shows_the_times_in_uk_time(client, db, round_form):
    _create(client, db, round_form)

    page = client.get("/officer/").get_data(as_text=True)

    opens, _ = _dates(page, "Proposals")
    _, closes = _dates(page, "Voting")
    assert opens == "1 Jul 2026, 18:00"  # the UK way, to the minute, not Babel's American "en"
    assert closes == "1 Dec 2026, 18:00"


def test_saving_the_edit_form_unchanged_keeps_the_times(client, db, round_form):
    round_ = _create(client, db, round_form)

    assert client.post(f"/officer/rounds/{round_.id}/edit", data=dict(round_form)).status_code == 302

    db.session.expire_all()
    saved = db.session.get(Round, round_.id)
    assert (saved.proposals_open_at, saved.voting_close_at) == (datetime(2026, 7, 1, 17, tzinfo=UTC),
                                                               datetime(2026, 12, 1, 18, tzinfo=UTC))


def _dates(page, term):
    """The (from, to) times the dashboard prints for term ("Proposals" or "Voting")."""
    text = dict(summary_rows(page))[term].replace("\u202f", " ")
    return tuple(text.split(" to "))


SKIPPED = ("The time entered for Voting opens (UK time), 01:30 on 28 March 2027, does not exist in the UK because "
           "the clocks go forward an hour that night. Choose a time before 01:00 or from 02:00.")
REPEATED = ("The time entered for Voting closes (UK time), 01:30 on 31 October 2027, happens twice in the UK "
            "because the clocks go back an hour that night. Choose a time before 01:00 or from 02:00.")


def _typed(data, name, day, month, year, time):
    """The round form with one date and time typed into its four boxes."""
    boxes = {k: v for k, v in data.items() if k != name}
    return dict(boxes, **{f"{name}-day": day, f"{name}-month": month, f"{name}-year": year, f"{name}-time": time})


def test_a_time_the_clocks_skip_is_refused_beside_its_time_box_and_no_round_is_made(client, db, round_form):
    data = dict(round_form, proposals_open_at="2027-01-04T09:00", proposals_close_at="2027-02-01T09:00",
                voting_close_at="2027-04-30T18:00")
    response = client.post("/officer/rounds/new", data=_typed(data, "voting_open_at", "28", "3", "2027", "01:30"))

    page = response.get_data(as_text=True)
    assert response.status_code == 400 and SKIPPED in visible_text(page)
    assert 'href="#voting_open_at-time"' in page  # the summary links to the box to correct
    assert _boxes(page, "voting_open_at") == ("28", "3", "2027", "01:30")  # what was typed stays to correct
    assert db.session.query(Round).count() == 0
    assert _create(client, db, _typed(data, "voting_open_at", "28", "3", "2027", "02:30")).voting_open_at == (
        datetime(2027, 3, 28, 1, 30, tzinfo=UTC))  # 02:30 BST, the first hour of summer time


def test_a_time_that_happens_twice_is_refused_and_the_round_is_unchanged(client, db, round_form):
    round_ = _create(client, db, round_form)
    data = dict(round_form, proposals_open_at="2027-07-01T09:00", proposals_close_at="2027-08-01T09:00",
                voting_open_at="2027-10-01T09:00")

    response = client.post(f"/officer/rounds/{round_.id}/edit", data=dict(data, voting_close_at="2027-10-31T01:30"))

    assert response.status_code == 400 and REPEATED in visible_text(response.get_data(as_text=True))
    db.session.expire_all()
    saved = db.session.get(Round, round_.id)
    assert (saved.proposals_open_at, saved.voting_close_at) == (datetime(2026, 7, 1, 17, tzinfo=UTC),
                                                               datetime(2026, 12, 1, 18, tzinfo=UTC))


def test_the_clock_change_is_explained_in_the_officers_language(client, db, round_form):
    client.post("/language", data={"locale": "ur", "next": "/"})
    response = client.post("/officer/rounds/new", data=dict(round_form, voting_open_at="2027-03-28T01:30"))

    page = response.get_data(as_text=True)
    assert response.status_code == 400 and '<html lang="ur" dir="rtl"' in page
    assert "01:30" in page and "clocks go forward" not in page and db.session.query(Round).count() == 0

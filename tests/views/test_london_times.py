"""Officers type times in UK time; they are stored as UTC (BST is UTC+1 in summer) and shown back in UK time."""

import re
from datetime import UTC, datetime

import pytest

from app.models import Round
from tests.factories import make_area, make_user, make_ward
from tests.support.page_text import summary_rows

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

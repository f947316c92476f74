"""A sheet of paper ballots from a voting event: uploaded, every row checked against the register and shown
before anything is stored, then entered all or nothing; the sheet waits in a signed form field, not on a disk."""

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.models import Participation
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.support.ballots import ballot_choices
from tests.support.page_text import summary_rows, table_rows


@pytest.fixture
def world(app, db):
    area = make_area()
    ward = make_ward(area=area, postcodes=["FL1 1AA"])
    round_ = make_round(area=area, phase="voting", voting_open_at=datetime.now(UTC) - timedelta(hours=1),
                        voting_close_at=datetime.now(UTC) + timedelta(days=3))
    pot = make_pot(round_=round_, amount_pence=10_000_00, ballot_type="knapsack", max_choices=None)
    garden = make_proposal(pot=pot, title="Community garden", cost_pence=6_000_00, status="feasible", on_ballot=True)
    lights = make_proposal(pot=pot, title="Park lights", cost_pence=5_000_00, status="feasible", on_ballot=True)
    people = {name: make_user(ward=ward, name=name, postcode="FL1 1AA", date_of_birth=date(1950, 1, n), verified=False)
              for n, name in enumerate(["Ada Ash", "Ben Birch", "Cy Cedar"], start=1)}
    officer = make_user(role="officer", ward=ward, name="Olive Officer")
    db.session.commit()
    return {"round": round_, "pot": pot, "garden": garden, "lights": lights, "people": people, "officer": officer,
            "sheet": f"/officer/rounds/{round_.id}/paper/sheet"}


def _upload(client, world, lines):
    text = "name,postcode,date_of_birth,choices\n" + "\n".join(lines) + "\n"
    return client.post(world["sheet"], data={"pot": str(world["pot"].id),
                                             "file": (io.BytesIO(text.encode()), "event.csv")},
                       content_type="multipart/form-data")


def _confirm(client, world, page):
    signed = re.search(r'name="sheet" value="([^"]+)"', page).group(1)
    return client.post(world["sheet"] + "/confirm", data={"sheet": signed})


def test_a_clean_sheet_is_previewed_then_entered_as_a_whole(client, db, login_as, world):
    login_as(world["officer"])
    g, lights = world["garden"].id, world["lights"].id
    preview = _upload(client, world, [f"ada ash,fl11aa,1950-01-01,{g}", f"Ben Birch,FL1 1AA,1950-01-02,{lights}"])
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert [row[3] for row in table_rows(page)[1:]] == ["Ready to enter", "Ready to enter"]
    rows = dict(summary_rows(page))
    assert (rows["Ballots on the sheet"], rows["Ready to enter"], rows["Refused"]) == ("2", "2", "0")
    assert rows["What will happen"].startswith("2 paper ballots are entered in Community grants")
    assert db.session.query(Participation).count() == 0  # the preview stores nothing
    entered = _confirm(client, world, page)
    assert entered.status_code == 302
    assert "Entered 2 paper ballots in Community grants." in client.get(entered.headers["Location"]).get_data(
        as_text=True)
    assert {p.channel for p in db.session.query(Participation)} == {"paper"}
    assert sorted(ballot_choices(db.session)) == [[g], [lights]]
    # The same sheet again: everyone has voted, nothing more is entered.
    again = _confirm(client, world, page)
    assert again.status_code == 400 and again.get_data(as_text=True).count("has already voted in this pot") == 2
    assert db.session.query(Participation).count() == 2


def test_each_refused_row_says_why_and_nothing_is_entered(client, db, login_as, world):
    ben = world["people"]["Ben Birch"]
    ben.email_verified_at = datetime.now(UTC)
    db.session.commit()
    login_as(ben)
    client.post(f"/voting/pots/{world['pot'].id}", data={"action": "cast", "project": str(world["garden"].id)})
    login_as(world["officer"])
    g, lights = world["garden"].id, world["lights"].id
    preview = _upload(client, world, [
        f"Ada Ash,FL1 1AA,1950-01-01,{g}",
        f"Ben Birch,FL1 1AA,1950-01-02,{lights}",  # voted online
        f"ADA ASH,FL1 1AA,1950-01-01,{lights}",  # twice in the sheet
        f"Zed Nobody,FL1 1AA,1950-01-09,{g}",  # not on the register
        f"Cy Cedar,FL1 1AA,1950-01-03,{g} {lights}",  # over budget
    ])
    page = preview.get_data(as_text=True)
    assert "Some rows cannot be entered. Nothing was entered." in page and 'name="sheet"' not in page
    assert [row[3] for row in table_rows(page)[1:]].count("Ready to enter") == 1
    assert "this person has already voted in this pot, online or on paper" in page
    assert "this person is already on an earlier row of the sheet" in page
    assert "nobody with this name, postcode and date of birth is on the register" in page
    assert "which is more than the £10,000 in the pot" in page
    assert db.session.query(Participation).count() == 1


def test_unreadable_rows_are_listed_by_line(client, db, login_as, world):
    login_as(world["officer"])
    response = _upload(client, world, ["Ada Ash,nowhere,1950-01-01,1", "Ben Birch,FL1 1AA,2 Jan 1950,x"])
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "The sheet has problems. Nothing was entered." in page
    assert "not a real postcode" in page and "the date of birth must be written year-month-day" in page


def test_a_tampered_or_someone_elses_sheet_is_refused(client, db, login_as, world):
    login_as(world["officer"])
    page = _upload(client, world, [f"Ada Ash,FL1 1AA,1950-01-01,{world['garden'].id}"]).get_data(as_text=True)
    signed = re.search(r'name="sheet" value="([^"]+)"', page).group(1)
    assert client.post(world["sheet"] + "/confirm", data={"sheet": signed[:-3] + "abc"}).status_code == 400
    other = make_user(role="officer")
    db.session.commit()
    login_as(other)
    assert client.post(world["sheet"] + "/confirm", data={"sheet": signed}).status_code == 400
    assert db.session.query(Participation).count() == 0


def test_only_officers_and_the_rounds_helpers_upload_sheets(client, db, login_as, world):
    login_as(world["people"]["Ada Ash"])
    assert client.get(world["sheet"]).status_code == 403
    assert _upload(client, world, [f"Ada Ash,FL1 1AA,1950-01-01,{world['garden'].id}"]).status_code == 403


def _upload_bytes(client, world, data):
    # Encoded here, so the test client keeps a large body in memory rather than in a file it leaves open.
    boundary, body = encode_multipart({"pot": str(world["pot"].id), "csrf_token": client.csrf_token(),
                                       "file": FileStorage(io.BytesIO(data), "event.csv")})
    return client.post(world["sheet"], data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.mark.parametrize("data", [b"name,postcode,date_of_birth,choices\nAd\xe9le,FL1 1AA,1950-01-01,1\n",
                                  b"name,postcode,date_of_birth,choices\n" + b"x" * (512 * 1024)],
                         ids=["not UTF-8", "larger than 512 KB"])
def test_a_file_that_is_not_a_small_utf8_csv_file_is_refused(client, db, login_as, world, data):
    login_as(world["officer"])
    response = _upload_bytes(client, world, data)
    assert response.status_code == 400
    assert "The file must be a CSV file of at most 512 KB, saved as UTF-8." in response.get_data(as_text=True)
    assert db.session.query(Participation).count() == 0


def test_a_sheet_that_is_not_csv_or_comes_after_the_close_cannot_be_checked(client, db, login_as, world):
    login_as(world["officer"])
    field_too_long = b"name,postcode,date_of_birth,choices\n\"" + b"x" * (200 * 1024) + b"\",FL1 1AA,1950-01-01,1\n"
    assert "The sheet could not be read, or voting has closed." in _upload_bytes(client, world, field_too_long) \
        .get_data(as_text=True)
    world["round"].voting_close_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    late = _upload(client, world, [f"Ada Ash,FL1 1AA,1950-01-01,{world['garden'].id}"])
    assert late.status_code == 400 and "The sheet could not be read, or voting has closed." in late.get_data(
        as_text=True)


def test_a_sheet_confirmed_after_the_close_enters_nothing(client, db, login_as, world):
    login_as(world["officer"])
    page = _upload(client, world, [f"Ada Ash,FL1 1AA,1950-01-01,{world['garden'].id}"]).get_data(as_text=True)
    world["round"].voting_close_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    closed = _confirm(client, world, page)
    assert closed.status_code == 302
    assert "Voting has closed. Nothing was entered." in client.get(closed.headers["Location"]).get_data(as_text=True)
    assert db.session.query(Participation).count() == 0

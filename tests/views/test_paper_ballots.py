"""Officers entering paper ballots: look a resident up, see only whether they voted, mark the register, enter
the choices (checked by the same rules), audited as who entered a ballot for which pot, never what it said."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEntry, Ballot, Participation
from app.services import rounds as round_service
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.support.ballots import ballot_choices


@pytest.fixture
def world(app, db):
    area = make_area()
    ward = make_ward(area=area, postcodes=["FL1 1AA"])
    round_ = make_round(area=area, phase="voting", voting_open_at=datetime.now(UTC) - timedelta(hours=1),
                        voting_close_at=datetime.now(UTC) + timedelta(days=3))
    pot = make_pot(round_=round_, name="Community grants", amount_pence=10_000_00, ballot_type="knapsack",
                   max_choices=None)
    garden = make_proposal(pot=pot, title="Community garden", cost_pence=6_000_00, status="feasible", on_ballot=True)
    lights = make_proposal(pot=pot, title="Park lights", cost_pence=5_000_00, status="feasible", on_ballot=True)
    resident = make_user(ward=ward, name="Maud Paperwork", postcode="FL1 1AA", verified=False)
    namesake = make_user(ward=ward, name="Maud Online", postcode="FL1 1AA")
    officer = make_user(role="officer", ward=ward, name="Olive Officer")
    db.session.commit()
    return {"round": round_, "pot": pot, "garden": garden, "lights": lights, "resident": resident,
            "namesake": namesake, "officer": officer, "ward": ward,
            "search": f"/officer/rounds/{round_.id}/paper",
            "entry": f"/officer/rounds/{round_.id}/paper/{pot.id}/{resident.id}"}


def _counts(db):
    return db.session.query(Participation).count(), db.session.query(Ballot).count()


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("resident", 403), ("board", 403), ("admin", 403),
                                         ("officer", 200)])
def test_only_officers_enter_paper_ballots(client, db, login_as, world, who, status):
    if who != "anonymous":
        person = world["officer"] if who == "officer" else make_user(role=who, ward=world["ward"])
        db.session.commit()
        login_as(person)
    assert client.get(world["search"]).status_code == status
    assert client.get(world["entry"]).status_code == status
    response = client.post(world["entry"], data={"action": "cast", "project": str(world["garden"].id)})
    assert response.status_code == (302 if who == "officer" else status)
    assert _counts(db) == ((1, 1) if who == "officer" else (0, 0))


def test_lookup_by_name_and_postcode_shows_only_whether_each_resident_voted(client, db, login_as, world):
    login_as(world["officer"])
    client.post(world["entry"], data={"action": "cast", "project": str(world["garden"].id)})
    page = client.get(world["search"], query_string={"name": "maud", "postcode": "fl11aa"}).get_data(as_text=True)
    assert "Maud Paperwork" in page and "Maud Online" in page
    assert page.count("Already voted") == 1 and page.count("Enter ballot") == 1
    assert "Community garden" not in page and "Park lights" not in page
    nobody = client.get(world["search"], query_string={"name": "maud", "postcode": "FL9 9ZZ"}).get_data(as_text=True)
    assert "Nobody with that name and postcode is registered." in nobody


def test_a_wildcard_in_the_name_is_just_a_character(client, db, login_as, world):
    login_as(world["officer"])
    page = client.get(world["search"], query_string={"name": "%", "postcode": "FL1 1AA"}).get_data(as_text=True)
    assert "Maud" not in page and "Nobody with that name and postcode is registered." in page


def test_a_bad_postcode_is_explained(client, db, login_as, world):
    login_as(world["officer"])
    page = client.get(world["search"], query_string={"name": "maud", "postcode": "nonsense"}).get_data(as_text=True)
    assert "Enter a real postcode" in page and "Maud" not in page.split("<main", 1)[1].split("</form>", 1)[1]


def test_lookup_by_name_and_date_of_birth_and_a_bad_date_is_explained(client, db, login_as, world):
    world["resident"].date_of_birth, world["namesake"].date_of_birth = date(1980, 5, 17), date(1990, 1, 1)
    db.session.commit()
    login_as(world["officer"])
    page = client.get(world["search"], query_string={"name": "MAUD", "date_of_birth": "1980-05-17"}).get_data(
        as_text=True)
    assert "Maud Paperwork" in page and "Maud Online" not in page
    bad = client.get(world["search"], query_string={"name": "maud", "date_of_birth": "17/05/1980"}).get_data(
        as_text=True)
    assert "Date of birth must be a real date" in bad and "Residents found" not in bad

def test_entering_a_paper_ballot_marks_the_register_and_audits_who_entered_it_not_what(client, db, login_as, world):
    login_as(world["officer"])
    response = client.post(world["entry"], data={"action": "cast", "project": str(world["lights"].id)})
    assert response.status_code == 302 and response.headers["Location"].endswith(world["search"])
    assert "Paper ballot recorded for Maud Paperwork." in client.get(world["search"]).get_data(as_text=True)
    participation = db.session.scalars(select(Participation)).one()
    assert (participation.user_id, participation.channel) == (world["resident"].id, "paper")
    assert ballot_choices(db.session) == [[world["lights"].id]]
    event = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "ballot.paper_entered")).one()
    assert event.actor_id == world["officer"].id and event.target == f"pot:{world['pot'].id}"
    assert str(world["lights"].id) not in str(event.details) and "Park lights" not in str(event.details)
    # Turnout counts both channels.
    assert round_service.turnout(db.session, world["round"]) == {world["pot"].id: {"online": 0, "paper": 1}}
    dashboard = client.get("/officer/").get_data(as_text=True)
    assert "0 online, 1 on paper" in dashboard


def test_an_invalid_paper_ballot_is_explained_and_stores_nothing(client, db, login_as, world):
    login_as(world["officer"])
    response = client.post(world["entry"], data={"action": "cast", "project": [str(world["garden"].id),
                                                                                str(world["lights"].id)]})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in page
    assert "Your choices cost £11,000, which is more than the £10,000 in the pot." in page
    assert page.count(" checked") == 2  # what the officer typed is kept, to correct it
    assert _counts(db) == (0, 0)
    assert not db.session.scalars(select(AuditEntry).where(AuditEntry.action == "ballot.paper_entered")).all()


def test_paper_after_online_is_refused_and_online_after_paper_is_refused(client, db, login_as, world):
    online = world["namesake"]
    login_as(online)
    assert client.post(f"/voting/pots/{world['pot'].id}",
                       data={"action": "cast", "project": str(world["garden"].id)}).status_code == 303
    login_as(world["officer"])
    entry = f"/officer/rounds/{world['round'].id}/paper/{world['pot'].id}/{online.id}"
    assert "This resident has already voted in this pot" in client.get(entry).get_data(as_text=True)
    response = client.post(entry, data={"action": "cast", "project": str(world["lights"].id)})
    assert response.status_code == 400
    assert "This resident has already voted in this pot, online or on paper." in response.get_data(as_text=True)
    assert _counts(db) == (1, 1) and ballot_choices(db.session) == [[world["garden"].id]]

    assert client.post(world["entry"], data={"action": "cast", "project": str(world["lights"].id)}).status_code == 302
    resident = world["resident"]
    resident.email_verified_at = datetime.now(UTC)
    db.session.commit()
    login_as(resident)
    response = client.post(f"/voting/pots/{world['pot'].id}", data={"action": "cast",
                                                                     "project": str(world["garden"].id)})
    assert response.status_code == 400 and "already voted on paper" in response.get_data(as_text=True)
    assert _counts(db) == (2, 2)


def test_a_resident_outside_the_pots_wards_cannot_be_given_a_paper_ballot(client, db, login_as, world):
    outsider = make_user(name="Maud Elsewhere", postcode="FL1 1AA")
    db.session.commit()
    login_as(world["officer"])
    response = client.post(f"/officer/rounds/{world['round'].id}/paper/{world['pot'].id}/{outsider.id}",
                           data={"action": "cast", "project": str(world["garden"].id)})
    assert response.status_code == 400 and "This pot is for residents of other wards." in response.get_data(
        as_text=True)
    assert _counts(db) == (0, 0)


@pytest.mark.parametrize("phase", ["review", "counting"])
def test_paper_entry_only_while_voting(client, db, login_as, world, phase):
    world["round"].phase = phase
    db.session.commit()
    login_as(world["officer"])
    assert client.get(world["entry"]).status_code == 404
    assert client.post(world["entry"], data={"action": "cast", "project": str(world["garden"].id)}).status_code == 404
    assert _counts(db) == (0, 0)



@pytest.mark.parametrize("phase, why", [
    ("review", "Voting has not started yet, so paper ballots cannot be entered."),
    ("counting", "Voting in this round has closed, so paper ballots can no longer be entered.")])
def test_outside_voting_the_search_says_why_and_offers_no_ballot_to_enter(client, db, login_as, world, phase, why):
    world["round"].phase = phase
    db.session.commit()
    login_as(world["officer"])
    response = client.get(world["search"], query_string={"name": "maud", "postcode": "fl11aa"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Maud Paperwork" in page and why in page
    assert "Enter ballot" not in page and "Enter a sheet of paper ballots" not in page
    assert world["entry"] not in page and "Not voted" in page

def test_paper_entry_after_the_closing_time_is_refused(client, db, login_as, world):
    world["round"].voting_close_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    login_as(world["officer"])
    response = client.post(world["entry"], data={"action": "cast", "project": str(world["garden"].id)})
    assert response.status_code == 400 and "Voting in this round has closed." in response.get_data(as_text=True)
    assert _counts(db) == (0, 0)


def test_paper_entry_needs_a_csrf_token(client, db, login_as, world):
    login_as(world["officer"])
    response = client.post(world["entry"], data={"action": "cast", "project": str(world["garden"].id)}, csrf=False)
    assert response.status_code == 400 and _counts(db) == (0, 0)


def test_a_suspended_residents_paper_ballot_is_refused_by_the_direct_link_with_the_reason(client, db, login_as, world):
    world["resident"].active = False
    db.session.commit()
    login_as(world["officer"])
    before = db.session.query(AuditEntry).count()
    response = client.post(world["entry"], data={"action": "cast", "project": str(world["garden"].id)})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "This account is suspended, so it cannot take part." in page
    assert _counts(db) == (0, 0) and db.session.query(AuditEntry).count() == before

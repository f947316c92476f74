"""A resident of a ward the officer removed from a round is told which rule blocks them, on the proposal form
and on the ballot, and nothing is stored (issue 13: the eligibility rule has one home)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.models import Participation, Proposal
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward

WARD_RULE = "This pot is for residents of other wards."


@pytest.fixture
def world(db):
    area = make_area()
    kept, removed = make_ward(area=area, name="Chells"), make_ward(area=area, name="Manor")
    round_ = make_round(area=area, phase="proposals", wards=[kept, removed])
    pot = make_pot(round_=round_, wards=[kept, removed])
    officer = make_user(role="officer", ward=kept)
    neighbour = make_user(ward=removed)
    db.session.commit()
    return {"round": round_, "pot": pot, "kept": kept, "removed": removed, "officer": officer,
            "neighbour": neighbour}


def _remove_ward_as_officer(client, login_as, world):
    login_as(world["officer"])
    round_ = world["round"]
    response = client.post(f"/officer/rounds/{round_.id}/edit", data={
        "title": round_.title, "description": round_.description, "area": str(round_.area_id),
        "wards": [str(world["kept"].id)], "languages": ["en"], "min_age": "", "require_verified_email": "y",
        "proposals_open_at": "2026-01-01T09:00", "proposals_close_at": "2030-01-01T09:00",
        "voting_open_at": "2030-02-01T09:00", "voting_close_at": "2030-03-01T09:00"})
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/logout")


def test_after_the_ward_is_removed_its_resident_cannot_propose_and_is_told_why(client, db, login_as, world):
    _remove_ward_as_officer(client, login_as, world)
    assert [w.name for w in world["pot"].wards] == ["Chells"]
    login_as(world["neighbour"])
    response = client.get(f"/proposals/new/{world['round'].id}")
    assert response.status_code == 403 and WARD_RULE in response.get_data(as_text=True)
    response = client.post(f"/proposals/new/{world['round'].id}", data={
        "pot": str(world["pot"].id), "title": "Benches", "ward": str(world["removed"].id), "action": "save"})
    assert response.status_code == 403 and db.session.query(Proposal).count() == 0


def test_a_resident_of_a_ward_left_only_on_the_pot_cannot_vote_and_is_told_why(client, db, login_as, world):
    now = datetime.now(UTC)
    round_ = make_round(phase="voting", wards=[world["kept"]], voting_open_at=now - timedelta(hours=1),
                        voting_close_at=now + timedelta(days=1))
    pot = make_pot(round_=round_, wards=[world["kept"], world["removed"]])
    project = make_proposal(pot=pot, status="feasible", on_ballot=True, author=make_user(ward=world["kept"]))
    db.session.commit()
    login_as(world["neighbour"])
    page = client.get(f"/voting/pots/{pot.id}").get_data(as_text=True)
    assert WARD_RULE in page and "contact the council" in page and "Cast my vote" not in page
    response = client.post(f"/voting/pots/{pot.id}", data={"action": "cast", "project": str(project.id)})
    assert response.status_code == 400 and WARD_RULE in response.get_data(as_text=True)
    assert db.session.query(Participation).count() == 0


def test_an_officer_cannot_give_a_pot_a_ward_outside_its_round(client, db, login_as, world):
    make_ward(name="Old Town")
    db.session.commit()
    login_as(world["officer"])
    page = client.get(f"/officer/rounds/{world['round'].id}/pots/{world['pot'].id}/edit").get_data(as_text=True)
    assert "Manor" in page and "Old Town" not in page

"""A resident downloads their data and deletes their account; their ballot stays anonymous and counted, and the
register keeps that they voted (issue 13)."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.security import generate_password_hash

from app.models import AuditEntry, Ballot, Participation, Proposal, User
from app.services import voting as voting_service
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward

PASSWORD = "correct horse battery staple"


@pytest.fixture
def world(app, db):
    area = make_area()
    ward = make_ward(area=area, name="Chells")
    now = datetime.now(UTC)
    round_ = make_round(area=area, phase="voting", title="Chells grants", voting_open_at=now - timedelta(hours=1),
                        voting_close_at=now + timedelta(days=1))
    pot = make_pot(round_=round_, name="Community grants")
    garden = make_proposal(pot=pot, title="Community garden", status="feasible", on_ballot=True)
    ada = make_user(ward=ward, name="Ada Voter", email="ada@example.org", postcode="FL1 1AA")
    ada.password_hash = generate_password_hash(PASSWORD)
    idea = make_proposal(pot=pot, author=ada, title="Ada's draft", status="draft")
    db.session.commit()
    with app.test_request_context():
        voting_service.commit_cast(db.session, voting_service.cast_online(db.session, ada.id, pot.id, [garden.id]))
    return {"ada": ada, "pot": pot, "idea": idea}


@pytest.mark.parametrize("path", ["/auth/account/data", "/auth/account/delete"])
def test_anonymous_visitors_are_sent_to_sign_in(client, world, path):
    assert client.get(path).status_code == 302


def test_the_download_holds_the_account_and_where_they_voted_but_never_what(client, db, login_as, world):
    login_as(world["ada"])
    response = client.get("/auth/account/data")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "ada@example.org" and data["account"]["ward"] == "Chells"
    assert data["proposals"][0]["title"] == "Ada's draft"
    assert data["took_part_in"] == [{"round": "Chells grants", "pot": "Community grants", "channel": "online"}]
    assert "Community garden" not in response.get_data(as_text=True)  # the choice is not in it


def test_deleting_needs_the_password_and_keeps_the_ballot_and_the_register(client, db, login_as, world):
    idea_id = world["idea"].id
    login_as(world["ada"])
    page = client.get("/auth/account/delete").get_data(as_text=True)
    assert "Any votes you cast still count." in page
    wrong = client.post("/auth/account/delete", data={"password": "not it"})
    assert wrong.status_code == 400 and 'data-error-summary' in wrong.get_data(as_text=True)
    assert client.post("/auth/account/delete", data={"password": PASSWORD}, csrf=False).status_code == 400

    response = client.post("/auth/account/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    ada = db.session.get(User, world["ada"].id)
    assert ada.name == "" and "ada@example.org" not in ada.email and ada.postcode is None and not ada.active
    assert db.session.query(Participation).filter_by(user_id=ada.id).count() == 1  # the register keeps it
    assert db.session.query(Ballot).count() == 1  # the anonymous ballot stays
    assert db.session.get(Proposal, idea_id) is None  # the draft is gone
    assert db.session.query(AuditEntry).filter_by(action="account.delete").count() == 1
    assert client.get("/auth/account").status_code == 302  # signed out everywhere

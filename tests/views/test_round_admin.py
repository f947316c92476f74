"""Election administration that cannot strand a round (issue 13): every move of a round goes through a
check-and-confirm page and one audited POST; opening early moves the date and says so; closing early needs a
reason residents can read; the close can be extended, never shortened; a board with no members is flagged."""

from datetime import UTC, datetime, timedelta

import pytest

from app.models import AuditEntry, OutboxMessage, Round
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.support.page_text import summary_rows
from tests.support.results_scenarios import Scenario

NOW = datetime.now(UTC)


@pytest.fixture
def world(db):
    area = make_area(name="Chells")
    ward = make_ward(area=area)
    round_ = make_round(area=area, phase="review", title="Chells grants", voting_open_at=NOW + timedelta(days=3),
                        voting_close_at=NOW + timedelta(days=20))
    pot = make_pot(round_=round_)
    make_proposal(pot=pot, title="Community garden", status="feasible")
    officer = make_user(role="officer", ward=ward)
    db.session.commit()
    return {"round": round_, "officer": officer, "ward": ward, "area": area,
            "confirm": f"/officer/rounds/{round_.id}/phase", "extend": f"/officer/rounds/{round_.id}/extend"}


def _actions(db, action):
    return [e for e in db.session.query(AuditEntry).filter_by(action=action).order_by(AuditEntry.id)]


def _open_voting(client, world):
    return client.post(world["confirm"], data={"target": "voting"})


@pytest.mark.parametrize("who, expected", [("anonymous", 302), ("resident", 403), ("officer", 200)])
def test_only_officers_see_the_check_and_confirm_pages(client, db, login_as, world, who, expected):
    user = {"anonymous": None, "resident": make_user(ward=world["ward"]), "officer": world["officer"]}[who]
    db.session.commit()
    if user is not None:
        login_as(user)
    assert client.get(world["confirm"]).status_code == expected


def test_opening_voting_early_is_checked_then_moves_the_opening_date_to_now_and_says_so(client, db, login_as,
                                                                                         world):
    login_as(world["officer"])
    page = client.get(world["confirm"]).get_data(as_text=True)
    assert "Check and open voting" in page and "Community garden" in page
    assert "which has not come yet. If you open voting now, that date moves to now." in page
    assert world["round"].phase == "review"  # looking changes nothing
    response = _open_voting(client, world)
    assert response.status_code == 302
    db.session.expire_all()
    round_ = db.session.get(Round, world["round"].id)
    assert round_.phase == "voting" and round_.voting_open_at <= datetime.now(UTC)
    entry = _actions(db, "round.phase")[-1]
    assert entry.details["phase"] == "voting" and "voting_open_at" in entry.details["moved_from"]
    page = client.get(f"/officer/rounds/{round_.id}").get_data(as_text=True)
    assert "so the “voting opens” date is now" in page


def test_the_confirm_post_needs_its_csrf_token(client, db, login_as, world):
    login_as(world["officer"])
    assert client.post(world["confirm"], data={"target": "voting"}, csrf=False).status_code == 400
    db.session.expire_all()
    assert db.session.get(Round, world["round"].id).phase == "review"


def test_closing_before_the_published_close_needs_a_reason_that_residents_then_read(client, db, login_as, world):
    login_as(world["officer"])
    _open_voting(client, world)
    page = client.get(world["confirm"]).get_data(as_text=True)
    assert "Check and close voting" in page and "Closing now needs a reason" in page
    response = client.post(world["confirm"], data={"target": "counting", "reason": "  "})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "Give a reason for closing voting before the published close." in page
    db.session.expire_all()
    assert db.session.get(Round, world["round"].id).phase == "voting"
    assert _actions(db, "round.phase_refused")[-1].details["reason"] == "early_close_needs_reason"

    response = client.post(world["confirm"], data={"target": "counting", "reason": "The library flooded."})
    assert response.status_code == 302
    db.session.expire_all()
    round_ = db.session.get(Round, world["round"].id)
    assert round_.phase == "counting" and round_.early_close_reason == "The library flooded."
    assert round_.voting_close_published_at > round_.voting_close_at
    client.post("/logout")
    home = client.get("/").get_data(as_text=True)
    assert "Voting closed early" in home and "The library flooded." in home


def test_the_close_can_be_extended_while_voting_is_open_but_never_shortened(client, db, login_as, world):
    login_as(world["officer"])
    assert client.get(world["extend"]).status_code == 404  # not while in review
    _open_voting(client, world)
    assert client.get(world["extend"]).status_code == 200
    earlier = client.post(world["extend"], data={"voting_close_at": "2026-01-01T09:00"})
    assert earlier.status_code == 400 and "never brought forward" in earlier.get_data(as_text=True)
    assert _actions(db, "round.change_refused")[-1].details["reason"] == "close_not_later"
    check = client.post(world["extend"] + "/check", data={"voting_close_at": "2031-01-31T18:00"})
    assert check.status_code == 200
    assert ("New close of voting", "31 Jan 2031, 18:00") in summary_rows(check.get_data(as_text=True))
    assert not _actions(db, "round.close_extended")  # nothing changes until the officer confirms
    assert client.post(world["extend"] + "/check", data={"voting_close_at": ""}).status_code == 400
    later = client.post(world["extend"], data={"voting_close_at": "2031-01-31T18:00"})
    assert later.status_code == 302
    db.session.expire_all()
    round_ = db.session.get(Round, world["round"].id)
    assert round_.voting_close_at == datetime(2031, 1, 31, 18, tzinfo=UTC)  # GMT in January
    assert _actions(db, "round.close_extended")
    client.post("/logout")
    assert "The close of voting was extended from" in client.get("/").get_data(as_text=True)


def test_an_officer_cannot_edit_the_close_through_the_round_form_once_voting_opened(client, db, login_as, world):
    login_as(world["officer"])
    _open_voting(client, world)
    round_ = world["round"]
    response = client.post(f"/officer/rounds/{round_.id}/edit", data={
        "title": round_.title, "description": round_.description, "area": str(round_.area_id),
        "wards": [str(world["ward"].id)], "languages": ["en"], "require_verified_email": "y",
        "proposals_open_at": "2026-01-01T09:00", "proposals_close_at": "2026-01-02T09:00",
        "voting_open_at": "2026-01-03T09:00", "voting_close_at": "2026-01-04T09:00"})
    assert response.status_code == 400


def test_the_count_is_checked_first_and_a_board_with_no_members_warns_the_officer_and_the_admins(app, client, db,
                                                                                                 login_as):
    app.config["JOBS_INLINE"] = True
    scenario = Scenario(phase="counting")
    for member in scenario.members:
        member.roles.clear()
    admin = make_user(role="admin", name="Ada Admin", email="ada.admin@example.org")
    db.session.commit()
    login_as(scenario.officer)
    page = client.get(f"/officer/rounds/{scenario.round.id}/phase").get_data(as_text=True)
    assert "Check and run the count" in page and "has no Neighbourhood Board members" in page
    assert "Ballots cast (online and paper)" in page
    response = client.post(f"/officer/rounds/{scenario.round.id}/count")
    assert response.status_code == 302
    mail = db.session.query(OutboxMessage).filter_by(to_address=admin.email).one()
    assert mail.subject == "A round has gone to a board with no members" and "Bedwell grants" in mail.text_body
    assert _actions(db, "round.no_board")


def test_the_count_with_a_board_names_its_members_and_emails_no_admin(app, client, db, login_as):
    app.config["JOBS_INLINE"] = True
    scenario = Scenario(phase="counting")
    make_user(role="admin")
    db.session.commit()
    login_as(scenario.officer)
    page = client.get(f"/officer/rounds/{scenario.round.id}/phase").get_data(as_text=True)
    assert "Cllr Member 1" in page and "has no Neighbourhood Board members" not in page
    client.post(f"/officer/rounds/{scenario.round.id}/count")
    assert db.session.query(OutboxMessage).count() == 0


def test_the_board_phase_is_reached_only_through_the_count(client, db, login_as):
    scenario = Scenario(phase="counting")
    db.session.commit()
    login_as(scenario.officer)
    response = client.post(f"/officer/rounds/{scenario.round.id}/phase", data={"target": "decision"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/officer/rounds/{scenario.round.id}/phase")
    db.session.expire_all()
    assert db.session.get(Round, scenario.round.id).phase == "counting"


@pytest.fixture
def counted(db):
    scenario = Scenario(phase="decision")
    db.session.commit()
    return scenario


def test_publishing_has_its_own_check_page_then_one_audited_post_makes_the_results_public(client, db, login_as,
                                                                                         counted):
    round_id = counted.round.id
    login_as(counted.officer)
    assert client.get(f"/officer/rounds/{round_id}/phase").headers["Location"].endswith(
        f"/officer/rounds/{round_id}/publish")
    page = client.get(f"/officer/rounds/{round_id}/publish").get_data(as_text=True)
    assert "Check and publish the results" in page and "This cannot be undone." in page
    assert "They are counted from 6 ballots: 4 online and 2 on paper." in page
    assert "published without the board’s decision" in page
    assert "Community grants" in page and "Voting closed" in page and "Counted" in page
    assert "Nobody. Results notices follow the board’s confirmed decision" in page
    assert client.get(f"/results/rounds/{round_id}").status_code == 404  # looking changed nothing

    response = client.post(f"/officer/rounds/{round_id}/publish")
    assert response.status_code == 302
    assert db.session.get(Round, round_id).phase == "published"
    (entry,) = _actions(db, "round.phase")[-1:]
    assert (entry.actor_id, entry.details["phase"]) == (counted.officer.id, "published")
    assert client.get(f"/results/rounds/{round_id}").status_code == 200
    assert client.get(f"/officer/rounds/{round_id}/publish").status_code == 404  # nothing left to publish


def test_the_generic_phase_move_does_not_publish_without_the_check_page(client, db, login_as, counted):
    login_as(counted.officer)
    response = client.post(f"/officer/rounds/{counted.round.id}/phase", data={"target": "published"})
    assert response.headers["Location"].endswith(f"/officer/rounds/{counted.round.id}/publish")
    assert db.session.get(Round, counted.round.id).phase == "decision"


def test_a_draft_board_decision_is_pointed_out_before_publishing_without_it(client, db, login_as, counted):
    counted.draft()
    db.session.commit()
    login_as(counted.officer)
    page = client.get(f"/officer/rounds/{counted.round.id}/publish").get_data(as_text=True)
    assert "draft decision record" in page and "you need not publish now" in page


@pytest.mark.parametrize("who", ["board", "resident"])
def test_only_officers_publish(client, db, login_as, counted, who):
    login_as(counted.members[0] if who == "board" else make_user(ward=counted.ward))
    db.session.commit()
    assert client.get(f"/officer/rounds/{counted.round.id}/publish").status_code == 403
    assert client.post(f"/officer/rounds/{counted.round.id}/publish").status_code == 403
    assert db.session.get(Round, counted.round.id).phase == "decision"


def test_a_new_close_in_the_hour_the_clocks_go_back_is_refused_and_the_close_kept(client, db, login_as, world):
    login_as(world["officer"])
    _open_voting(client, world)
    close_before = db.session.get(Round, world["round"].id).voting_close_at

    for path in (world["extend"] + "/check", world["extend"]):
        response = client.post(path, data={"voting_close_at": "2031-10-26T01:15"})
        assert response.status_code == 400
        assert "01:15 on 26 October 2031, happens twice in the UK" in response.get_data(as_text=True)

    db.session.expire_all()
    assert db.session.get(Round, world["round"].id).voting_close_at == close_before
    assert not _actions(db, "round.close_extended")

"""The proposals deadline holds at the date, before cron or an officer moves the round out of the phase."""

from datetime import UTC, datetime, timedelta

import pytest

from app.models import Proposal
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.support import page_text

CLOSED = "This proposal can no longer be changed."


@pytest.fixture
def round_world(db):
    area = make_area()
    ward = make_ward(area=area)
    round_ = make_round(area=area, phase="proposals")
    pot = make_pot(round_=round_)
    resident = make_user(ward=ward)
    return {"round": round_, "pot": pot, "ward": ward, "resident": resident}


def _form(world, **overrides):
    data = {"pot": str(world["pot"].id), "title": "Community garden", "summary": "Raised beds for neighbours.",
            "description": "A shared garden on the green.", "cost": "6500", "cost_breakdown": "",
            "ward": str(world["ward"].id), "priority": "green_spaces", "original_locale": "en", "action": "submit"}
    data.update(overrides)
    return data


def _close(db, world):
    world["round"].proposals_close_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()


def test_a_new_proposal_after_the_close_is_refused_and_nothing_is_stored(client, db, login_as, round_world):
    _close(db, round_world)
    login_as(round_world["resident"])
    response = client.post(f"/proposals/new/{round_world['round'].id}", data=_form(round_world))
    assert response.status_code == 400 and CLOSED in response.get_data(as_text=True)
    assert db.session.query(Proposal).count() == 0


def test_an_edit_after_the_close_is_refused_and_nothing_changes(client, db, login_as, round_world):
    proposal = make_proposal(pot=round_world["pot"], author=round_world["resident"], status="draft",
                             title="As it was")
    _close(db, round_world)
    login_as(round_world["resident"])
    response = client.post(f"/proposals/{proposal.id}/edit", data=_form(round_world, title="Changed late"),
                           follow_redirects=True)
    # Sent back to the proposal's page, which says why and no longer offers the edit link.
    assert response.request.path == f"/proposals/{proposal.id}" and CLOSED in response.get_data(as_text=True)
    assert f"/proposals/{proposal.id}/edit" not in response.get_data(as_text=True)
    stored = db.session.get(Proposal, proposal.id)
    assert (stored.title, stored.status, stored.submitted_at) == ("As it was", "draft", None)


def test_a_withdrawal_after_the_close_is_refused(client, db, login_as, round_world):
    proposal = make_proposal(pot=round_world["pot"], author=round_world["resident"], status="submitted")
    _close(db, round_world)
    login_as(round_world["resident"])
    response = client.post(f"/proposals/{proposal.id}/withdraw", follow_redirects=True)
    assert "This proposal can no longer be withdrawn." in response.get_data(as_text=True)
    assert db.session.get(Proposal, proposal.id).status == "submitted"


def test_the_same_edit_before_the_close_is_saved(client, db, login_as, round_world):
    proposal = make_proposal(pot=round_world["pot"], author=round_world["resident"], status="draft")
    db.session.commit()
    login_as(round_world["resident"])
    response = client.post(f"/proposals/{proposal.id}/edit", data=_form(round_world, title="Changed in time"))
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = db.session.get(Proposal, proposal.id)
    assert (stored.title, stored.status) == ("Changed in time", "submitted")


def test_sending_a_proposal_for_review_ends_on_a_confirmation_panel_only_its_author_sees(client, db, login_as,
                                                                                       round_world):
    login_as(round_world["resident"])
    response = client.post(f"/proposals/new/{round_world['round'].id}", data=_form(round_world))
    assert response.status_code == 302 and response.headers["Location"].endswith("?sent=1")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page_text.heading(page) == "Proposal sent for review" and "What happens next" in page
    assert page_text.tags(page) == ["Waiting for review"]
    client.post("/auth/logout")
    assert "Proposal sent for review" not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_draft_saved_says_so_without_a_panel(client, db, login_as, round_world):
    login_as(round_world["resident"])
    response = client.post(f"/proposals/new/{round_world['round'].id}", data=_form(round_world, action="draft"),
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Your draft has been saved." in page and "Proposal sent for review" not in page
    assert page_text.tags(page) == ["Draft"]


def test_withdrawing_asks_first_on_a_page_that_says_what_will_happen(client, db, login_as, round_world):
    proposal = make_proposal(pot=round_world["pot"], author=round_world["resident"], status="submitted",
                             title="Community garden")
    db.session.commit()
    login_as(round_world["resident"])
    detail = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f'href="/proposals/{proposal.id}/withdraw"' in detail  # a link to the check page, not a button that acts
    check = client.get(f"/proposals/{proposal.id}/withdraw").get_data(as_text=True)
    assert page_text.summary_list(check)["Project title"] == "Community garden"
    assert "You cannot undo this." in check
    assert db.session.get(Proposal, proposal.id).status == "submitted"  # looking changes nothing
    client.post(f"/proposals/{proposal.id}/withdraw")
    assert db.session.get(Proposal, proposal.id).status == "withdrawn"
    _close(db, round_world)
    assert "This proposal can no longer be withdrawn." in client.get(f"/proposals/{proposal.id}/withdraw").get_data(
        as_text=True)

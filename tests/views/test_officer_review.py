"""Officer review, view by view: statuses shown in words, withdraw, merge, hide with a reason, not feasible."""

import pytest

from app.models import AuditEntry, Proposal
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.support import page_text
from tests.support.page_text import summary_rows, table_rows, visible_text


@pytest.fixture
def world(db):
    """A round taking proposals, one pot, an officer, and two residents with an idea each."""
    area = make_area(name="Chells & Manor")
    ward = make_ward(name="Chells", area=area)
    round_ = make_round(area=area, phase="proposals", wards=[ward])
    pot = make_pot(round_=round_)
    amira = make_user(ward=ward, email="amira@example.org", name="Amira Khan")
    jakub = make_user(ward=ward, email="jakub@example.org", name="Jakub Nowak", locale="pl")
    garden = make_proposal(pot=pot, author=amira, title="Community garden on the green")
    beds = make_proposal(pot=pot, author=jakub, title="Raised beds on the green")
    officer = make_user(role="officer", ward=ward)
    db.session.commit()
    return round_, officer, amira, jakub, garden, beds


def _audit(db, action):
    return db.session.query(AuditEntry).filter_by(action=action).all()


def _fresh(db, proposal):
    db.session.expire_all()
    return db.session.get(Proposal, proposal.id)


def test_officer_pages_show_statuses_in_words_not_codes(client, db, login_as, world):
    round_, officer, amira, jakub, garden, beds = world
    login_as(officer)

    dashboard = client.get("/officer/").get_data(as_text=True)
    detail = client.get(f"/officer/rounds/{round_.id}").get_data(as_text=True)
    review = client.get(f"/officer/proposals/{garden.id}/review").get_data(as_text=True)

    assert "Waiting for review: 2" in dashboard and "submitted" not in dashboard
    assert "Waiting for review" in [row[3] for row in table_rows(detail)]
    assert "submitted" not in visible_text(detail)
    assert ("Status", "Waiting for review") in summary_rows(review)


def test_author_withdraws_and_sees_the_status(client, db, login_as, world):
    round_, officer, amira, jakub, garden, beds = world
    login_as(jakub)
    assert client.post(f"/proposals/{garden.id}/withdraw").status_code == 404  # not his
    login_as(amira)

    response = client.post(f"/proposals/{garden.id}/withdraw")

    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your proposal has been withdrawn." in page and page_text.tags(page) == ["Withdrawn"]
    assert _fresh(db, garden).status == "withdrawn"
    login_as(officer)
    assert "Withdrawn: 1" in client.get("/officer/").get_data(as_text=True)
    assert "Withdrawn" in [row[3] for row in table_rows(client.get(f"/officer/rounds/{round_.id}").get_data(as_text=True))]


def test_merging_duplicates_tells_both_proposers(client, db, login_as, world, outbox):
    round_, officer, amira, jakub, garden, beds = world
    login_as(officer)

    check = client.get(f"/officer/proposals/{beds.id}/merge/check?merge-into={garden.id}").get_data(as_text=True)
    rows = dict(summary_rows(check))
    assert rows["Merged into"].startswith(garden.title) and rows["Who will be e-mailed"] == "Both proposers."
    assert _fresh(db, beds).status != "merged"  # nothing until the officer confirms
    response = client.post(f"/officer/proposals/{beds.id}/merge", data={"merge-into": str(garden.id)})

    assert response.status_code == 302
    assert "Both proposers have been told." in client.get(response.headers["Location"]).get_data(as_text=True)
    merged = _fresh(db, beds)
    assert (merged.status, merged.merged_into_id) == ("merged", garden.id)
    for address in ("amira@example.org", "jakub@example.org"):
        message = outbox.wait_for(lambda m, address=address: m["To"] == address)
        assert "Raised beds on the green" in message.get_content()
        assert f"/proposals/{garden.id}" in message.get_content()
    assert outbox.wait_for(lambda m: m["To"] == "jakub@example.org")["Content-Language"] == "pl"
    [entry] = _audit(db, "proposal.merge")
    assert (entry.actor_id, entry.target, entry.details) == (officer.id, f"proposal:{beds.id}", {"into": garden.id})
    client.post("/auth/logout")
    assert "This idea has been merged into" in client.get(f"/proposals/{beds.id}").get_data(as_text=True)


def test_hiding_needs_a_reason(client, db, login_as, world):
    round_, officer, amira, jakub, garden, beds = world
    login_as(officer)

    response = client.post(f"/officer/proposals/{garden.id}/hide", data={"hide-reason": " ", "action": "hide"})

    assert "Give a reason for hiding the proposal." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _fresh(db, garden).hidden is False
    assert _audit(db, "proposal.hide") == []


def test_hidden_proposal_leaves_the_public_pages_and_the_reason_is_kept(client, db, login_as, world):
    round_, officer, amira, jakub, garden, beds = world
    reason = "It gives a neighbour's phone number."
    login_as(officer)

    response = client.post(f"/officer/proposals/{garden.id}/hide", data={"hide-reason": reason, "action": "hide"})

    assert response.status_code == 302
    hidden = _fresh(db, garden)
    assert (hidden.hidden, hidden.hidden_reason) == (True, reason)
    [entry] = _audit(db, "proposal.hide")
    assert (entry.actor_id, entry.target) == (officer.id, f"proposal:{garden.id}") and entry.created_at is not None
    review = client.get(f"/officer/proposals/{garden.id}/review").get_data(as_text=True)
    assert "Hidden because: It gives a neighbour&#39;s phone number." in review
    client.post("/auth/logout")
    assert client.get(f"/proposals/{garden.id}").status_code == 404
    listing = client.get(f"/proposals/?round={round_.id}").get_data(as_text=True)
    assert "Community garden on the green" not in listing and "Raised beds on the green" in listing


def test_not_feasible_needs_a_reason(client, db, login_as, world):
    round_, officer, amira, jakub, garden, beds = world
    login_as(officer)

    response = client.post(f"/officer/proposals/{garden.id}/review",
                           data={"outcome": "not_feasible", "reason": "", "adjusted_cost": ""})

    assert response.status_code == 400
    assert "Give a reason: it is shown to the proposer." in response.get_data(as_text=True)
    assert _fresh(db, garden).status == "submitted"


def test_not_feasible_reason_is_shown_to_the_proposer_and_the_public(client, db, login_as, world, outbox):
    round_, officer, amira, jakub, garden, beds = world
    reason = "The green belongs to the county council, which plans to resurface it."
    login_as(officer)

    response = client.post(f"/officer/proposals/{garden.id}/review",
                           data={"outcome": "not_feasible", "reason": reason, "adjusted_cost": ""})

    assert response.status_code == 302
    assert reason in outbox.wait_for(lambda m: m["To"] == "amira@example.org").get_content()
    [entry] = _audit(db, "proposal.review")
    assert (entry.actor_id, entry.details["outcome"]) == (officer.id, "not_feasible")
    login_as(amira)
    own = client.get(f"/proposals/{garden.id}").get_data(as_text=True)
    assert "Not feasible" in own and "Why it cannot go ahead" in own and reason in own
    client.post("/auth/logout")
    public = client.get(f"/proposals/{garden.id}").get_data(as_text=True)
    assert "Why it cannot go ahead" in public and reason in public
    assert "Message from the council" not in public  # the officer's note to the proposer is not public

"""Feasibility review: a changed cost needs a reason, and the proposer gets both, on their page and by e-mail."""

from app.models import OutboxMessage, Proposal
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward


def test_a_changed_cost_needs_a_reason_and_both_reach_the_proposer(client, db, login_as, outbox):
    area = make_area()
    ward = make_ward(area=area)
    pot = make_pot(round_=make_round(area=area, phase="review"))
    amira = make_user(ward=ward, email="amira@example.org", name="Amira Khan")
    garden = make_proposal(pot=pot, author=amira, title="Community garden", cost_pence=6_500_00)
    officer = make_user(role="officer", ward=ward)
    db.session.commit()
    login_as(officer)
    url = f"/officer/proposals/{garden.id}/review"

    refused = client.post(url, data={"outcome": "feasible", "adjusted_cost": "7000", "cost_reason": " "})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'data-error-summary' in page
    assert 'href="#cost_reason"' in page and "Say why the cost has changed: the proposer is told." in page
    db.session.expire_all()
    assert db.session.get(Proposal, garden.id).adjusted_cost_pence is None
    assert db.session.query(OutboxMessage).count() == 0

    reason = "Surfacing the path costs more than quoted."
    assert client.post(url, data={"outcome": "feasible", "adjusted_cost": "7000", "cost_reason": reason}
                       ).status_code == 302
    message = outbox.wait_for(lambda m: m["To"] == "amira@example.org")
    body = message.get_body(("plain",)).get_content()
    assert "changed the cost from £6,500 to £7,000." in body and reason in body
    login_as(amira)
    page = client.get(f"/proposals/{garden.id}").get_data(as_text=True)
    assert "£7,000" in page and "Why the council changed the cost" in page and reason in page

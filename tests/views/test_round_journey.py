"""The officer/resident journey through a round, view by view: set up, propose, review, vote, count."""

from datetime import UTC, datetime, timedelta

from app.models import AuditEntry, Ballot, CountResult, Participation, Pot, Proposal, Round
from tests.factories import make_area, make_user, make_ward


def _dt(delta_days):
    return (datetime.now(UTC) + timedelta(days=delta_days)).strftime("%Y-%m-%dT%H:%M")


def test_officer_sets_up_round_resident_proposes_officer_reviews_and_residents_vote(app, client, db, login_as):
    app.config["JOBS_INLINE"] = True
    area = make_area(name="Chells & Manor")
    chells = make_ward(name="Chells", area=area, postcodes=["FL1 1AA"])
    manor = make_ward(name="Manor", area=area)
    officer = make_user(role="officer", ward=chells)
    resident = make_user(ward=chells, email="amira@example.org")
    voter2 = make_user(ward=manor, email="jakub@example.org", name="Jakub Nowak", postcode="FL1 1AA")

    login_as(officer)
    response = client.post("/officer/rounds/new", data={
        "title": "Chells & Manor community grants", "description": "Community grants for local projects.",
        "area": str(area.id), "wards": [str(chells.id), str(manor.id)], "languages": ["en", "ur"],
        "proposals_open_at": _dt(-1), "proposals_close_at": _dt(10), "voting_open_at": _dt(11),
        "voting_close_at": _dt(20), "min_age": "", "require_verified_email": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    round_ = db.session.query(Round).one()
    for name, amount in (("Community grants", "£40,000"), ("Young people's fund", "10000")):
        response = client.post(f"/officer/rounds/{round_.id}/pots/new", data={
            "name": name, "amount": amount, "wards": [str(chells.id), str(manor.id)], "ballot_type": "approval",
            "max_choices": "2", "counting_rule": "greedy", "completion": "add1u", "instructions": ""})
        assert response.status_code == 302, response.get_data(as_text=True)
    pots = db.session.query(Pot).order_by(Pot.id).all()
    assert [p.amount_pence for p in pots] == [40_000_00, 10_000_00]
    assert client.post(f"/officer/rounds/{round_.id}/phase", data={"target": "proposals"}).status_code == 302

    login_as(resident)
    response = client.post(f"/proposals/new/{round_.id}", data={
        "pot": str(pots[0].id), "title": "Community garden", "summary": "Raised beds for neighbours.",
        "description": "A shared garden on the green.", "cost": "6500", "cost_breakdown": "beds £4,000",
        "ward": str(chells.id), "priority": "green_spaces", "original_locale": "en", "action": "submit"})
    assert response.status_code == 302, response.get_data(as_text=True)
    proposal = db.session.query(Proposal).one()
    assert proposal.status == "submitted" and proposal.cost_pence == 6_500_00

    login_as(officer)
    response = client.post(f"/officer/proposals/{proposal.id}/review",
                           data={"outcome": "feasible", "reason": "", "adjusted_cost": "7000",
                                 "cost_reason": "Surfacing costs more than quoted."})
    assert response.status_code == 302, response.get_data(as_text=True)
    login_as(resident)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Feasible" in page and "£7,000" in page and "£6,500" in page

    login_as(officer)
    for target in ("review", "voting"):
        assert client.post(f"/officer/rounds/{round_.id}/phase", data={"target": target}).status_code == 302
    db.session.refresh(round_)
    assert round_.phase == "voting"
    round_.voting_open_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    # Frozen after voting opened: the pot amount cannot change.
    response = client.post(f"/officer/rounds/{round_.id}/pots/{pots[0].id}/edit", data={
        "name": "Community grants", "amount": "50000", "wards": [str(chells.id), str(manor.id)],
        "ballot_type": "approval", "max_choices": "2", "counting_rule": "greedy", "completion": "add1u"})
    assert response.status_code == 400 and "can no longer be changed" in response.get_data(as_text=True)
    assert db.session.get(Pot, pots[0].id).amount_pence == 40_000_00
    assert db.session.query(AuditEntry).filter_by(action="round.change_refused").count() == 1

    login_as(resident)
    ballot_page = client.get(f"/voting/pots/{pots[0].id}")
    assert ballot_page.status_code == 200 and "Community garden" in ballot_page.get_data(as_text=True)
    response = client.post(f"/voting/pots/{pots[0].id}", data={"project": str(proposal.id), "action": "cast"},
                           follow_redirects=True)
    assert response.status_code == 200 and "Your vote is in the ballot box" in response.get_data(as_text=True)
    response = client.post(f"/voting/pots/{pots[0].id}", data={"project": str(proposal.id), "action": "cast"},
                           follow_redirects=True)
    assert "replaced your earlier vote" in response.get_data(as_text=True)
    assert db.session.query(Ballot).filter_by(pot_id=pots[0].id).count() == 1

    login_as(officer)
    found = client.get(f"/officer/rounds/{round_.id}/paper?name=jakub&postcode=fl11aa").get_data(as_text=True)
    assert "Jakub Nowak" in found
    response = client.post(f"/officer/rounds/{round_.id}/paper/{pots[0].id}/{voter2.id}",
                           data={"project": str(proposal.id), "action": "cast"})
    assert response.status_code == 302
    assert db.session.query(Participation).filter_by(channel="paper").count() == 1
    # Turnout only, never counts, before the count.
    dashboard = client.get("/officer/").get_data(as_text=True)
    assert "1 online, 1 on paper" in dashboard

    round_.voting_close_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert client.post(f"/officer/rounds/{round_.id}/phase", data={"target": "counting"}).status_code == 302
    assert db.session.query(Ballot).filter(Ballot.replace_key.isnot(None)).count() == 0
    assert client.post(f"/officer/rounds/{round_.id}/count").status_code == 302
    result = db.session.query(CountResult).filter_by(pot_id=pots[0].id).one()
    assert result.selected == [proposal.id] and result.ballot_count == 2 and result.total_cost_pence == 7_000_00
    db.session.refresh(round_)
    assert round_.phase == "decision"


def _counted_round(db, app):
    """A round with two ballots counted and waiting for the board (built through the services)."""
    from app.services import count as count_service
    from app.services import voting as voting_service
    from app.services.rounds import move_phase

    area = make_area(name="Bedwell & Broadwater")
    ward = make_ward(area=area)
    members = [make_user(role="board", area=area, ward=ward, name=f"Member {n}") for n in range(3)]
    round_ = __import__("tests.factories", fromlist=["make_round"]).make_round(area=area, phase="voting")
    round_.voting_open_at = datetime.now(UTC) - timedelta(days=1)
    from tests.factories import make_pot, make_proposal

    pot = make_pot(round_=round_, amount_pence=10_000_00, max_choices=2)
    garden = make_proposal(pot=pot, title="Garden", cost_pence=6_000_00, status="feasible", on_ballot=True)
    lights = make_proposal(pot=pot, title="Lights", cost_pence=5_000_00, status="feasible", on_ballot=True)
    db.session.commit()
    for choice in ([garden.id], [garden.id, lights.id], [garden.id]):
        voter = make_user(ward=ward)
        db.session.commit()
        with app.test_request_context():
            voting_service.cast_online(db.session, voter.id, pot.id, choice)
            db.session.commit()
    move_phase(db.session, None, round_, "counting")  # the close: opens the sealed ballots
    db.session.commit()
    count_service.count_round(db.session, round_)
    db.session.commit()
    return round_, pot, garden, lights, members


def test_board_confirms_with_two_members_and_public_sees_results(app, client, db, login_as):
    round_, pot, garden, lights, members = _counted_round(db, app)
    assert client.get(f"/results/rounds/{round_.id}").status_code == 404  # not yet published
    assert client.get(f"/api/rounds/{round_.id}").status_code == 404
    assert client.get(f"/results/pots/{pot.id}/ballots.pb").status_code == 404

    login_as(members[0])
    form = {"meeting_date-day": "30", "meeting_date-month": "11", "meeting_date-year": "2026", "quorum": "2", f"present-{members[0].id}": "y",
            f"present-{members[1].id}": "y", f"present-{members[2].id}": "y",
            "decl-0-member": str(members[2].id), "decl-0-proposal": str(garden.id), "decl-0-nature": "Lives next door",
            f"outcome-{garden.id}": "confirm", f"amount-{garden.id}": "6000",
            f"outcome-{lights.id}": "reject", f"reason-{lights.id}": ""}
    refused = client.post(f"/board/rounds/{round_.id}/decision", data=dict(form))
    assert refused.status_code == 400 and "Give a reason" in refused.get_data(as_text=True)
    form[f"reason-{lights.id}"] = "Highways will fund the lights."
    response = client.post(f"/board/rounds/{round_.id}/decision", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    record_url = response.headers["Location"]
    client.post(record_url.replace("/decisions/", "/decisions/").rstrip("/") + "/confirm")
    assert "One more board member" in client.get(record_url).get_data(as_text=True)
    client.post(record_url + "/confirm")  # the same member again: refused
    login_as(members[2])
    client.post(record_url + "/confirm")  # declared an interest: refused
    from app.models import DecisionRecord

    assert db.session.query(DecisionRecord).one().status == "draft"
    login_as(members[1])
    client.post(record_url + "/confirm")
    record_ = db.session.query(DecisionRecord).one()
    assert record_.status == "confirmed"
    db.session.refresh(round_)
    assert round_.phase == "published"
    locked = client.post(f"/board/rounds/{round_.id}/decision", data=form)
    assert db.session.query(DecisionRecord).count() == 2 or locked.status_code == 400

    client.post("/auth/logout")
    page = client.get(f"/results/rounds/{round_.id}").get_data(as_text=True)
    assert "Garden" in page and "Highways will fund the lights." in page and "<svg" in page
    assert "did not fit the £4,000 left" in page
    data = client.get(f"/api/rounds/{round_.id}").get_json()
    assert data["pots"][0]["projects"][0]["title"] == "Garden"
    assert "Garden" in client.get(f"/results/rounds/{round_.id}/results.csv").get_data(as_text=True)

    from app.domain.pabulib import read_pabulib
    from app.domain.tally import tally

    exported = read_pabulib(client.get(f"/results/pots/{pot.id}/ballots.pb").get_data(as_text=True))
    recount = tally(exported.election, rule="greedy")
    assert recount.selected == [str(garden.id)]
    assert len(exported.election.ballots) == 3

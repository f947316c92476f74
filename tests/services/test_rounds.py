"""Moving a round through its phases as the service sees it: opening voting fixes the ballot, refusals change
nothing and are audited, and the dashboard's and the publish page's figures count the register."""

from datetime import UTC, datetime, timedelta

import pytest

from app.models import AuditEntry
from app.services import rounds as round_service
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.support.results_scenarios import Scenario, add_voters

NOW = datetime.now(UTC)


@pytest.fixture
def review(db):
    area = make_area()
    make_ward(area=area)
    round_ = make_round(area=area, phase="review", proposals_close_at=NOW - timedelta(hours=2),
                        voting_open_at=NOW - timedelta(hours=1), voting_close_at=NOW + timedelta(days=7))
    return round_, make_user(role="officer", ward=area.wards[0])


def _actions(db):
    return [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]


def test_opening_voting_puts_every_feasible_visible_idea_on_the_ballot_and_nothing_else(db, review):
    round_, officer = review
    pot = make_pot(round_=round_)
    garden = make_proposal(pot=pot, title="Garden", status="feasible")
    hidden = make_proposal(pot=pot, title="Hidden", status="feasible", hidden=True)
    refused = make_proposal(pot=pot, title="Refused", status="not_feasible")
    round_service.move_phase(db.session, officer, round_, "voting", now=NOW)
    assert (garden.on_ballot, hidden.on_ballot, refused.on_ballot) == (True, False, False)
    assert round_.phase == "voting" and round_.ballot_confirmed_at == NOW


@pytest.mark.parametrize("with_pot, code", [(False, "no_pots"), (True, "nothing_on_ballot")])
def test_voting_does_not_open_on_an_empty_ballot(db, review, with_pot, code):
    round_, officer = review
    if with_pot:
        make_proposal(pot=make_pot(round_=round_), status="not_feasible")
    with pytest.raises(round_service.ChangeRefused) as refused:
        round_service.move_phase(db.session, officer, round_, "voting", now=NOW)
    assert refused.value.codes == [code] and round_.phase == "review" and round_.ballot_confirmed_at is None


def test_a_round_goes_back_one_phase_only_before_voting_and_a_refusal_is_audited(db, review):
    round_, officer = review
    round_service.move_phase(db.session, officer, round_, "proposals", now=NOW)
    assert round_.phase == "proposals"
    round_.phase = "voting"
    with pytest.raises(round_service.ChangeRefused) as refused:
        round_service.move_phase(db.session, officer, round_, "review", now=NOW)
    assert refused.value.codes == ["cannot_go_back_after_voting"] and round_.phase == "voting"
    assert _actions(db)[-1] == "round.phase_refused"


def test_after_voting_opened_who_may_vote_is_frozen_but_the_title_can_be_corrected(db, review):
    round_, officer = review
    round_.phase = "voting"
    fields = dict(council_id=round_.council_id, ward_ids=[w.id for w in round_.wards])
    with pytest.raises(round_service.ChangeRefused) as refused:
        round_service.save_round(db.session, officer, round_, min_age=16, **fields)
    assert [(p.code, p.field) for p in refused.value.problems] == [("frozen", "min_age")] and round_.min_age is None
    round_service.save_round(db.session, officer, round_, title="Chells grants 2026 (corrected)", **fields)
    assert round_.title == "Chells grants 2026 (corrected)"
    assert _actions(db) == ["round.change_refused", "round.update"]


def test_the_dashboard_counts_who_took_part_per_pot_and_channel_and_ideas_per_status(db):
    s = Scenario(phase="counting")  # 4 online and 2 on paper
    second = make_pot(round_=s.round, name="Youth fund", wards=[s.ward])
    add_voters(second, [[1]], channel="paper")
    assert round_service.turnout(db.session, s.round) == {s.pot.id: {"online": 4, "paper": 2},
                                                          second.id: {"online": 0, "paper": 1}}
    make_proposal(pot=s.pot, status="submitted")
    assert round_service.proposal_counts(db.session, s.round) == {"feasible": 3, "submitted": 1}


def test_the_publish_summary_counts_the_register_and_says_whether_a_decision_goes_with_it(db):
    s = Scenario(phase="decision")
    summary = round_service.publish_summary(db.session, s.round, now=NOW)
    assert (summary.online, summary.paper, summary.ballots) == (4, 2, 6)
    (pot,) = summary.pots
    assert (pot.counted, pot.ballots, pot.selected, pot.used_pence) == (True, 6, 2, 7_500_00)
    assert summary.confirmed_record is None and summary.draft_record is None and not summary.emailed
    assert summary.publishes_at == NOW and summary.counted_at is not None
    record = s.draft()
    assert round_service.publish_summary(db.session, s.round).draft_record is record

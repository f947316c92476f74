"""A small round counts in a blink with every rule: Equal Shares' completion (Add1) once stepped the
endowment one penny per voter at a time from the pot's share up to what the dearest project needs, so two
ballots took 13.5 s on a busy machine (23 s of CPU here before Add1 learnt to jump, app/domain/tally)."""

import time

import pytest

from app.jobs.runner import work_once
from app.models import CountResult
from app.services import count as count_service
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.support.results_scenarios import add_voters


@pytest.mark.parametrize(("rule", "completion"), [("mes-cost", "add1"), ("mes-cost", "add1u"),
                                                  ("mes-card", "add1"), ("mes-card", "add1u")])
def test_a_round_of_a_few_ballots_with_equal_shares_counts_in_well_under_a_second(app, db, rule, completion):
    area = make_area()
    ward = make_ward(area=area)
    officer = make_user(role="officer", ward=ward)
    round_ = make_round(area=area, phase="voting")
    pot = make_pot(round_=round_, amount_pence=40_000_00, ballot_type="approval", max_choices=None,
                   counting_rule=rule, completion=completion)
    # Each of the two voters' share (£20,000) is far below the dearest project (£30,000): the completion has
    # to raise the endowment by £10,000 a voter before the outcome changes.
    hall, garden, bench = (make_proposal(pot=pot, title=title, cost_pence=cost, status="feasible", on_ballot=True)
                           for title, cost in (("Hall", 30_000_00), ("Garden", 7_000_00), ("Bench", 1_500_00)))
    add_voters(pot, [[hall.id], [garden.id, bench.id], [hall.id], [garden.id], [bench.id]], ward=ward)
    round_.phase = "counting"
    count_service.start_count(db.session, round_, officer)
    db.session.commit()
    started = time.process_time()
    assert work_once(db.session) == "done"
    assert time.process_time() - started < 1.0
    db.session.rollback()
    assert set(db.session.query(CountResult).one().selected) == {hall.id, garden.id, bench.id}

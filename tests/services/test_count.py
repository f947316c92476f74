"""The count: every ballot (online and paper), the pot's rule, stored with its digest and explanations;
it refuses the wrong phase and a second concurrent count, records failures, and re-counts from the .pb."""

from datetime import timedelta

import pytest

from app.domain.open_data import ballots_digest, canonical_ballots
from app.domain.pabulib import read_pabulib
from app.domain.tally import DEFAULT_TIE_BREAK, tally
from app.models import AuditEntry, Ballot, CountResult, Round
from app.services import count as count_service
from app.services import results as results_service
from tests.support.results_scenarios import Scenario, add_voters


def test_count_stores_rule_digest_selection_and_explanations_and_hands_over_to_the_board(db):
    s = Scenario()
    [result] = count_service.count_round(db.session, s.round, s.officer)
    garden, lights, bench = s.ids
    assert result.status == "done" and result.progress == 100
    assert result.ballot_count == 6  # four online and two paper ballots
    assert result.rule == "greedy" and result.tie_break == DEFAULT_TIE_BREAK
    assert result.parameters["tie_break"] == DEFAULT_TIE_BREAK
    assert result.selected == [garden, bench] and result.total_cost_pence == 7_500_00
    assert result.explanations[str(lights)]["reason"] == "did_not_fit"
    assert result.explanations[str(lights)]["money_left_when_considered"] == 4_000_00
    assert result.explanations[str(garden)]["votes"] == 4
    stored = db.session.query(Ballot.choices).filter_by(pot_id=s.pot.id).all()
    assert result.input_digest == ballots_digest(canonical_ballots("approval", [c for (c,) in stored]))
    assert s.round.phase == "decision"
    actions = [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions[-3:] == ["count.start", "count.run", "round.phase"]


def test_the_audit_entry_names_digests_and_selections_never_ballots(db):
    s = Scenario()
    count_service.count_round(db.session, s.round, s.officer)
    entry = db.session.query(AuditEntry).filter_by(action="count.run").one()
    pot = entry.details["pots"][str(s.pot.id)]
    assert set(pot) == {"rule", "tie_break", "digest", "ballots", "selected"}
    assert entry.actor_label == s.officer.email


def test_a_round_is_counted_only_in_the_counting_phase(db):
    s = Scenario()
    for phase in ("voting", "decision", "published"):
        s.round.phase = phase
        with pytest.raises(count_service.CountRefused) as refused:
            count_service.begin_count(db.session, s.round, s.officer)
        assert refused.value.code == "not_counting"
    assert db.session.query(CountResult).count() == 0


def test_a_second_count_cannot_start_while_one_runs_unless_it_went_stale(db):
    s = Scenario()
    [row] = count_service.begin_count(db.session, s.round, s.officer)
    assert count_service.count_status(db.session, s.round) == "running"
    with pytest.raises(count_service.CountRefused) as refused:
        count_service.begin_count(db.session, s.round, s.officer)
    assert refused.value.code == "already_running"
    row.created_at -= count_service.STALE_AFTER + timedelta(minutes=1)
    db.session.flush()
    assert count_service.count_status(db.session, s.round) == "failed"
    count_service.begin_count(db.session, s.round, s.officer)


def test_committing_runner_shows_progress_and_finishes(db):
    s = Scenario()
    count_service.begin_count(db.session, s.round, s.officer)
    db.session.commit()
    seen = []
    assert count_service.run_count_committing(db.session, s.round.id, s.officer.id,
                                              on_pot=lambda pot_id, done, total: seen.append((pot_id, done, total)))
    assert seen == [(s.pot.id, 1, 1)]
    db.session.expire_all()
    assert db.session.get(Round, s.round.id).phase == "decision"
    assert count_service.count_status(db.session, s.round) == "done"


def test_background_count_runs_in_a_thread_with_its_own_session(app, db):
    s = Scenario()
    count_service.begin_count(db.session, s.round, s.officer)
    db.session.commit()
    round_id = s.round.id
    thread = count_service.start_count_in_background(app, round_id, s.officer.id)
    thread.join(timeout=60)
    db.session.rollback()  # end the test's read transaction: see what the thread committed
    assert db.session.get(Round, round_id).phase == "decision"
    assert db.session.query(CountResult).one().selected == [s.garden.id, s.bench.id]


def test_a_failed_count_is_recorded_and_the_round_stays_in_counting(app, db):
    s = Scenario()
    db.session.add(Ballot(id="f" * 32, pot_id=s.pot.id, choices=[999999], receipt_hash="0" * 64))  # not on the ballot
    count_service.begin_count(db.session, s.round, s.officer)
    db.session.commit()
    assert not count_service.run_count_committing(db.session, s.round.id, s.officer.id)
    db.session.expire_all()
    assert db.session.get(Round, s.round.id).phase == "counting"
    assert db.session.query(CountResult).one().status == "failed"
    assert count_service.count_status(db.session, s.round) == "failed"
    assert db.session.query(AuditEntry).filter_by(action="count.failed").count() == 1
    count_service.begin_count(db.session, s.round, s.officer)  # and it may be run again


@pytest.mark.parametrize(("ballot_type", "rule", "completion"), [
    ("approval", "greedy", "add1u"),
    ("approval", "mes-cost", "add1u"),
    ("approval", "mes-card", "none"),
    ("knapsack", "mes-cost", "add1"),
    ("cumulative", "greedy", "add1u"),
    ("cumulative", "mes-cost", "add1u"),
    ("ranked", "greedy", "add1u"),
])
def test_the_published_ballots_recount_to_the_same_result(db, ballot_type, rule, completion):
    s = Scenario(ballot_type=ballot_type, counting_rule=rule, completion=completion)
    if ballot_type != "cumulative":
        add_voters(s.pot, [[s.lights.id]] * 3 + [[s.bench.id, s.garden.id]] * 2)
    [result] = count_service.count_round(db.session, s.round, s.officer)
    exported = read_pabulib(results_service.pabulib_export(db.session, s.pot))
    assert exported.meta["input_sha256"] == result.input_digest
    assert exported.meta["currency"] == "GBX"
    assert ballots_digest(canonical_ballots(exported.election.vote_type, exported.election.ballots)) \
        == result.input_digest
    recount = tally(exported.election, **count_service.rule_options(s.pot))
    assert [int(pid) for pid in recount.selected] == result.selected
    assert int(recount.total_cost) == result.total_cost_pence
    assert {pid: exp.as_dict() for pid, exp in recount.explanations.items()} == result.explanations
    assert len(exported.election.ballots) == result.ballot_count


def test_the_export_is_shuffled_and_holds_no_personal_data(db):
    s = Scenario()
    add_voters(s.pot, [[s.garden.id, s.lights.id, s.bench.id], [s.bench.id]] * 10)
    count_service.count_round(db.session, s.round, s.officer)
    text = results_service.pabulib_export(db.session, s.pot)
    votes = text.split("VOTES\n", 1)[1].splitlines()
    assert votes[0] == "voter_id;vote"  # no ward, age or any other voter column
    canonical = [row.split(";", 1)[1] for row in votes[1:]]
    assert canonical != sorted(canonical)  # not in the stored (sorted) order
    for user_text in ("@example.org", "Test User", "Bedwell North"):
        assert user_text not in text

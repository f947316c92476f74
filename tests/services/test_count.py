"""The count: every ballot (online and paper), the pot's rule, stored with its digest and explanations;
it refuses the wrong phase and a second concurrent count, records failures, and re-counts from the .pb."""

from datetime import timedelta

import pytest

from app.domain.open_data import ballots_digest, canonical_ballots
from app.domain.pabulib import read_pabulib
from app.domain.tally import DEFAULT_TIE_BREAK, tally
from app.jobs.count import run_count_job
from app.jobs.runner import claim, run_claimed, work_once
from app.models import AuditEntry, Ballot, CountResult, Job, Round
from app.models._common import utcnow
from app.services import count as count_service
from app.services import results as results_service
from tests.factories import make_pot, make_proposal
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
    assert run_count_job(db.session, s.round.id, s.officer.id,
                                              on_pot=lambda pot_id, done, total: seen.append((pot_id, done, total)))
    assert seen == [(s.pot.id, 1, 1)]
    db.session.expire_all()
    assert db.session.get(Round, s.round.id).phase == "decision"
    assert count_service.count_status(db.session, s.round) == "done"


def test_a_count_job_runs_in_the_runner_with_its_own_transactions(app, db):
    s = Scenario()
    job = count_service.start_count(db.session, s.round, s.officer)
    db.session.commit()
    round_id = s.round.id
    assert work_once(db.session) == "done"
    assert work_once(db.session) is None  # nothing left to do
    db.session.rollback()
    assert db.session.get(Round, round_id).phase == "decision"
    assert db.session.query(CountResult).one().selected == [s.garden.id, s.bench.id]
    assert (db.session.get(Job, job.id).state, db.session.get(Job, job.id).progress) == ("done", "1/1")


def test_one_count_job_per_round_requeued_after_a_failure(app, db):
    s = Scenario()
    db.session.add(Ballot(id="f" * 32, pot_id=s.pot.id, choices=[999999], receipt_hash="0" * 64))  # not on the ballot
    job = count_service.start_count(db.session, s.round, s.officer)
    db.session.commit()
    with pytest.raises(count_service.CountRefused):
        count_service.start_count(db.session, s.round, s.officer)
    db.session.rollback()
    assert work_once(db.session) == "failed"
    db.session.rollback()
    assert count_service.count_status(db.session, s.round) == "failed"
    assert db.session.get(Job, job.id).error == "count_failed"
    assert count_service.start_count(db.session, s.round, s.officer).id == job.id  # the same job, queued again
    assert db.session.query(Job).count() == 1


def test_a_runner_that_died_mid_count_is_taken_over_and_the_count_resumes(app, db):
    s = Scenario()
    second = make_pot(round_=s.round, name="Second pot")
    make_proposal(pot=second, cost_pence=1_000_00, status="feasible", on_ballot=True)
    job = count_service.start_count(db.session, s.round, s.officer)
    db.session.commit()
    claimed = claim(db.session)  # a runner claims the job, counts the first pot, then dies (kill -9)
    first = count_service.latest_results(db.session, s.round)[s.pot.id]
    count_service.count_pot(db.session, s.pot, first)
    db.session.get(Job, job.id).progress = "1/2"
    db.session.commit()
    assert claimed and claim(db.session) is None  # its lease still holds: nobody else may take it
    assert count_service.count_status(db.session, s.round) == "running"
    later = utcnow() + timedelta(seconds=app.config["JOBS_LEASE_SECONDS"] + 1)
    taken = claim(db.session, now=later)
    assert taken[0] == job.id and taken[3] != claimed[3]
    assert run_claimed(db.session, taken) == "done"
    db.session.rollback()
    assert db.session.get(Job, job.id).attempts == 2
    assert db.session.get(CountResult, first.id).finished_at is not None and first.id in {
        r.id for r in count_service.latest_results(db.session, s.round).values()}  # the first pot was kept
    assert db.session.get(Round, s.round.id).phase == "decision"


def test_a_job_whose_runners_keep_dying_is_set_aside_as_failed(app, db):
    s = Scenario()
    job = count_service.start_count(db.session, s.round, s.officer)
    db.session.commit()
    now = utcnow()
    for attempt in range(app.config["JOBS_MAX_ATTEMPTS"]):
        assert claim(db.session, now=now + timedelta(hours=attempt)) is not None
    assert claim(db.session, now=now + timedelta(days=1)) is None
    db.session.rollback()
    assert (db.session.get(Job, job.id).state, db.session.get(Job, job.id).error) == ("failed", "runner_died")
    assert count_service.count_status(db.session, s.round) == "failed"


def test_a_failed_count_is_recorded_and_the_round_stays_in_counting(app, db):
    s = Scenario()
    db.session.add(Ballot(id="f" * 32, pot_id=s.pot.id, choices=[999999], receipt_hash="0" * 64))  # not on the ballot
    count_service.begin_count(db.session, s.round, s.officer)
    db.session.commit()
    assert not run_count_job(db.session, s.round.id, s.officer.id)
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

"""Count a round: each pot's ballots (online and paper) with the pot's rule, stored with its explanation.

A count has two halves so that no web worker waits on a large one: start_count (quick, in the request:
checks the phase, refuses a second count while one runs, writes a "pending" row per pot and queues the
round's one count job) and the job (app.jobs.count.run_count_job: the tally, pot by pot, each pot's row going
running -> done; then the round moves to the board, in transactions the job owns), which a job runner
(`flask --app wsgi jobs work`, app/jobs) runs on any host. `flask --app wsgi count run ROUND_ID` does both in one process; count_round does both in the
caller's transaction.
"""

import logging
from datetime import timedelta

from sqlalchemy import select

from app.database import lock_row
from app.domain.open_data import ballots_digest, canonical_ballots
from app.domain.tally import DEFAULT_TIE_BREAK, Election, Project, tally
from app.models import Ballot, CountResult, Proposal
from app.models._common import utcnow
from app.models.jobs import FAILED as JOB_FAILED
from app.services.audit import record
from app.services.jobs import JobExists, enqueue, job_by_key

VOTE_TYPES = {"approval": "approval", "knapsack": "approval", "cumulative": "cumulative", "ranked": "ordinal"}
IN_PROGRESS = ("pending", "running")
STALE_AFTER = timedelta(minutes=30)  # a count "running" this long without a job died with its process
JOB_KIND = "count"

log = logging.getLogger(__name__)


class CountRefused(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code  # "not_counting" | "already_running" | "sealed"


def counted_projects(session, pot):
    return session.scalars(select(Proposal).where(Proposal.pot_id == pot.id, Proposal.on_ballot.is_(True))
                           .order_by(Proposal.id)).all()


def vote_type(pot):
    return VOTE_TYPES[pot.ballot_type]


def _refuse_sealed(session, pot_ids):
    """Sealed ballots are opened only by the close (app.services.voting.close_voting); counting them would
    leave them out. CountRefused("sealed")."""
    if pot_ids and session.scalar(select(Ballot.id).where(Ballot.pot_id.in_(pot_ids), Ballot.sealed.is_not(None))
                                  .limit(1)) is not None:
        raise CountRefused("sealed")


def pot_ballots(session, pot):
    """The anonymised ballots of a pot, canonical and sorted: the count's input (and what is published)."""
    _refuse_sealed(session, [pot.id])
    rows = session.scalars(select(Ballot.choices).where(Ballot.pot_id == pot.id)).all()
    return canonical_ballots(vote_type(pot), rows)


def input_digest(ballots):
    return ballots_digest(ballots)


def election_for(pot, projects, ballots):
    """The tally engine's Election for a pot: money in pence, project ids as strings."""
    kind = vote_type(pot)
    converted = []
    for ballot in ballots:
        if kind == "cumulative":
            converted.append(dict(ballot))
        elif kind == "ordinal":
            converted.append(tuple(ballot))
        else:
            converted.append(frozenset(ballot))
    constraints = {"max_length": str(pot.max_choices)} if kind == "ordinal" and pot.max_choices else {}
    return Election([Project(str(p.id), p.ballot_cost_pence, p.title) for p in projects], converted,
                    pot.amount_pence, kind, constraints)


def rule_options(pot):
    """The tally options for a pot: its rule, Equal Shares' completion, and the product's tie-break."""
    if pot.counting_rule == "greedy":
        return {"rule": "greedy", "tie_break": DEFAULT_TIE_BREAK}
    return {"rule": pot.counting_rule, "completion": pot.completion, "tie_break": DEFAULT_TIE_BREAK}


def latest_results(session, round_):
    """{pot_id: newest CountResult or None}."""
    results = {}
    for pot in round_.pots:
        results[pot.id] = session.scalar(select(CountResult).where(CountResult.pot_id == pot.id)
                                         .order_by(CountResult.id.desc()).limit(1))
    return results


def job_key(round_id):
    return f"count:round:{round_id}"


def count_job(session, round_):
    """The round's count job (one per round, re-queued for a new count), or None if it was never queued."""
    return job_by_key(session, job_key(round_.id))


def count_status(session, round_, now=None):
    """"none" | "running" | "done" | "failed" for the round's newest count.

    Unfinished rows are "running" while their job is queued or running; a failed job, or (no job) rows
    older than STALE_AFTER, count as failed.
    """
    results = [r for r in latest_results(session, round_).values() if r is not None]
    if not results:
        return "none"
    now = now or utcnow()
    if any(r.status in IN_PROGRESS for r in results):
        job = count_job(session, round_)
        if job is not None:
            return "failed" if job.state == JOB_FAILED else "running"
        if all(now - r.created_at > STALE_AFTER for r in results if r.status in IN_PROGRESS):
            return "failed"
        return "running"
    if any(r.status == "failed" for r in results):
        return "failed"
    return "done" if len(results) == len(round_.pots) else "none"


def progress(session, round_):
    """(pots counted, pots) of the newest count, for the officer's status line: as the count's job last
    reported it while the job runs, else from the results."""
    job = count_job(session, round_)
    if job is not None and job.state == "running" and job.progress:
        done, total = job.progress.split("/")
        return int(done), int(total)
    results = latest_results(session, round_)
    return sum(1 for r in results.values() if r is not None and r.status == "done"), len(results)


def begin_count(session, round_, actor=None):
    """Start a count: a pending CountResult per pot. Refuses outside counting or while a count runs.

    Call with the write lock held (begin_write_transaction): the round's row is locked here, so of two
    officers starting at once the second waits and is refused.
    """
    lock_row(session, round_)
    if round_.phase != "counting":
        raise CountRefused("not_counting")
    if count_status(session, round_) == "running":
        raise CountRefused("already_running")
    _refuse_sealed(session, [pot.id for pot in round_.pots])
    rows = []
    for pot in round_.pots:
        options = rule_options(pot)
        rows.append(CountResult(pot_id=pot.id, status="pending", progress=0, rule=options["rule"],
                                parameters={}, tie_break=options["tie_break"],
                                counted_by_id=actor.id if actor else None))
    session.add_all(rows)
    session.flush()
    record(session, actor, "count.start", f"round:{round_.id}", pots=[pot.id for pot in round_.pots])
    return rows


def start_count(session, round_, actor=None):
    """begin_count, then queue the round's count job (the database allows one per round). Returns the Job."""
    begin_count(session, round_, actor)
    try:
        return enqueue(session, JOB_KIND, {"round_id": round_.id, "actor_id": actor.id if actor else None},
                       unique_key=job_key(round_.id))
    except JobExists:
        raise CountRefused("already_running") from None


def prepare_pot(session, pot):
    """Read what a pot's count needs: (canonical ballots, tally options, Election). Plain values only."""
    ballots = pot_ballots(session, pot)
    return ballots, rule_options(pot), election_for(pot, counted_projects(session, pot), ballots)


def store_outcome(session, result, ballots, options, outcome):
    """Write a tally Outcome into its CountResult; status "done"."""
    result.rule, result.tie_break = options["rule"], options["tie_break"]
    result.parameters = dict(outcome.parameters)
    result.input_digest = input_digest(ballots)
    result.ballot_count = len(ballots)
    result.selected = [int(pid) for pid in outcome.selected]
    result.explanations = {pid: exp.as_dict() for pid, exp in outcome.explanations.items()}
    result.total_cost_pence = int(outcome.total_cost)
    result.status, result.progress, result.finished_at = "done", 100, utcnow()
    session.flush()
    return result


def count_pot(session, pot, result):
    """Tally one pot into its (pending) CountResult; status "done"."""
    ballots, options, election = prepare_pot(session, pot)
    return store_outcome(session, result, ballots, options, tally(election, **options))


def finish_count(session, round_, actor, results):
    """Audit the finished count (rules, digests, selections: never ballots) and hand the round to the board."""
    from app.services.rounds import move_phase

    record(session, actor, "count.run", f"round:{round_.id}",
           pots={str(r.pot_id): {"rule": r.rule, "tie_break": r.tie_break, "digest": r.input_digest,
                                 "ballots": r.ballot_count, "selected": r.selected} for r in results})
    move_phase(session, actor, round_, "decision")


def count_pots(session, round_, actor=None, rows=None):
    """Count every pot into the pending rows (one transaction); then audit and hand the round to the board."""
    rows = rows if rows is not None else list(latest_results(session, round_).values())
    by_pot = {row.pot_id: row for row in rows}
    results = []
    for pot in round_.pots:
        row = by_pot[pot.id]
        row.status = "running"
        results.append(count_pot(session, pot, row))
    finish_count(session, round_, actor, results)
    return results


def count_round(session, round_, actor=None):
    """Begin and run a count in the caller's transaction (CLI, tests, small rounds)."""
    rows = begin_count(session, round_, actor)
    return count_pots(session, round_, actor, rows)


def mark_failed(session, round_, actor=None, error="count_failed"):
    """Mark the newest unfinished rows failed (the round stays in counting, so the officer can run it again)."""
    for row in latest_results(session, round_).values():
        if row is not None and row.status in IN_PROGRESS:
            row.status, row.error, row.finished_at = "failed", error, utcnow()
    session.flush()
    record(session, actor, "count.failed", f"round:{round_.id}", error=error)

"""Count a round: each pot's ballots (online and paper) with the pot's rule, stored with its explanation."""

import hashlib
import json
import threading

from flask import current_app
from sqlalchemy import select

from app.domain.tally import DEFAULT_TIE_BREAK, Election, Project, tally
from app.models import Ballot, CountResult, Proposal, Round
from app.models._common import utcnow
from app.services.audit import record

VOTE_TYPES = {"approval": "approval", "knapsack": "approval", "cumulative": "cumulative", "ranked": "ordinal"}


def counted_projects(session, pot):
    return session.scalars(select(Proposal).where(Proposal.pot_id == pot.id, Proposal.on_ballot.is_(True))
                           .order_by(Proposal.id)).all()


def canonical_ballot(ballot_type, choices):
    """A ballot's choices in one canonical form (ids as strings): the same ballot always looks the same."""
    if ballot_type == "cumulative":
        return {str(k): int(v) for k, v in sorted(choices.items(), key=lambda kv: str(kv[0])) if int(v) > 0}
    if ballot_type == "ranked":
        return [str(c) for c in choices]
    return sorted(str(c) for c in choices)


def pot_ballots(session, pot):
    """The anonymised ballots of a pot, canonical and sorted: the count's input (and what is published)."""
    rows = session.scalars(select(Ballot.choices).where(Ballot.pot_id == pot.id)).all()
    ballots = [canonical_ballot(pot.ballot_type, choices) for choices in rows]
    return sorted(ballots, key=lambda b: json.dumps(b, sort_keys=True))


def input_digest(ballots):
    return hashlib.sha256(json.dumps(ballots, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def election_for(pot, projects, ballots):
    """The tally engine's Election for a pot: money in pence, project ids as strings."""
    vote_type = VOTE_TYPES[pot.ballot_type]
    converted = []
    for ballot in ballots:
        if vote_type == "cumulative":
            converted.append(dict(ballot))
        elif vote_type == "ordinal":
            converted.append(tuple(ballot))
        else:
            converted.append(frozenset(ballot))
    constraints = {"max_length": str(pot.max_choices)} if vote_type == "ordinal" and pot.max_choices else {}
    return Election([Project(str(p.id), p.ballot_cost_pence, p.title) for p in projects], converted,
                    pot.amount_pence, vote_type, constraints)


def rule_options(pot):
    if pot.counting_rule == "greedy":
        return {"rule": "greedy", "tie_break": DEFAULT_TIE_BREAK}
    return {"rule": pot.counting_rule, "completion": pot.completion, "tie_break": DEFAULT_TIE_BREAK}


def count_pot(session, pot, actor=None):
    """Count one pot now and store a CountResult (status "done")."""
    projects = counted_projects(session, pot)
    ballots = pot_ballots(session, pot)
    options = rule_options(pot)
    outcome = tally(election_for(pot, projects, ballots), **options)
    result = CountResult(
        pot_id=pot.id, status="done", progress=100, rule=options["rule"], parameters=outcome.parameters,
        tie_break=options["tie_break"], input_digest=input_digest(ballots), ballot_count=len(ballots),
        selected=[int(pid) for pid in outcome.selected],
        explanations={pid: exp.as_dict() for pid, exp in outcome.explanations.items()},
        total_cost_pence=int(outcome.total_cost), counted_by_id=actor.id if actor else None, finished_at=utcnow())
    session.add(result)
    session.flush()
    return result


def latest_results(session, round_):
    """{pot_id: newest CountResult or None}."""
    results = {}
    for pot in round_.pots:
        results[pot.id] = session.scalar(select(CountResult).where(CountResult.pot_id == pot.id)
                                         .order_by(CountResult.id.desc()).limit(1))
    return results


def count_round(session, round_, actor=None):
    """Count every pot of a round in counting phase, audit it, and hand the round to the board."""
    from app.services.rounds import move_phase

    if round_.phase != "counting":
        raise ValueError("not_counting")
    results = [count_pot(session, pot, actor) for pot in round_.pots]
    record(session, actor, "count.run", f"round:{round_.id}",
           pots={str(r.pot_id): {"rule": r.rule, "digest": r.input_digest, "ballots": r.ballot_count} for r in results})
    move_phase(session, actor, round_, "decision")
    return results


def start_count_in_background(app, round_id, actor_id):
    """Run count_round in a thread with its own app context, so no web worker waits on a big count."""

    def work():
        from app.extensions import db
        from app.models import User

        with app.app_context():
            round_ = db.session.get(Round, round_id)
            actor = db.session.get(User, actor_id) if actor_id else None
            try:
                count_round(db.session, round_, actor)
                db.session.commit()
            except Exception:  # noqa: BLE001 (recorded as a failed count for officers to see)
                db.session.rollback()
                for pot in db.session.get(Round, round_id).pots:
                    db.session.add(CountResult(pot_id=pot.id, status="failed", rule=pot.counting_rule,
                                               tie_break=DEFAULT_TIE_BREAK, error="count failed"))
                db.session.commit()
                current_app.logger.exception("count of round %s failed", round_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, name=f"count-round-{round_id}", daemon=True)
    thread.start()
    return thread

"""The count job: a begun count (app.services.count.begin_count) run pot by pot, in transactions the job owns.

Like the runner and the mail sender, the job commits: each pot's result is committed as it is stored, so the
officer's page shows progress and a runner that dies leaves the pots already counted for its successor. The
rules and the writes are the count service's (flush only); this module only decides where transactions end.
"""

import logging

from app.database import write_transaction
from app.domain.tally import tally
from app.models import CountResult, Pot, Round, User
from app.services.count import finish_count, latest_results, mark_failed, prepare_pot, store_outcome

log = logging.getLogger(__name__)


def run_count_job(session, round_id, actor_id, on_pot=None):
    """Run a begun count pot by pot, committing as it goes, so the officer's page shows progress.

    The long tally runs outside any transaction: each pot's ballots are read, the read transaction
    ends, the tally runs, then a short write transaction stores the result. Pots already counted are kept,
    so a count whose runner died resumes where it stopped. A failure marks the count failed (the round stays
    in counting and can be counted again). on_pot(pot id, done, total) reports progress. Returns True when
    the count finished.
    """
    try:
        round_ = session.get(Round, round_id)
        pot_ids = [pot.id for pot in round_.pots]
        rows = latest_results(session, round_)
        row_ids = {pot_id: row.id for pot_id, row in rows.items()}
        counted = {pot_id for pot_id, row in rows.items() if row.status == "done"}
        session.rollback()
        for done, pot_id in enumerate(pot_ids, start=1):
            if pot_id not in counted:
                with write_transaction(session):
                    session.get(CountResult, row_ids[pot_id]).status = "running"
                ballots, options, election = prepare_pot(session, session.get(Pot, pot_id))
                session.rollback()  # end the read transaction before the long tally
                outcome = tally(election, **options)
                with write_transaction(session):
                    store_outcome(session, session.get(CountResult, row_ids[pot_id]), ballots, options, outcome)
            if on_pot is not None:
                on_pot(pot_id, done, len(pot_ids))
        with write_transaction(session):
            round_ = session.get(Round, round_id)
            actor = session.get(User, actor_id) if actor_id else None
            finish_count(session, round_, actor, [session.get(CountResult, row_ids[p]) for p in pot_ids])
    except Exception:  # noqa: BLE001 (recorded as a failed count for officers to see)
        session.rollback()
        log.exception("count of round %s failed", round_id)
        with write_transaction(session):
            actor = session.get(User, actor_id) if actor_id else None
            mark_failed(session, session.get(Round, round_id), actor)
        return False
    return True

"""Claim and run jobs. Several runners on several hosts may run at once; each job runs on one of them.

A runner claims a job in a short write transaction: PostgreSQL FOR UPDATE SKIP LOCKED, so runners never wait
for or pick the same row; SQLite BEGIN IMMEDIATE, so claims queue. The claim is a lease (JOBS_LEASE_SECONDS),
renewed whenever the job reports progress; a runner that dies (kill -9, a host restart) leaves a lease that
runs out, and the next runner takes the job over and runs it again from the start: handlers resume (a count
keeps the pots already counted). A job whose runner died JOBS_MAX_ATTEMPTS times is set aside as failed.
Like the mail sender, the runner owns its transactions: it commits.
"""

import logging
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from app.database import write_transaction
from app.jobs.count import run_count_job
from app.models._common import utcnow
from app.models.jobs import DONE, FAILED, QUEUED, RUNNING, Job

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another runner took the job over (this one was too slow to renew its lease): stop without writing."""


class JobFailed(Exception):
    """A handler's way to say the work failed (after recording what the officer should see)."""


def _count(session, arguments, report):
    if not run_count_job(session, arguments["round_id"], arguments.get("actor_id"),
                                on_pot=lambda _pot_id, done, total: report(done, total)):
        raise JobFailed("count_failed")


HANDLERS = {"count": _count}  # kind -> handler(session, arguments, report(done, total))


def _lease():
    return timedelta(seconds=current_app.config["JOBS_LEASE_SECONDS"])


def claim(session, job_id=None, now=None):
    """Claim the oldest runnable job (or job_id): queued, or running with a lease that ran out.

    Returns (job id, kind, arguments, lease token) or None. Jobs that already used up their attempts are
    set aside as failed here.
    """
    now = now or utcnow()
    token = secrets.token_hex(16)
    with write_transaction(session):
        query = (select(Job).where(or_(Job.state == QUEUED, (Job.state == RUNNING) & (Job.lease_until < now)))
                 .order_by(Job.id).with_for_update(skip_locked=True))
        if job_id is not None:
            query = query.where(Job.id == job_id)
        for job in session.scalars(query.limit(10)):
            if job.attempts >= current_app.config["JOBS_MAX_ATTEMPTS"]:
                job.state, job.error, job.finished_at = FAILED, "runner_died", now
                job.lease_token = job.lease_until = None
                continue
            job.state, job.attempts, job.lease_token, job.lease_until = RUNNING, job.attempts + 1, token, now + _lease()
            job.started_at = job.started_at or now
            return job.id, job.kind, dict(job.arguments or {}), token
    return None


def _update_if_held(session, job_id, token, **values):
    """Write values to the job if this runner still holds its lease; LeaseLost otherwise."""
    with write_transaction(session):
        changed = session.execute(update(Job).where(Job.id == job_id, Job.lease_token == token).values(**values))
        if changed.rowcount != 1:
            raise LeaseLost(job_id)


def run_claimed(session, claimed, on_progress=None):
    """Run a claimed job to the end: done, or failed with its error. Returns the final state (None if another
    runner took it over). on_progress(done, total) also hears each progress report."""
    job_id, kind, arguments, token = claimed

    def report(done, total):
        _update_if_held(session, job_id, token, progress=f"{done}/{total}", lease_until=utcnow() + _lease())
        if on_progress is not None:
            on_progress(done, total)

    try:
        HANDLERS[kind](session, arguments, report)
    except LeaseLost:
        session.rollback()
        log.warning("job %s was taken over by another runner", job_id)
        return None
    except Exception as error:  # noqa: BLE001 (kept on the job for the officer and `jobs status`)
        session.rollback()
        if not isinstance(error, JobFailed):
            log.exception("job %s (%s) failed", job_id, kind)
        _update_if_held(session, job_id, token, state=FAILED, error=str(error)[:500] or type(error).__name__,
                        lease_token=None, lease_until=None, finished_at=utcnow())
        return FAILED
    _update_if_held(session, job_id, token, state=DONE, lease_token=None, lease_until=None, finished_at=utcnow())
    return DONE


def run_job(session, job_id):
    """Claim and run one given job in this process (inline: the CLI's `count run`, development, tests)."""
    claimed = claim(session, job_id)
    return run_claimed(session, claimed) if claimed else None


def work_once(session):
    """Claim and run the next runnable job; returns its final state, or None when there was nothing to do."""
    claimed = claim(session)
    if claimed is None:
        return None
    return run_claimed(session, claimed) or RUNNING

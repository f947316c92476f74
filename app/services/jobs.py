"""Queue background work (app/models/jobs.py); `flask --app wsgi jobs work` runs it (app/jobs/runner.py).

A job with a unique_key exists once: enqueue re-queues a finished or failed one instead of adding a row, and
refuses (JobExists) while it is queued or running. Flushes only; the caller commits.
"""

from sqlalchemy import select

from app.models.jobs import DONE, FAILED, QUEUED, Job


class JobExists(Exception):
    """A job with this unique_key is already queued or running."""


def job_by_key(session, unique_key):
    return session.scalar(select(Job).where(Job.unique_key == unique_key))


def enqueue(session, kind, arguments, unique_key=None):
    """Queue a job of kind with JSON arguments; with unique_key, at most one such job ever exists."""
    job = job_by_key(session, unique_key) if unique_key else None
    if job is not None:
        if job.state not in (DONE, FAILED):
            raise JobExists(unique_key)
        job.arguments, job.state, job.progress, job.error = arguments, QUEUED, None, None
        job.attempts, job.lease_token, job.lease_until, job.started_at, job.finished_at = 0, None, None, None, None
    else:
        job = Job(kind=kind, arguments=arguments, unique_key=unique_key, state=QUEUED, attempts=0)
        session.add(job)
    session.flush()
    return job

"""Background work: one row per job, claimed by `flask --app wsgi jobs work` runners on any host (app/services/jobs.py)."""

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._common import UTCDateTime, utcnow

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"


class Job(db.Model):
    """A piece of background work: kind + arguments, and where it has got to.

    A runner claims a queued job (or a running one whose lease ran out: its runner died) by setting lease_token
    and lease_until, and renews the lease as it reports progress. unique_key, when set, allows one job per thing
    (e.g. one count per round): the database refuses a second row, whatever the timing.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    arguments: Mapped[dict] = mapped_column(JSON, default=dict)
    unique_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    state: Mapped[str] = mapped_column(String(10), default=QUEUED)
    progress: Mapped[str | None] = mapped_column(String(200))  # plain values, e.g. "1/3": the page words it
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_token: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_job_state", "state", "id"),)

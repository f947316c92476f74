"""Jobs CLI: `flask --app wsgi jobs work` runs queued background work (as a service, on one or more hosts);
`jobs status` lists the newest jobs."""

import time

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.extensions import db
from app.jobs.runner import work_once
from app.mail.sender import send_pending
from app.models.jobs import Job


@click.group("jobs", help="Background work (counts).")
def jobs():
    pass


@jobs.command("work")
@click.option("--once", is_flag=True, help="Run the jobs waiting now, then stop (instead of running as a service).")
@click.option("--interval", type=click.FloatRange(min=0.1), default=2.0, show_default=True,
              help="Seconds between looks for new work when idle.")
@click.option("--mail", is_flag=True, help="Also deliver the mail outbox whenever idle (instead of cron's `mail send`).")
@with_appcontext
def work_command(once, interval, mail):
    """Run background jobs as they are queued. Safe to run on several hosts at once."""
    while True:
        state = work_once(db.session)
        db.session.remove()
        if state is not None:
            click.echo(f"job {state}")
            continue
        if mail:
            report = send_pending(db.session)
            db.session.remove()
            if report.sent or report.retrying or report.failed:
                click.echo(f"mail: {report}")
        if once:
            return
        time.sleep(interval)


@jobs.command("status")
@click.option("--limit", type=int, default=20, show_default=True)
@with_appcontext
def status_command(limit):
    """The newest jobs: id, kind, state, progress, attempts, error."""
    for job in db.session.scalars(select(Job).order_by(Job.id.desc()).limit(limit)):
        click.echo(f"{job.id:>6} {job.kind:10} {job.state:8} {job.progress or '':10} attempts {job.attempts} "
                   f"{job.error or ''}".rstrip())


COMMANDS = [jobs]

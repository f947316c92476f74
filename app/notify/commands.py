"""`flask --app wsgi notify due`: queue every notice that is due in the mail outbox, a batch per transaction.

Run it from cron every few minutes (after `rounds advance`), with `mail send` delivering what it queues.
Idempotent and safe with several runners: each notice is a NotificationRun whose progress (the last resident
reached) moves in the same transaction as the batch's outbox rows, with the run locked meanwhile.
"""

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from app.database import write_transaction
from app.delivery.labels import STATUS_WORDS
from app.domain.notifications import (
    DELIVERY_UPDATES,
    LETTER,
    PROJECT_UPDATES,
    REMINDER,
    RESULTS,
    TEXT,
    VOTING_OPENS,
)
from app.extensions import db
from app.external_urls import external_url
from app.mail import queue_letter, send_email, send_text
from app.mail.notify import texts_offered
from app.models import DecisionItem, Delivery, Proposal
from app.models._common import utcnow
from app.services import content, notifications

SUBJECTS = {
    VOTING_OPENS: lambda title: _("Voting is open: %(round)s", round=title),
    REMINDER: lambda title: _("Two days left to vote: %(round)s", round=title),
    RESULTS: lambda title: _("Results published: %(round)s", round=title),
    PROJECT_UPDATES: lambda title: _("News of projects: %(round)s", round=title),
    DELIVERY_UPDATES: lambda title: _("Project update: %(project)s", project=title),
}


@click.group("notify", help="Notices residents opted in to (e-mail, text or letter).")
def notify():
    pass


@notify.command("due")
@click.option("--batch", type=click.IntRange(min=1), default=None,
              help="E-mails queued per transaction (default: the NOTIFICATIONS_BATCH setting).")
@click.option("--quiet", is_flag=True, help="Print only when something was queued.")
@with_appcontext
def due_command(batch, quiet):
    """Queue every notice that is due (each is sent once), printing progress as it goes."""
    config = current_app.config
    batch = batch or config["NOTIFICATIONS_BATCH"]
    session = db.session
    lookback = timedelta(days=config["NOTIFICATIONS_LOOKBACK_DAYS"])
    try:
        with write_transaction(session):
            notifications.record_due(session, utcnow(), lookback)
    except IntegrityError:
        pass  # another runner recorded the same notice first; its row is what we send below
    queue = _Queue()
    texts = texts_offered(config)
    for run_id in notifications.unfinished_run_ids(session):
        session.commit()
        _send_run(session, run_id, batch, quiet, queue, lookback, texts)
    session.remove()


def _send_run(session, run_id, batch, quiet, queue, lookback, texts):
    while True:
        with write_transaction(session):
            run = notifications.claim_run(session, run_id)
            if run is None:
                return  # finished, or another runner holds it now (it carries on from where it is)
            queued = notifications.queue_batch(session, run, batch, queue, lookback, texts_available=texts)
            label, total, finished = f"{run.kind} {run.subject}", run.queued, run.finished_at is not None
        if queued or not quiet:
            click.echo(f"{label}: queued {queued} (total {total}){', done' if finished else ''}")
        if finished:
            return


class _Queue:
    """Render one notice in the resident's language and queue it by their channel (in the batch's transaction):
    an e-mail or a text message in the outbox, or a letter on the officers' list of letters to post.

    The titles a notice names (its round's, its projects') are loaded once per round and language, every project
    a notice may name (on the ballot, or decided on by the board) at once, not once per resident or project.
    """

    def __init__(self):
        self.texts = {}  # (round id, locale) -> PageTexts of the round and its projects

    def _texts(self, round_, locale):
        if (round_.id, locale) not in self.texts:
            projects = db.session.scalars(select(Proposal).where(Proposal.round_id == round_.id, or_(
                Proposal.on_ballot.is_(True), Proposal.id.in_(select(DecisionItem.proposal_id))))).all()
            self.texts[round_.id, locale] = content.page_texts(db.session, locale, rounds=[round_], proposals=projects)
        return self.texts[round_.id, locale]

    def __call__(self, kind, recipient):
        user, round_, update = recipient.user, recipient.round, recipient.update
        locale = user.preferred_locale
        token = notifications.make_unsubscribe_token(current_app.secret_key, user, kind)
        unsubscribe_link = external_url("auth.unsubscribe", token=token)  # GET: confirm; POST: RFC 8058
        project = status = None
        texts = self._texts(round_, locale)
        if kind in (VOTING_OPENS, REMINDER):
            link = external_url("voting.index")
        elif update is not None:
            delivery = db.session.get(Delivery, update.delivery_id)
            project = texts.proposal(delivery.proposal, "title")
            status = STATUS_WORDS[delivery.status]
            link = external_url("delivery.project", proposal_id=delivery.proposal_id)
        else:
            link = external_url("results.round_results", round_id=round_.id)
        title = texts.round(round_, "title")
        projects = [(texts.proposal(proposal, "title"), funded) for proposal, funded in recipient.projects]
        subject = (lambda: SUBJECTS[kind](project)) if update is not None else (lambda: SUBJECTS[kind](title))
        context = {"user": user, "round_title": title, "close_at": round_.voting_close_at, "link": link,
                   "projects": projects, "unsubscribe_link": unsubscribe_link, "project": project,
                   "status": status, "update": update, "medium": recipient.channel or "email"}
        if recipient.channel == TEXT:
            send_text(user.phone, "email/notice_text", locale=locale, subject=subject, **context)
        elif recipient.channel == LETTER:
            queue_letter(user, kind, subject, f"email/notice_{kind}", locale=locale, **context)
        else:
            send_email(user.email, subject, f"email/notice_{kind}", locale=locale,
                       headers={"List-Unsubscribe": f"<{unsubscribe_link}>",
                                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}, **context)


COMMANDS = [notify]


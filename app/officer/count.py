"""Officer views: run the count, follow its status, see its results and the participation report.

A count is a background job (app/jobs: `flask --app wsgi jobs work` runs it on any host, or
`flask --app wsgi count run ROUND_ID`), so the request only writes the pending rows and queues the job. The status page refreshes through a plain "Refresh the status" link: no script.
"""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app.access import role_required
from app.database import begin_write_transaction
from app.extensions import db
from app.external_urls import external_url
from app.jobs.runner import run_job
from app.mail import send_email
from app.models import Round
from app.officer import bp
from app.services import count as count_service
from app.services import results as results_service
from app.services import rounds as round_service

COUNT_PHASES = ("counting", "decision", "published")
REPORT_PHASES = ("voting", "counting", "decision", "published")


class CountForm(FlaskForm):
    """CSRF only."""


REFUSALS = {
    "not_counting": lambda: _("The count can only be run while the round is in the counting phase."),
    "already_running": lambda: _("A count is already running. Refresh the status to see its progress."),
    "sealed": lambda: _("The ballots are still sealed, so they cannot be counted. Voting must be closed first."),
}


def _round_or_404(round_id, phases):
    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.phase not in phases:
        abort(404)
    return round_


@bp.get("/rounds/<int:round_id>/count")
@role_required("officer")
def count(round_id):
    round_ = _round_or_404(round_id, COUNT_PHASES)
    results = count_service.latest_results(db.session, round_)
    done, total = count_service.progress(db.session, round_)
    outcomes = {pot.id: results_service.pot_outcome(db.session, pot, results[pot.id]) for pot in round_.pots}
    return render_template("officer/count.html", round=round_, results=results, outcomes=outcomes,
                           status=count_service.count_status(db.session, round_), done=done, total=total,
                           job=count_service.count_job(db.session, round_), form=CountForm())


@bp.post("/rounds/<int:round_id>/count")
@role_required("officer")
def start_count(round_id):
    _round_or_404(round_id, COUNT_PHASES + ("voting",))
    if not CountForm().validate_on_submit():
        abort(400)
    begin_write_transaction(db.session)  # two officers pressing at once: one count starts, the other is told
    round_ = db.session.get(Round, round_id)
    try:
        job = count_service.start_count(db.session, round_, current_user)
    except count_service.CountRefused as refused:
        db.session.rollback()
        flash(REFUSALS[refused.code](), "error")
        target = "officer.count" if round_.phase in COUNT_PHASES else "officer.round_detail"
        return redirect(url_for(target, round_id=round_id))
    _warn_if_no_board(round_)
    db.session.commit()
    if current_app.config["JOBS_INLINE"] and run_job(db.session, job.id) == "done":
        flash(_("The count has finished. The round is now with the Neighbourhood Board."), "success")
    else:
        flash(_("The count has started. Refresh the status to see when it has finished."), "success")
    return redirect(url_for("officer.count", round_id=round_id))


def _warn_if_no_board(round_):
    """The count hands the round to its board: with no board members, the admins are told (the outbox)."""
    if round_service.board_members(db.session, round_):
        return
    for admin in round_service.record_no_board(db.session, current_user, round_):
        send_email(admin.email, lambda: _("A round has gone to a board with no members"), "email/round_no_board",
                   locale=admin.preferred_locale, admin=admin, round=round_, officer=current_user,
                   link=external_url("officer.round_detail", round_id=round_.id))
    flash(_("This round's area has no Neighbourhood Board members. The administrators have been e-mailed."),
          "error")


@bp.get("/rounds/<int:round_id>/participation")
@role_required("officer")
def participation(round_id):
    round_ = _round_or_404(round_id, REPORT_PHASES)
    return render_template("officer/count_participation.html", round=round_,
                           report=results_service.participation_report(db.session, round_))

"""Officer views: run the count and see its status and results."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app.access import role_required
from app.extensions import db
from app.models import Round
from app.officer import bp
from app.services import count as count_service


class CountForm(FlaskForm):
    pass


@bp.get("/rounds/<int:round_id>/count")
@role_required("officer")
def count(round_id):
    round_ = db.session.get(Round, round_id) or abort(404)
    if round_.phase not in ("counting", "decision", "published"):
        abort(404)
    results = count_service.latest_results(db.session, round_)
    return render_template("officer/count.html", round=round_, results=results, form=CountForm())


@bp.post("/rounds/<int:round_id>/count")
@role_required("officer")
def run_count(round_id):
    round_ = db.session.get(Round, round_id) or abort(404)
    if not CountForm().validate_on_submit():
        abort(400)
    if round_.phase != "counting":
        flash(_("The count can only be run while the round is in the counting phase."), "error")
        return redirect(url_for("officer.count", round_id=round_.id) if round_.phase in ("decision", "published")
                        else url_for("officer.round_detail", round_id=round_.id))
    if current_app.config.get("COUNT_IN_BACKGROUND", True):
        count_service.start_count_in_background(current_app._get_current_object(), round_.id, current_user.id)
        flash(_("The count has started. Refresh this page to see when it has finished."), "success")
    else:
        count_service.count_round(db.session, round_, current_user)
        db.session.commit()
        flash(_("The count has finished. The round is now with the Neighbourhood Board."), "success")
    return redirect(url_for("officer.count", round_id=round_.id))

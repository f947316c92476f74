"""Check-and-confirm pages in front of irreversible officer actions (GOV.UK "check your answers"): what will
happen, to whom, with which dates; the one audited POST stays with the view that does it."""

from flask import abort, render_template, request

from app.access import role_required
from app.extensions import db
from app.models import Proposal, Round, User
from app.officer import bp
from app.officer.forms import ExtendCloseForm, MergeForm
from app.request_limits import int_arg


@bp.post("/rounds/<int:round_id>/extend/check")
@role_required("officer")
def check_extend_close(round_id):
    """Check the new close of voting before officer.extend_close moves it (a close can only move later)."""
    round_ = db.session.get(Round, round_id) or abort(404)
    if round_.phase != "voting":
        abort(404)
    form = ExtendCloseForm()
    if not form.validate_on_submit():
        return render_template("officer/extend_close.html", round=round_, form=form), 400
    return render_template("officer/extend_close_check.html", round=round_, form=form,
                           new_close=form.voting_close_at.utc)


@bp.get("/merges/<int:user_id>/check")
@role_required("officer")
def check_merge(user_id):
    """Check a merge of two registrations of one person (or keeping them apart) before it is done."""
    held = db.session.get(User, user_id)
    action = request.args.get("action")
    if held is None or held.held_for_merge_with_id is None or action not in ("merge", "release"):
        abort(404)
    return render_template("officer/merge_check.html", held=held, first=held.held_for_merge_with, action=action)


@bp.get("/proposals/<int:proposal_id>/merge/check")
@role_required("officer")
def check_merge_proposal(proposal_id):
    """Check a merge of a duplicate project idea into another of its pot before officer.merge does it."""
    proposal = db.session.get(Proposal, proposal_id)
    into = db.session.get(Proposal, int_arg("merge-into", default=0))
    if proposal is None or proposal.status == "draft" or into is None or into.id == proposal.id \
            or into.pot_id != proposal.pot_id or into.status == "draft":
        abort(404)
    form = MergeForm(prefix="merge", formdata=None)
    return render_template("officer/merge_proposal_check.html", proposal=proposal, into=into, form=form)

"""Neighbourhood Board members: draft, confirm and print the board's decision record."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from app.access import require_board_member, role_required
from app.board import bp
from app.domain.decisions import Item
from app.domain.money import MoneyError, parse_pounds, pence_to_pounds_text
from app.extensions import db
from app.models import DecisionRecord, Proposal, Round
from app.services import decisions as decision_service
from app.services.count import latest_results


class DecisionForm(FlaskForm):
    pass


PROBLEM_MESSAGES = {
    "not_in_decision": lambda: _("The round is not waiting for a board decision."),
    "locked": lambda: _("This record is confirmed and locked. Start a correction instead."),
    "present_not_member": lambda: _("Only members of this board can be recorded as present."),
    "bad_declaration": lambda: _("Each declaration of interest needs a board member and what the interest is."),
    "unknown_proposal": lambda: _("One of the projects is not in this round."),
    "reason_required": lambda: _("Give a reason for every project that is deferred, rejected or funded by the board."),
    "already_recommended": lambda: _("The count already selected this project: confirm it instead."),
    "not_recommended": lambda: _("Only projects the count selected can be confirmed. Use 'fund' with a reason."),
    "over_pot": lambda: _("The awards add up to more than the pot."),
    "unknown_outcome": lambda: _("Choose an outcome for each project."),
    "missing_outcome": lambda: _("Choose an outcome for every project the count selected."),
    "bad_amount": lambda: _("Enter award amounts in pounds, like 4000."),
    "bad_date": lambda: _("Enter the meeting date, like 2026-11-30."),
    "no_quorum": lambda: _("The meeting was not quorate, so the record cannot be confirmed."),
    "not_a_member": lambda: _("Only members of this board can confirm."),
    "not_present": lambda: _("Only members recorded as present can confirm."),
    "declared_interest": lambda: _("You declared an interest, so you cannot confirm this record."),
    "already_confirmed": lambda: _("You have already confirmed. A second board member must confirm."),
}


def message_for(problem):
    code = getattr(problem, "code", problem)
    return PROBLEM_MESSAGES.get(code, lambda: code)()


def _round_for_board(round_id):
    round_ = db.session.get(Round, round_id) or abort(404)
    if round_.area_id is None:
        abort(404)
    require_board_member(round_.area_id)
    return round_


@bp.get("/")
@role_required("board")
def index():
    areas = current_user.board_area_ids()
    rounds = db.session.scalars(select(Round).where(Round.area_id.in_(areas)).order_by(Round.id.desc())).all()
    records = {r.id: decision_service.current_record(db.session, r) for r in rounds}
    return render_template("board/index.html", rounds=rounds, records=records)


def _parse(round_, members, proposals, recommended):
    errors = []
    try:
        meeting_date = date.fromisoformat(request.form.get("meeting_date", ""))
    except ValueError:
        meeting_date = None
        errors.append("bad_date")
    quorum = request.form.get("quorum", type=int) or 1
    present = [m.id for m in members if request.form.get(f"present-{m.id}")]
    declarations = []
    for index in range(3):
        user_id = request.form.get(f"decl-{index}-member", type=int)
        proposal_id = request.form.get(f"decl-{index}-proposal", type=int)
        nature = request.form.get(f"decl-{index}-nature", "")
        if user_id and proposal_id:
            declarations.append((user_id, proposal_id, nature[:500]))
    items = []
    for proposal in proposals:
        outcome = request.form.get(f"outcome-{proposal.id}", "")
        if not outcome:
            if proposal.id in recommended:
                errors.append("missing_outcome")
            continue
        try:
            amount = parse_pounds(request.form.get(f"amount-{proposal.id}", "0") or "0")
        except MoneyError:
            errors.append("bad_amount")
            amount = 0
        items.append(Item(proposal.id, outcome, amount if outcome in ("confirm", "fund") else 0,
                          request.form.get(f"reason-{proposal.id}", "")[:2000], proposal.id in recommended))
    return meeting_date, quorum, present, declarations, items, sorted(set(errors))


@bp.route("/rounds/<int:round_id>/decision", methods=["GET", "POST"])
@role_required("board")
def decision(round_id):
    round_ = _round_for_board(round_id)
    record_ = decision_service.current_record(db.session, round_)
    if record_ is not None and record_.status == "confirmed" and request.args.get("correct") != "1" \
            and request.method == "GET":
        return redirect(url_for("board.record", record_id=record_.id))
    editing = record_ if record_ is not None and record_.status == "draft" else None
    members = decision_service.board_members(db.session, round_.area_id)
    proposals = db.session.scalars(select(Proposal).where(Proposal.round_id == round_.id, Proposal.on_ballot.is_(True))
                                   .order_by(Proposal.pot_id, Proposal.title)).all()
    recommended = decision_service.recommended_ids(db.session, round_)
    form = DecisionForm()
    errors = []
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        meeting_date, quorum, present, declarations, items, errors = _parse(round_, members, proposals, recommended)
        if not errors:
            try:
                saved = decision_service.save_record(db.session, current_user, round_, editing,
                                                     meeting_date=meeting_date, quorum=quorum, present_ids=present,
                                                     declarations=declarations, items=items,
                                                     notes=request.form.get("notes", "")[:5000])
            except decision_service.DecisionRefused as refused:
                db.session.rollback()
                errors = refused.problems
            else:
                db.session.commit()
                flash(_("Decision record saved. Two board members who were present must now confirm it."), "success")
                return redirect(url_for("board.record", record_id=saved.id))
    return render_template("board/decision_form.html", round=round_, record=editing, members=members,
                           proposals=proposals, recommended=recommended, form=form,
                           errors=[message_for(e) for e in errors], results=latest_results(db.session, round_),
                           pounds=pence_to_pounds_text), (400 if errors else 200)


def _record_for_board(record_id):
    record_ = db.session.get(DecisionRecord, record_id) or abort(404)
    require_board_member(record_.round.area_id)
    return record_


@bp.get("/decisions/<int:record_id>")
@role_required("board")
def record(record_id):
    record_ = _record_for_board(record_id)
    return render_template("board/record.html", record=record_, round=record_.round, form=DecisionForm())


@bp.post("/decisions/<int:record_id>/confirm")
@role_required("board")
def confirm(record_id):
    record_ = _record_for_board(record_id)
    if not DecisionForm().validate_on_submit():
        abort(400)
    try:
        decision_service.confirm(db.session, current_user, record_)
    except decision_service.DecisionRefused as refused:
        db.session.rollback()
        for problem in refused.problems:
            flash(message_for(problem), "error")
    else:
        db.session.commit()
        if record_.status == "confirmed":
            flash(_("The decision is confirmed and locked. The results are now published."), "success")
        else:
            flash(_("Thank you. One more board member who was present must confirm."), "success")
    return redirect(url_for("board.record", record_id=record_.id))

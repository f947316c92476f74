"""Neighbourhood Board members: draft, confirm, correct and print the board's decision record.

Only members of the round's own area board may see or act on its record (require_board_member):
a member of another area's board gets 403, like anyone without the board role.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.access import require_board_member, role_required
from app.board import bp
from app.board.forms import DECLARATION_ROWS, DecisionForm, decision_values, read_decision, record_form
from app.database import begin_write_transaction
from app.domain.decisions import CONFIRMATIONS_NEEDED
from app.domain.problems import Problem
from app.extensions import db
from app.models import DecisionRecord, Round
from app.problem_messages import error_list, message, messages
from app.services import decisions as decision_service


def _round_for_board(round_id):
    round_ = db.session.get(Round, round_id) or abort(404)
    if round_.area_id is None:
        abort(404)
    require_board_member(round_.area_id)
    return round_


def _record_for_board(record_id):
    record_ = db.session.get(DecisionRecord, record_id) or abort(404)
    require_board_member(record_.round.area_id)
    return record_


@bp.get("/")
@role_required("board")
def index():
    areas = current_user.board_area_ids()
    rounds = db.session.scalars(select(Round).where(Round.area_id.in_(areas),
                                                    Round.phase.in_(("counting", "decision", "published")))
                                .order_by(Round.id.desc())).all()
    records = {r.id: decision_service.current_record(db.session, r) for r in rounds}
    return render_template("board/index.html", rounds=rounds, records=records)


def _save_decision(round_id, editing, entered):
    """Save the record in one write transaction: (the saved record, []) or (None, the problems refusing it)."""
    try:
        begin_write_transaction(db.session)
        round_ = db.session.get(Round, round_id)
        editing = db.session.get(DecisionRecord, editing.id) if editing is not None else None
        saved = decision_service.save_record(db.session, current_user, round_, editing, **entered)
    except decision_service.DecisionRefused as refused:
        db.session.rollback()
        return None, refused.problems
    db.session.commit()
    return saved, []


def _decision_page(round_, record_, superseded, choices, form, values, problems):
    errors = error_list(problems, titles={p.id: p.title for p in choices.proposals})
    field_errors = {target: text for target, text in errors if target}
    return render_template("board/decision_form.html", round=round_, record=record_,
                           correcting=superseded is not None, superseded=superseded, members=choices.members,
                           proposals=choices.proposals, recommended=choices.recommended, form=form, errors=errors,
                           field_errors=field_errors, values=values, declaration_rows=DECLARATION_ROWS,
                           scores=decision_service.count_scores(db.session, round_)), (400 if errors or form.errors else 200)


@bp.route("/rounds/<int:round_id>/decision", methods=["GET", "POST"])
@role_required("board")
def decision(round_id):
    round_ = _round_for_board(round_id)
    current = decision_service.current_record(db.session, round_)
    correcting = current is not None and current.status == "confirmed"
    if correcting and request.method == "GET" and request.args.get("correct") != "1":
        return redirect(url_for("board.record", record_id=current.id))
    if decision_service.check_drafting(db.session, round_):
        flash(message(Problem("not_in_decision")), "error")
        return redirect(url_for("board.index"))
    editing = current if current is not None and current.status == "draft" else None
    choices = decision_service.decision_choices(db.session, round_)
    shown, problems = editing or current, []
    form = record_form(shown)
    if request.method == "POST":
        if not form.validate_on_submit() and set(form.errors) != {"meeting_date"}:
            abort(400)  # a missing or stale CSRF token; a date typed wrong is shown beside its boxes
        entered, problems = read_decision(request.form, choices, form.meeting_date.data)
        saved, problems = (None, problems) if problems or form.errors else _save_decision(round_id, editing, entered)
        if saved is not None:
            flash(_("Decision record saved. Two board members who were present must now confirm it."), "success")
            return redirect(url_for("board.record", record_id=saved.id))
    values = request.form if request.method == "POST" else decision_values(shown, choices)
    return _decision_page(round_, editing, current if correcting else None, choices, form, values, problems)


@bp.get("/decisions/<int:record_id>")
@role_required("board")
def record(record_id):
    record_ = _record_for_board(record_id)
    return render_template("board/record.html", record=record_, round=record_.round, form=DecisionForm(),
                           quorate=decision_service.quorate(db.session, record_), needed=CONFIRMATIONS_NEEDED)


@bp.post("/decisions/<int:record_id>/confirm")
@role_required("board")
def confirm(record_id):
    record_ = _record_for_board(record_id)
    if not DecisionForm().validate_on_submit():
        abort(400)
    begin_write_transaction(db.session)  # two members confirming at once: the second waits and sees the first
    record_ = db.session.get(DecisionRecord, record_id)
    try:
        decision_service.confirm(db.session, current_user, record_)
    except decision_service.DecisionRefused as refused:
        db.session.rollback()
        for text in messages(refused.problems):
            flash(text, "error")
    else:
        db.session.commit()
        if record_.status == "confirmed":
            flash(_("The decision is confirmed and locked. The results are now published."), "success")
        else:
            flash(_("Thank you. One more board member who was present must confirm."), "success")
    return redirect(url_for("board.record", record_id=record_id))


@bp.get("/decisions/<int:record_id>/confirm/check")
@role_required("board")
def check_confirm(record_id):
    """Check the record, and what confirming it will do, before board.confirm records the confirmation."""
    record_ = _record_for_board(record_id)
    if record_.status != "draft":
        return redirect(url_for("board.record", record_id=record_id))
    return render_template("board/confirm_check.html", record=record_, round=record_.round, form=DecisionForm(),
                           quorate=decision_service.quorate(db.session, record_), needed=CONFIRMATIONS_NEEDED,
                           completes=len(record_.confirmations) + 1 >= CONFIRMATIONS_NEEDED)

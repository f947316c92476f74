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
from app.board.forms import DecisionForm, DecisionRecordForm
from app.database import begin_write_transaction
from app.domain.decisions import CONFIRMATIONS_NEEDED, MIN_QUORUM, DecisionProblem, Item
from app.domain.money import MoneyError, parse_pounds, pence_to_pounds_text
from app.domain.problems import Problem
from app.extensions import db
from app.models import DecisionRecord, Round
from app.problem_messages import error_list, message, messages
from app.services import decisions as decision_service
from app.services.count import latest_results

DECLARATION_ROWS = 3


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


def _defaults(record_, proposals, recommended):
    """Form values for a new record (the count's selection confirmed at cost) or from an earlier record."""
    values = {"quorum": str(MIN_QUORUM)}
    for proposal in proposals:
        values[f"amount-{proposal.id}"] = pence_to_pounds_text(proposal.ballot_cost_pence)
        if proposal.id in recommended:
            values[f"outcome-{proposal.id}"] = "confirm"
    if record_ is None:
        return values
    values.update(quorum=str(record_.quorum), notes=record_.notes)
    for attendance in record_.attendance:
        values[f"present-{attendance.user_id}"] = "y"
    for index, declaration in enumerate(record_.declarations[:DECLARATION_ROWS]):
        values.update({f"decl-{index}-member": str(declaration.user_id),
                       f"decl-{index}-proposal": str(declaration.proposal_id),
                       f"decl-{index}-nature": declaration.nature})
    for proposal in proposals:
        values.pop(f"outcome-{proposal.id}", None)
    for item in record_.items:
        values[f"outcome-{item.proposal_id}"] = item.outcome
        values[f"reason-{item.proposal_id}"] = item.reason
        if item.outcome in ("confirm", "fund"):
            values[f"amount-{item.proposal_id}"] = pence_to_pounds_text(item.amount_pence)
    return values


def _parse(members, proposals, recommended):
    """Read the posted record into plain values; problems that are about typing, not rules."""
    form = request.form
    problems = []
    quorum = form.get("quorum", type=int) or 0
    present = [m.id for m in members if form.get(f"present-{m.id}")]
    declarations = []
    for index in range(DECLARATION_ROWS):
        user_id = form.get(f"decl-{index}-member", type=int)
        proposal_id = form.get(f"decl-{index}-proposal", type=int)
        nature = form.get(f"decl-{index}-nature", "")[:500]
        if user_id or proposal_id or nature.strip():
            declarations.append((user_id, proposal_id, nature))
    items = []
    for proposal in proposals:
        outcome = form.get(f"outcome-{proposal.id}", "")
        if not outcome:
            continue
        amount = 0
        if outcome in ("confirm", "fund"):
            try:
                amount = parse_pounds(form.get(f"amount-{proposal.id}", ""))
            except MoneyError:
                problems.append(DecisionProblem("bad_amount", proposal.id))
        items.append(Item(proposal.id, outcome, amount, form.get(f"reason-{proposal.id}", "")[:2000],
                          proposal.id in recommended))
    return quorum, present, declarations, items, problems


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
    members = decision_service.board_members(db.session, round_.area_id)
    proposals = decision_service.decision_proposals(db.session, round_)
    recommended = decision_service.recommended_ids(db.session, round_)
    shown = editing or current
    form = DecisionRecordForm() if request.method == "POST" else DecisionRecordForm(
        formdata=None, meeting_date=shown.meeting_date if shown is not None else None)
    problems = []
    if request.method == "POST":
        if not form.validate_on_submit() and set(form.errors) != {"meeting_date"}:
            abort(400)  # a missing or stale CSRF token; a date typed wrong is shown beside its boxes
        meeting_date = form.meeting_date.data
        quorum, present, declarations, items, problems = _parse(members, proposals, recommended)
        if not problems and not form.errors:
            try:
                begin_write_transaction(db.session)
                round_ = db.session.get(Round, round_id)
                editing = db.session.get(DecisionRecord, editing.id) if editing is not None else None
                saved = decision_service.save_record(
                    db.session, current_user, round_, editing, meeting_date=meeting_date, quorum=quorum,
                    present_ids=present, declarations=declarations, items=items, notes=request.form.get("notes", "")[:5000])
            except decision_service.DecisionRefused as refused:
                db.session.rollback()
                problems = refused.problems
            else:
                db.session.commit()
                flash(_("Decision record saved. Two board members who were present must now confirm it."), "success")
                return redirect(url_for("board.record", record_id=saved.id))
    errors = error_list(problems, titles={p.id: p.title for p in proposals})
    field_errors = {target: message for target, message in errors if target}
    values = request.form if request.method == "POST" else _defaults(shown, proposals, recommended)
    results = latest_results(db.session, round_)
    scores = {int(pid): e.get("score", 0) for r in results.values() if r and r.status == "done"
              for pid, e in r.explanations.items()}
    return render_template("board/decision_form.html", round=round_, record=editing, correcting=correcting,
                           superseded=current if correcting else None, members=members, proposals=proposals,
                           recommended=recommended, form=form, errors=errors, field_errors=field_errors,
                           values=values, scores=scores, declaration_rows=DECLARATION_ROWS), (400 if errors or form.errors else 200)


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

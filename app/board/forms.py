"""The board's decision record form: CSRF by WTForms, and its per-member and per-project controls read here.

The controls are named by member and project ("present-<member id>", "outcome-<proposal id>",
"decl-<row>-member"), so the template writes them by hand; decision_values fills them, read_decision reads them.
"""

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired

from app.domain.decisions import AWARDING, MIN_QUORUM, DecisionProblem, Item, text_problems
from app.domain.money import MoneyError, parse_pounds, pence_to_pounds_text
from app.form_fields import DateInputField

DECLARATION_ROWS = 3


class DecisionForm(FlaskForm):
    """CSRF only (confirming a record); the record's other fields are per member and per project (read_decision)."""


class DecisionRecordForm(DecisionForm):
    """The decision record: its meeting date in three boxes (day, month, year); the rest is read by read_decision."""

    meeting_date = DateInputField(_l("Meeting date"), validators=[InputRequired(_l("Enter the meeting date"))],
                                  description=_l("For example, 30 11 2026"))


def record_form(shown):
    """The record form: the posted one, or (on GET) one showing the meeting date of the record shown, if any."""
    if request.method == "POST":
        return DecisionRecordForm()
    return DecisionRecordForm(formdata=None, meeting_date=shown.meeting_date if shown is not None else None)


def decision_values(record_, choices):
    """Form values for a new record (the count's selection confirmed at cost) or from an earlier record.

    choices: app.services.decisions.DecisionChoices."""
    proposals, recommended = choices.proposals, choices.recommended
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
        if item.outcome in AWARDING:
            values[f"amount-{item.proposal_id}"] = pence_to_pounds_text(item.amount_pence)
    return values


def _declarations(form):
    declarations = []
    for index in range(DECLARATION_ROWS):
        user_id = form.get(f"decl-{index}-member", type=int)
        proposal_id = form.get(f"decl-{index}-proposal", type=int)
        nature = form.get(f"decl-{index}-nature", "")
        if user_id or proposal_id or nature.strip():
            declarations.append((user_id, proposal_id, nature))
    return declarations


def _items(form, proposals, recommended, problems):
    items = []
    for proposal in proposals:
        outcome = form.get(f"outcome-{proposal.id}", "")
        if not outcome:
            continue
        amount = 0
        if outcome in AWARDING:
            try:
                amount = parse_pounds(form.get(f"amount-{proposal.id}", ""))
            except MoneyError:
                problems.append(DecisionProblem("bad_amount", proposal.id))
        items.append(Item(proposal.id, outcome, amount, form.get(f"reason-{proposal.id}", ""),
                          proposal.id in recommended))
    return items


def read_decision(form, choices, meeting_date):
    """The posted record (request.form) as save_record's keyword arguments, and the problems that are about
    typing (an amount that is not one), not about the board's rules. choices: DecisionChoices; meeting_date:
    the record form's date (None when typed wrong: the form says so beside its boxes)."""
    problems = []
    entered = {"meeting_date": meeting_date, "quorum": form.get("quorum", type=int) or 0,
               "present_ids": [m.id for m in choices.members if form.get(f"present-{m.id}")],
               "declarations": _declarations(form)}
    entered["items"] = _items(form, choices.proposals, choices.recommended, problems)
    entered["notes"] = form.get("notes", "")
    problems += text_problems(entered["notes"], {item.proposal_id: item.reason for item in entered["items"]},
                              [form.get(f"decl-{row}-nature", "") for row in range(DECLARATION_ROWS)])
    return entered, problems

"""Officer views: paper and in-person ballots, entered into the same register as online votes."""

import csv

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import SelectChoice

from app.access import role_required
from app.extensions import db
from app.form_fields import BallotForm
from app.i18n import current_locale_code
from app.models import Pot, User
from app.officer import bp
from app.officer.forms import ConfirmForm, PaperSearchForm, SheetForm
from app.officer.in_person import round_for_helpers
from app.problem_messages import message, messages
from app.services import in_person as in_person_service
from app.services import voting as voting_service
from app.services.content import page_texts

SHEET_MAX_AGE = 60 * 60  # a previewed sheet must be confirmed within the hour


def _sheet_serializer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="nb-paper-sheet")


def _voting_round_for_helpers(round_id):
    """The round (for its officers and polling helpers, as round_for_helpers) in its voting phase; else 404."""
    round_ = round_for_helpers(round_id)
    if round_.phase != "voting":
        abort(404)
    return round_


@bp.route("/rounds/<int:round_id>/paper", methods=["GET"])
@role_required("officer", "polling_helper")
def paper_ballot(round_id):
    """Look a resident up by name and postcode or date of birth; show only whether they have voted in each pot."""
    round_ = round_for_helpers(round_id)
    form = PaperSearchForm(request.args)
    search = form.search() if request.args else None
    matches = in_person_service.find_voters(db.session, round_.pots, *search) if search else []
    return render_template("officer/paper_search.html", round=round_, form=form, matches=matches,
                           found=bool(request.args) and not form.errors, voting=round_.phase == "voting")


def _enter_paper_ballot(person, pot, terms, choices):
    """Enter the ballot and commit; the problems that refused it ([] once it is stored)."""
    try:
        cast = voting_service.cast_paper(db.session, current_user, person.id, pot.id, choices, terms=terms)
        voting_service.refuse_after_close(db.session, cast)
        db.session.commit()
    except voting_service.VoteRefused as refused:
        db.session.rollback()
        return refused.problems
    return []


@bp.route("/rounds/<int:round_id>/paper/<int:pot_id>/<int:user_id>", methods=["GET", "POST"])
@role_required("officer", "polling_helper")
def paper_entry(round_id, pot_id, user_id):
    """Mark a resident in the register and enter their paper ballot (audited: who entered it, for which pot)."""
    round_ = _voting_round_for_helpers(round_id)
    pot, person = db.session.get(Pot, pot_id), db.session.get(User, user_id)
    if pot is None or pot.round_id != round_.id or person is None:
        abort(404)
    terms = voting_service.ballot_terms(db.session, pot)
    form = BallotForm()
    choices, problems = ({} if terms.ballot_type == "cumulative" else []), []
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        choices, problems = voting_service.read_ballot(terms, request.form.items(multi=True))
        problems = problems or _enter_paper_ballot(person, pot, terms, choices)
        if not problems:
            flash(_("Paper ballot recorded for %(name)s.", name=person.name), "success")
            return redirect(url_for("officer.paper_ballot", round_id=round_.id))
    return _entry_page(round_, pot, person, form, choices, problems)


def _entry_page(round_, pot, person, form, choices, problems):
    """The paper ballot as the resident's form shows it, every project's title loaded in one query."""
    projects = voting_service.ballot_projects(db.session, pot)
    page = render_template("officer/paper_entry.html", round=round_, pot=pot, person=person, form=form,
                           projects=projects, errors=messages(problems), choices=choices,
                           already=voting_service.registered_channel(db.session, person.id, pot.id) is not None,
                           texts=page_texts(db.session, current_locale_code(), pots=[pot], proposals=projects))
    return page, (400 if problems else 200)


def _check_sheet(form, pot):
    """Check the uploaded sheet without storing it; None, with the reason beside the file, if it cannot be."""
    try:
        sheet = in_person_service.check_sheet(db.session, current_user, pot, form.text)
    except (csv.Error, voting_service.VoteRefused):
        db.session.rollback()
        form.file.errors.append(_("The sheet could not be read, or voting has closed."))
        return None
    if sheet.problems:
        form.file.errors.append(_("The sheet has problems. Nothing was entered. Correct it and upload it again."))
    return sheet


def _preview(round_, pot, sheet, signed, status=200):
    """The sheet's rows, each ready to enter or with why not; the sheet can be entered only if every row is."""
    rows = [{"line": row.line, "name": row.name, "postcode": row.postcode, "reasons": messages(row.problems)}
            for row in sheet.rows]
    return render_template("officer/paper_sheet_preview.html", round=round_, pot=pot, rows=rows,
                           ready=sheet.entered is not None, signed=signed, form=ConfirmForm()), status


@bp.route("/rounds/<int:round_id>/paper/sheet", methods=["GET", "POST"])
@role_required("officer", "polling_helper")
def paper_sheet(round_id):
    """Upload a sheet of paper ballots from an event; every row is checked and shown before anything is stored."""
    round_ = _voting_round_for_helpers(round_id)
    pots, texts = _sheet_contents(round_)
    form = SheetForm()
    form.pot.choices = [SelectChoice(pot.id, name.text, {"lang": name.locale} if name.is_fallback else {})
                        for pot, name in ((pot, texts.pot(pot, "name")) for pot in round_.pots)]
    sheet = None
    if form.validate_on_submit():
        pot = db.session.get(Pot, form.pot.data)
        sheet = _check_sheet(form, pot)
        if sheet is not None and not sheet.problems:
            signed = _sheet_serializer().dumps({"round": round_.id, "pot": pot.id, "text": form.text,
                                                "by": current_user.id})
            return _preview(round_, pot, sheet, signed)
    return render_template("officer/paper_sheet.html", round=round_, form=form, pots=pots, texts=texts,
                           problems=[(p["line"], message(p)) for p in (sheet.problems if sheet else [])]), \
        (400 if form.errors else 200)


def _sheet_contents(round_):
    """Each pot with the projects on its ballot, and their names in the reader's language (one query)."""
    pots = [(pot, voting_service.ballot_projects(db.session, pot)) for pot in round_.pots]
    return pots, page_texts(db.session, current_locale_code(), pots=round_.pots,
                            proposals=[project for _pot, projects in pots for project in projects])


def _signed_sheet(round_):
    """The pot and text of the sheet the current user previewed for round_ within the hour; else 400 or 404."""
    try:
        sheet = _sheet_serializer().loads(request.form.get("sheet", ""), max_age=SHEET_MAX_AGE)
    except BadSignature:
        abort(400)
    if sheet.get("round") != round_.id or sheet.get("by") != current_user.id:
        abort(400)
    pot = db.session.get(Pot, sheet.get("pot"))
    if pot is None or pot.round_id != round_.id:
        abort(404)
    return pot, sheet["text"]


@bp.post("/rounds/<int:round_id>/paper/sheet/confirm")
@role_required("officer", "polling_helper")
def paper_sheet_confirm(round_id):
    """Enter every ballot of a previewed sheet, or none (each row is checked again)."""
    round_ = round_for_helpers(round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    pot, text = _signed_sheet(round_)
    try:
        sheet = in_person_service.check_sheet(db.session, current_user, pot, text, store=True)
    except voting_service.VoteRefused:
        db.session.rollback()
        flash(_("Voting has closed. Nothing was entered."), "error")
        return redirect(url_for("officer.round_detail", round_id=round_.id))
    if sheet.entered is None:
        return _preview(round_, pot, sheet, None, 400)
    db.session.commit()
    flash(ngettext("Entered %(num)d paper ballot in %(pot)s.", "Entered %(num)d paper ballots in %(pot)s.",
                   sheet.entered, pot=pot.name), "success")
    return redirect(url_for("officer.paper_ballot", round_id=round_.id))

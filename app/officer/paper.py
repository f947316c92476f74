"""Officer views: paper and in-person ballots, entered into the same register as online votes."""

import csv
import io

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select
from wtforms import SelectField, StringField
from wtforms.validators import Optional, ValidationError

from app.access import role_required
from app.domain.in_person import parse_paper_sheet
from app.domain.postcodes import normalise_postcode
from app.extensions import db
from app.form_fields import BallotForm, DateInputField
from app.models import Pot, User
from app.officer import bp
from app.officer.in_person import round_for_helpers
from app.problem_messages import message, messages
from app.services import in_person as in_person_service
from app.services import voting as voting_service

MAX_SHEET_BYTES = 512 * 1024
SHEET_MAX_AGE = 60 * 60  # a previewed sheet must be confirmed within the hour
class SheetForm(FlaskForm):
    pot = SelectField(_l("Grant pot"), coerce=int, choices=[])
    file = FileField(_l("Sheet of paper ballots (CSV)"),
                     description=_l("Columns name, postcode, date_of_birth and choices: one row per ballot."),
                     validators=[FileRequired(_l("Choose a CSV file to upload."))])


class ConfirmForm(FlaskForm):
    pass


class PaperSearchForm(FlaskForm):
    """Who to look up (a GET search, so no CSRF token): a name, and a postcode or a date of birth."""

    class Meta:
        csrf = False

    name = StringField(_l("Name"), filters=[lambda text: (text or "").strip()[:200]])
    postcode = StringField(_l("Postcode"), filters=[lambda text: (text or "").strip()[:12]])
    date_of_birth = DateInputField(_l("Date of birth"), validators=[Optional()], description=_l("For example, 17 5 1980."))

    def validate_postcode(self, field):
        typed = bool(field.data)
        # No postcode needs a date of birth; a date typed wrong has its own message (process_errors: read before
        # the date is validated).
        if (typed and normalise_postcode(field.data) is None) or (not typed and self.date_of_birth.data is None
                                                                  and not self.date_of_birth.process_errors):
            raise ValidationError(_l("Enter a real postcode, like FL1 2AB."))


def _sheet_serializer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="nb-paper-sheet")


@bp.route("/rounds/<int:round_id>/paper", methods=["GET"])
@role_required("officer", "polling_helper")
def paper_ballot(round_id):
    """Look a resident up by name and postcode or date of birth; show only whether they have voted in each pot."""
    round_ = round_for_helpers(round_id)
    form = PaperSearchForm(request.args)
    searched = bool(request.args)
    found = searched and form.validate()
    matches = []
    if found and form.name.data:  # a search with no name shows no one
        name, postcode, born = form.name.data, normalise_postcode(form.postcode.data), form.date_of_birth.data
        # autoescape: a "%" or "_" typed into the name box is a character, not a wildcard.
        query = select(User).where(func.lower(User.name).contains(name.lower(), autoescape=True),
                                   User.active.is_(True))
        if postcode is not None:
            query = query.where(User.postcode == postcode)
        if born is not None:
            query = query.where(User.date_of_birth == born)
        people = db.session.scalars(query.order_by(User.name, User.id).limit(20)).all()
        matches = [(person, {pot.id: voting_service.participation_of(db.session, person, pot) is not None
                             for pot in round_.pots}) for person in people]
    return render_template("officer/paper_search.html", round=round_, form=form, matches=matches, found=found)


@bp.route("/rounds/<int:round_id>/paper/<int:pot_id>/<int:user_id>", methods=["GET", "POST"])
@role_required("officer", "polling_helper")
def paper_entry(round_id, pot_id, user_id):
    """Mark a resident in the register and enter their paper ballot (audited: who entered it, for which pot)."""
    round_ = round_for_helpers(round_id)
    pot = db.session.get(Pot, pot_id)
    person = db.session.get(User, user_id)
    if pot is None or pot.round_id != round_.id or person is None or round_.phase != "voting":
        abort(404)
    terms = voting_service.ballot_terms(db.session, pot)
    form = BallotForm()
    errors, choices = [], ({} if terms.ballot_type == "cumulative" else [])
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        choices, problems = voting_service.read_ballot(terms, request.form.items(multi=True))
        if not problems:
            try:
                cast = voting_service.cast_paper(db.session, current_user, user_id, pot_id, choices, terms=terms)
                voting_service.refuse_after_close(db.session, cast)
                db.session.commit()
            except voting_service.VoteRefused as refused:
                db.session.rollback()
                problems = refused.problems
            else:
                flash(_("Paper ballot recorded for %(name)s.", name=person.name), "success")
                return redirect(url_for("officer.paper_ballot", round_id=round_.id))
        errors = messages(problems)
    already = voting_service.registered_channel(db.session, person.id, pot.id) is not None
    return render_template("officer/paper_entry.html", round=round_, pot=pot, person=person, form=form,
                           projects=voting_service.ballot_projects(db.session, pot), errors=errors,
                           choices=choices, already=already), (400 if errors else 200)


def _check_sheet(round_, pot, text, store):
    """Read, match and check a sheet. Returns (rows for the page, sheet problems, entered count or None)."""
    terms = voting_service.ballot_terms(db.session, pot)
    entries, problems = parse_paper_sheet(csv.reader(io.StringIO(text)), cumulative=terms.ballot_type == "cumulative")
    if problems:
        return [], problems, None
    people, found = [], []
    for entry in entries:
        person, code = in_person_service.find_on_register(db.session, entry.name, entry.postcode, entry.date_of_birth)
        people.append((entry, person, code))
        if person is not None:
            found.append((person.id, entry.choices))
    refused = {}
    entered = None
    if all(person is not None for _entry, person, _code in people):
        try:
            entered, closes_at = voting_service.cast_paper_sheet(db.session, current_user, pot.id, found,
                                                                 terms=terms, store=store)
            if store:
                voting_service.refuse_after_close(db.session, voting_service.Cast("", False, closes_at))
                db.session.commit()
        except voting_service.SheetRefused as sheet:
            refused = sheet.problems
            entered = None
    else:
        # Someone is not on the register: check the others anyway, so every row's reason is shown at once.
        try:
            voting_service.cast_paper_sheet(db.session, current_user, pot.id, found, terms=terms, store=False)
        except voting_service.SheetRefused as sheet:
            refused = sheet.problems
    rows, at = [], 0
    for entry, person, code in people:
        reasons = [code] if code else refused.get(at, [])
        if person is not None:
            at += 1
        rows.append({"line": entry.line, "name": entry.name, "postcode": entry.postcode,
                     "reasons": messages(reasons)})
    return rows, [], entered


@bp.route("/rounds/<int:round_id>/paper/sheet", methods=["GET", "POST"])
@role_required("officer", "polling_helper")
def paper_sheet(round_id):
    """Upload a sheet of paper ballots from an event; every row is checked and shown before anything is stored."""
    round_ = round_for_helpers(round_id)
    if round_.phase != "voting":
        abort(404)
    form = SheetForm()
    form.pot.choices = [(pot.id, pot.name) for pot in round_.pots]
    rows, problems = [], []
    if form.validate_on_submit():
        data = form.file.data.read(MAX_SHEET_BYTES + 1)
        try:
            if len(data) > MAX_SHEET_BYTES:
                raise ValueError("too large")
            text = data.decode("utf-8-sig")
        except (UnicodeDecodeError, ValueError):
            form.file.errors.append(_("The file must be a CSV file of at most 512 KB, saved as UTF-8."))
        else:
            pot = db.session.get(Pot, form.pot.data)
            try:
                rows, problems, entered = _check_sheet(round_, pot, text, store=False)
            except (csv.Error, voting_service.VoteRefused):
                db.session.rollback()
                form.file.errors.append(_("The sheet could not be read, or voting has closed."))
            else:
                if problems:
                    form.file.errors.append(_("The sheet has problems. Nothing was entered. Correct it and upload "
                                              "it again."))
                else:
                    signed = _sheet_serializer().dumps({"round": round_.id, "pot": pot.id, "text": text,
                                                        "by": current_user.id})
                    return render_template("officer/paper_sheet_preview.html", round=round_, pot=pot, rows=rows,
                                           ready=entered is not None, signed=signed, form=ConfirmForm())
    pots = [(pot, voting_service.ballot_projects(db.session, pot)) for pot in round_.pots]
    return render_template("officer/paper_sheet.html", round=round_, form=form, pots=pots,
                           problems=[(p["line"], message(p)) for p in problems]), \
        (400 if form.errors else 200)


@bp.post("/rounds/<int:round_id>/paper/sheet/confirm")
@role_required("officer", "polling_helper")
def paper_sheet_confirm(round_id):
    """Enter every ballot of a previewed sheet, or none (each row is checked again)."""
    round_ = round_for_helpers(round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        sheet = _sheet_serializer().loads(request.form.get("sheet", ""), max_age=SHEET_MAX_AGE)
    except BadSignature:
        abort(400)
    if sheet.get("round") != round_.id or sheet.get("by") != current_user.id:
        abort(400)
    pot = db.session.get(Pot, sheet.get("pot"))
    if pot is None or pot.round_id != round_.id:
        abort(404)
    try:
        rows, _problems, entered = _check_sheet(round_, pot, sheet["text"], store=True)
    except voting_service.VoteRefused:
        db.session.rollback()
        flash(_("Voting has closed. Nothing was entered."), "error")
        return redirect(url_for("officer.round_detail", round_id=round_.id))
    if entered is None:
        return render_template("officer/paper_sheet_preview.html", round=round_, pot=pot, rows=rows, ready=False,
                               signed=None, form=ConfirmForm()), 400
    flash(ngettext("Entered %(num)d paper ballot in %(pot)s.", "Entered %(num)d paper ballots in %(pot)s.", entered,
                   pot=pot.name), "success")
    return redirect(url_for("officer.paper_ballot", round_id=round_.id))

"""Officer and polling-helper views: register a resident in person, print their claim slip, name the round's
polling helpers, and merge two registrations of one person."""


from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length, Optional

from app.access import role_required
from app.database import begin_write_transaction
from app.domain.in_person import Details
from app.extensions import db
from app.external_urls import external_url
from app.form_fields import (
    AGE_CHOICES,
    DateInputField,
    NoticeChoicesChecks,
    ResidentDetailsChecks,
    language_choices,
    mobile_phone_field,
    notice_channel_field,
    notifications_field,
)
from app.i18n import render_in_language, shipped_or_default
from app.models import RoleGrant, Round, User
from app.officer import bp
from app.services import accounts
from app.services import in_person as in_person_service


class InPersonForm(ResidentDetailsChecks, NoticeChoicesChecks, FlaskForm):
    name = StringField(_l("Full name"), validators=[InputRequired(_l("Enter the resident's name.")),
                                                    Length(max=200)])
    address = StringField(_l("Address"), description=_l("House number or name and street."),
                          validators=[InputRequired(_l("Enter the resident's address.")), Length(max=300)])
    postcode = StringField(_l("Postcode"), description=_l("For example, FL1 2AB."),
                           validators=[InputRequired(_l("Enter the resident's postcode.")), Length(max=12)])
    date_of_birth = DateInputField(_l("Date of birth (optional)"), description=_l("For example, 17 5 1980."),
                                   validators=[Optional()], error_name=_l("Date of birth"))
    age_confirmed = SelectField(_l("Or their age group"), choices=AGE_CHOICES, validators=[Optional()])
    locale = SelectField(_l("Preferred language"), choices=[])
    notifications = notifications_field(_l("Notices the resident would like (optional)"))
    notice_channel = notice_channel_field()
    phone = mobile_phone_field()
    proof_seen = BooleanField(_l("I have seen proof of this address"),
                              description=_l("For example, a council tax bill, a bank statement or a tenancy "
                                             "agreement with the resident's name."),
                              validators=[InputRequired(_l("Confirm you have seen proof of the address."))])
    # The possible duplicates the officer has been shown (ids), so a confirmation is for what they saw.
    duplicates_seen = HiddenField()
    missing_age_message = _l("Enter the date of birth or choose an age group.")
    too_young_message = _l("Residents must be 11 or over to register.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = language_choices()


class HelperForm(FlaskForm):
    email = EmailField(_l("E-mail address of the helper's account"),
                       validators=[InputRequired(_l("Enter the e-mail address of the helper's account.")),
                                   Email(message=_l("Enter an e-mail address in the right format, like "
                                                    "name@example.com.")), Length(max=254)])


class ActionForm(FlaskForm):
    pass


def round_for_helpers(round_id):
    """The round, if the current user is an officer or a polling helper for this round; else 404/403."""
    round_ = db.session.get(Round, round_id) or abort(404)
    if not (current_user.has_role("officer") or current_user.has_role("polling_helper", round_id=round_.id)):
        abort(403)
    return round_


@bp.route("/rounds/<int:round_id>/in-person", methods=["GET", "POST"])
@role_required("officer", "polling_helper")
def register_in_person(round_id):
    round_ = round_for_helpers(round_id)
    form = InPersonForm()
    if request.method == "GET":
        form.locale.data = "en"
    if form.validate_on_submit():
        begin_write_transaction(db.session)  # SQLite: see a registration of the same person committed meanwhile
        postcode, ward_id = accounts.ward_for_postcode(db.session, form.postcode.data)
        if ward_id is not None:
            return _register_or_show_duplicates(round_, form, postcode, ward_id)
        db.session.rollback()
        form.postcode.errors.append(_("This postcode is not in the council's area. Check it with the resident."))
    return render_template("officer/in_person.html", round=round_, form=form), (400 if form.errors else 200)


def _register_or_show_duplicates(round_, form, postcode, ward_id):
    """Show the officer who on the register may be this resident before creating an account; register once they
    have seen them all and said "a different person" (same_as=new) or which account is the same person."""
    age = int(form.age_confirmed.data) if form.age_confirmed.data else None
    details = Details(form.name.data.strip(), postcode, form.address.data.strip(), form.date_of_birth.data, age)
    duplicates = in_person_service.possible_duplicates(db.session, details)
    ids = {person.id for person, _evidence in duplicates}
    seen = {int(i) for i in (form.duplicates_seen.data or "").split(",") if i.isdigit()}
    choice = request.form.get("same_as", "")
    if ids and (not ids <= seen or not (choice == "new" or choice.isdigit() and int(choice) in ids)):
        db.session.rollback()
        form.duplicates_seen.data = ",".join(str(i) for i in sorted(ids))
        return render_template("officer/in_person_duplicates.html", round=round_, form=form, details=details,
                               duplicates=duplicates)
    same_as = db.session.get(User, int(choice)) if choice.isdigit() and int(choice) in ids else None
    person = in_person_service.register(
        db.session, current_user._get_current_object(), name=details.name, address=details.address,
        postcode=postcode, ward_id=ward_id, date_of_birth=details.date_of_birth, age_confirmed=age,
        locale=form.locale.data, same_as=same_as, duplicates_seen=ids,
        notices=form.notice_choices())
    db.session.commit()
    if person.held_for_merge_with_id is not None:
        flash(_("%(name)s seems to be registered already. An officer will check and merge the two "
                "registrations; until then this one cannot vote.", name=person.name), "error")
    else:
        flash(_("%(name)s is registered.", name=person.name), "success")
    return redirect(url_for("officer.claim_slip", round_id=round_.id, user_id=person.id))


@bp.get("/rounds/<int:round_id>/in-person/<int:user_id>")
@role_required("officer", "polling_helper")
def claim_slip(round_id, user_id):
    """A slip to print for the resident, in their language whatever the officer's: their claim link, to add an
    e-mail address and password later."""
    round_ = round_for_helpers(round_id)
    person = db.session.get(User, user_id)
    if person is None or not person.in_person or person.email is not None or not person.active:
        abort(404)
    # The link takes the account over: a helper sees only the slips of residents they registered themselves.
    if not current_user.has_role("officer") and person.registered_by_id != current_user.id:
        abort(404)
    token = in_person_service.claim_token(current_app.secret_key, person)
    language = shipped_or_default(person.preferred_locale)
    slip = render_in_language(language, "officer/_claim_slip.html", person=person,
                              link=external_url("auth.claim", token=token),
                              days=in_person_service.CLAIM_MAX_AGE // 86400)
    return render_template("officer/claim_slip.html", round=round_, person=person, slip=slip, language=language)


@bp.route("/rounds/<int:round_id>/helpers", methods=["GET", "POST"])
@role_required("officer", "admin")
def helpers(round_id):
    """Name the polling helpers for one round (officers and admins)."""
    round_ = db.session.get(Round, round_id) or abort(404)
    form = HelperForm()
    if form.validate_on_submit():
        person = accounts.find_by_email(db.session, form.email.data)
        if person is None or not person.active:
            form.email.errors.append(_("No account has this e-mail address. Ask the helper to register first."))
        else:
            if in_person_service.grant_helper(db.session, current_user, person, round_):
                db.session.commit()
            flash(_("%(name)s is a polling helper for this round.", name=person.name), "success")
            return redirect(url_for("officer.helpers", round_id=round_.id))
    return render_template("officer/helpers.html", round=round_, form=form, action_form=ActionForm(),
                           helpers=in_person_service.helpers(db.session, round_)), (400 if form.errors else 200)


@bp.post("/rounds/<int:round_id>/helpers/<int:user_id>/remove")
@role_required("officer", "admin")
def remove_helper(round_id, user_id):
    round_ = db.session.get(Round, round_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == user_id, RoleGrant.round_id == round_.id,
                                                         RoleGrant.role == "polling_helper")) or abort(404)
    in_person_service.revoke_helper(db.session, current_user, grant)
    db.session.commit()
    flash(_("Removed the polling helper."), "success")
    return redirect(url_for("officer.helpers", round_id=round_.id))


@bp.get("/merges")
@role_required("officer")
def registrations_to_merge():
    """Registrations held because they match another account of the same person (name, postcode, birth date)."""
    return render_template("officer/merges.html", pairs=in_person_service.held_pairs(db.session), form=ActionForm())


@bp.post("/merges/<int:user_id>")
@role_required("officer")
def merge_registrations(user_id):
    held = db.session.get(User, user_id)
    if held is None or held.held_for_merge_with_id is None or not ActionForm().validate_on_submit():
        abort(404 if held is None or held.held_for_merge_with_id is None else 400)
    if request.form.get("action") == "release":
        in_person_service.release(db.session, current_user, held)
        message = _("%(name)s's registrations are kept apart: they are different people.", name=held.name)
    else:
        kept = in_person_service.merge(db.session, current_user, held)
        message = _("Merged the two registrations of %(name)s into one account.", name=kept.name)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("officer.registrations_to_merge"))

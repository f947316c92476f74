"""Residents registered in person take their account over: add an e-mail address and a password with the
signed link an officer printed for them (app.officer.in_person.claim_slip)."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import Email, InputRequired, Length

from app.auth import bp
from app.auth.forms import check_password_strength
from app.extensions import db, limiter
from app.services import accounts
from app.services import in_person as in_person_service


class ClaimForm(FlaskForm):
    email = EmailField(_l("E-mail address"),
                       validators=[InputRequired(_l("Enter your e-mail address.")),
                                   Email(message=_l("Enter an e-mail address in the right format, like "
                                                    "name@example.com.")), Length(max=254)])
    password = PasswordField(_l("Create a password"),
                             description=_l("At least 10 characters. Three or four random words work well."),
                             validators=[InputRequired(_l("Create a password.")), check_password_strength,
                                         Length(max=200)])


@bp.route("/claim/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["CLAIM_RATE_LIMIT"], methods=["POST"])
def claim(token):
    try:
        user = in_person_service.user_to_claim(db.session, current_app.secret_key, token)
    except accounts.TokenInvalid as error:
        return render_template("auth/claim_invalid.html", expired=error.expired), 400
    form = ClaimForm()
    if form.validate_on_submit():
        try:
            in_person_service.claim(db.session, user, form.email.data, form.password.data)
        except in_person_service.EmailTaken:
            form.email.errors.append(_("Another account already uses this e-mail address. Use another address, "
                                       "or ask at the council office to merge the two accounts."))
        else:
            db.session.commit()
            login_user(user)
            flash(_("Your account now has an e-mail address and a password. Confirm the address from your "
                    "account page."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/claim.html", form=form, person=user), (400 if form.errors else 200)

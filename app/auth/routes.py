"""Thin views: bind the form, call one accounts service, commit, flash, redirect."""

import hashlib
import json
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash

from app.access import login_required
from app.auth import bp
from app.auth.forms import (
    AccountForm,
    ChangePasswordForm,
    CorrectDetailsForm,
    DeleteAccountForm,
    EmptyForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from app.database import begin_write_transaction
from app.extensions import db, limiter
from app.external_urls import external_url
from app.i18n import SESSION_LOCALE_KEY
from app.mail import queue_stand_in, send_email
from app.services import accounts, notifications
from app.services import residents as resident_service


def _limit(name):
    return lambda: current_app.config[name]


def _account_and_address():
    """Sign-in attempts count per account *and* client address (the client's, once ProxyFix has taken
    TRUSTED_PROXY_HOPS proxies off): someone guessing a resident's password cannot lock that resident out
    from every other address, nor the whole borough out behind one proxy."""
    email = (request.form.get("email") or "").strip().lower()
    return f"{get_remote_address()}/{hashlib.sha256(email.encode()).hexdigest()[:32]}"


def _failed(response):
    """Only failed sign-ins count towards the limits: a library PC's residents signing in one after
    another are not attackers."""
    return response.status_code != 302


def _safe_next(target):
    """Only same-site paths: never redirect to another host after sign-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _send_verification(user):
    token = accounts.make_token(current_app.secret_key, accounts.VERIFY, user)
    send_email(user.email, lambda: _("Confirm your e-mail address"), "email/verify", locale=user.preferred_locale,
               user=user, link=external_url("auth.verify", token=token))


def _rotate_csrf_secret():
    """A fresh CSRF secret at sign-in: a token someone saw or planted before sign-in is worthless after."""
    name = current_app.config["WTF_CSRF_FIELD_NAME"]
    session.pop(name, None)
    g.pop(name, None)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_limit("LOGIN_RATE_LIMIT"), key_func=_account_and_address, methods=["POST"], deduct_when=_failed,
               scope="login-account-address")
@limiter.limit(_limit("LOGIN_ADDRESS_RATE_LIMIT"), methods=["POST"], deduct_when=_failed, scope="login-address")
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            session.pop(SESSION_LOCALE_KEY, None)
            login_user(user)
            _rotate_csrf_secret()
            session[SESSION_LOCALE_KEY] = user.preferred_locale
            return redirect(_safe_next(request.args.get("next")) or url_for("main.index"))
        form.form_errors.append(_("The e-mail address or password is not right."))
    return render_template("auth/login.html", form=form), (400 if form.errors or form.form_errors else 200)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        current_user.rotate_session_token()  # every session of this account ends, not only this one
        db.session.commit()
        logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("main.index"))


def _answer_registration(result, notification_kinds):
    """Mail the new resident the link that confirms their address, or the address's owner that someone tried to
    register with it: the page that follows is the same either way, so it does not say who is registered."""
    if result.user is not None:
        _send_verification(result.user)
        notifications.set_kinds(db.session, result.user, notification_kinds)
    else:
        owner = result.existing
        send_email(owner.email, lambda: _("Someone tried to register with your e-mail address"),
                   "email/already_registered", locale=owner.preferred_locale, user=owner,
                   link=external_url("auth.reset_request"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_limit("REGISTER_RATE_LIMIT"), methods=["POST"])
def register():
    form = RegisterForm()
    if request.method == "GET":
        form.locale.data = form.locale.data or _current_locale()
    if form.validate_on_submit():
        postcode, ward_id = accounts.ward_for_postcode(db.session, form.postcode.data)
        if ward_id is None:
            form.postcode.errors.append(
                _("We could not find that postcode in this council's area. Check it, or contact the council.")
            )
        else:
            # SQLite: take the write lock before reading who is registered, so a registration committed meanwhile
            # (the same person at the council's counter: app.services.in_person) is seen, not a lock error.
            begin_write_transaction(db.session)
            result = accounts.register(db.session, postcode=postcode, ward_id=ward_id, **form.account_input())
            _answer_registration(result, form.notifications.data or [])
            db.session.commit()  # the account and its mail together (the outbox): same answer either way
            return redirect(url_for("auth.check_email"))
    status = 400 if form.errors else 200
    return render_template("auth/register.html", form=form), status


def _current_locale():
    from app.i18n import current_locale_code

    return current_locale_code()


@bp.get("/check-email")
def check_email():
    return render_template("auth/check_email.html")


@bp.get("/verify/<token>")
def verify(token):
    try:
        user = accounts.user_from_token(db.session, current_app.secret_key, accounts.VERIFY, token,
                                        current_app.config["EMAIL_TOKEN_MAX_AGE"])
    except accounts.TokenInvalid as error:
        return render_template("auth/link_invalid.html", expired=error.expired), 400
    return render_template("auth/verify_confirm.html", form=EmptyForm(), token=token, user=user)


@bp.post("/verify/<token>")
def verify_confirm(token):
    """Verification happens on POST so that mail scanners following the link change nothing."""
    form = EmptyForm()
    if not form.validate_on_submit():
        return render_template("auth/link_invalid.html", expired=False), 400
    try:
        user = accounts.user_from_token(db.session, current_app.secret_key, accounts.VERIFY, token,
                                        current_app.config["EMAIL_TOKEN_MAX_AGE"])
    except accounts.TokenInvalid as error:
        return render_template("auth/link_invalid.html", expired=error.expired), 400
    accounts.mark_verified(user)
    db.session.commit()
    flash(_("Thank you. Your e-mail address is confirmed."), "success")
    return redirect(url_for("auth.account") if current_user.is_authenticated else url_for("auth.login"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_limit("RESET_RATE_LIMIT"), methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = accounts.find_by_email(db.session, form.email.data)
        if user is not None and user.active:
            token = accounts.make_token(current_app.secret_key, accounts.RESET, user)
            send_email(user.email, lambda: _("Reset your password"), "email/reset", locale=user.preferred_locale,
                       user=user, link=external_url("auth.reset_password", token=token))
        else:
            queue_stand_in("email/reset")  # the work of queuing one: an unknown address answers as fast
        db.session.commit()  # queued in the outbox: no mail I/O here, so known and unknown cost alike
        return redirect(url_for("auth.check_email"))
    return render_template("auth/reset_request.html", form=form), (400 if form.errors else 200)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_limit("RESET_RATE_LIMIT"), methods=["POST"])
def reset_password(token):
    try:
        user = accounts.user_from_token(db.session, current_app.secret_key, accounts.RESET, token,
                                        current_app.config["RESET_TOKEN_MAX_AGE"])
    except accounts.TokenInvalid as error:
        return render_template("auth/link_invalid.html", expired=error.expired), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        accounts.set_password(user, form.password.data)
        accounts.mark_verified(user)  # the reset link proved they read this mailbox
        db.session.commit()
        logout_user()
        flash(_("Your password has been changed. Sign in with your new password."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), (400 if form.errors else 200)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = AccountForm(obj=current_user if request.method == "GET" else None)
    if request.method == "GET":
        form.locale.data = current_user.preferred_locale
        form.notifications.data = sorted(notifications.kinds_for(db.session, current_user))
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.preferred_locale = form.locale.data
        notifications.set_kinds(db.session, current_user, form.notifications.data or [])
        session[SESSION_LOCALE_KEY] = form.locale.data
        db.session.commit()
        flash(_("Your details have been saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, password_form=ChangePasswordForm(prefix="pw"),
                           resend_form=EmptyForm(prefix="resend")), (400 if form.errors else 200)


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        if not check_password_hash(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("Your current password is not right."))
        else:
            accounts.set_password(current_user, form.new_password.data)
            db.session.commit()
            login_user(current_user._get_current_object())  # this browser stays signed in (new token)
            flash(_("Your password has been changed. You have been signed out everywhere else."), "success")
            return redirect(url_for("auth.account"))
    account_form = AccountForm(obj=current_user)
    account_form.locale.data = current_user.preferred_locale
    account_form.notifications.data = sorted(notifications.kinds_for(db.session, current_user))
    return render_template("auth/account.html", form=account_form, password_form=form,
                           resend_form=EmptyForm(prefix="resend")), 400


@bp.post("/account/resend")
@login_required
@limiter.limit(_limit("RESET_RATE_LIMIT"))
def resend_verification():
    form = EmptyForm(prefix="resend")
    if form.validate_on_submit() and not current_user.email_verified:
        _send_verification(current_user)
        db.session.commit()
        flash(_("We have sent you a new link. It works for 48 hours."), "success")
    return redirect(url_for("auth.account"))


@bp.get("/account/data")
@login_required
def download_data():
    """The resident's data as a JSON file: the account, their proposals and where they took part (no choices)."""
    data = resident_service.export_data(db.session, current_user)
    response = current_app.response_class(json.dumps(data, ensure_ascii=False, indent=2),
                                          mimetype="application/json")
    response.headers["Content-Disposition"] = "attachment; filename=my-neighbourhood-budgets-data.json"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    """Check and confirm: what deleting keeps (the anonymous ballots, that you voted) and what goes."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not check_password_hash(current_user.password_hash, form.password.data):
            form.password.errors.append(_("Your password is not right."))
        else:
            resident_service.delete_account(db.session, current_user._get_current_object())
            db.session.commit()
            logout_user()
            flash(_("Your account has been deleted. Your votes still count, and nobody can link them to you."),
                  "success")
            return redirect(url_for("main.index"))
    return render_template("auth/delete_account.html", form=form), (400 if form.errors else 200)


@bp.route("/account/details", methods=["GET", "POST"])
@login_required
def correct_details():
    """Correct the postcode, date of birth or age group; a change of ward while voting is open waits for an
    officer, so nobody can move into a ward just to vote there."""
    form = CorrectDetailsForm(obj=current_user if request.method == "GET" else None)
    if request.method == "GET":
        form.postcode.data = current_user.pending_postcode or current_user.postcode
        form.age_confirmed.data = str(current_user.age_confirmed or "")
    if form.validate_on_submit():
        postcode, ward_id = accounts.ward_for_postcode(db.session, form.postcode.data)
        if ward_id is None:
            form.postcode.errors.append(
                _("We could not find that postcode in this council's area. Check it, or contact the council."))
        else:
            outcome = resident_service.correct_details(
                db.session, current_user, postcode=postcode, ward_id=ward_id, date_of_birth=form.date_of_birth.data,
                age_confirmed=int(form.age_confirmed.data) if form.age_confirmed.data else None)
            db.session.commit()
            flash(_("Your details have been saved. Voting is open, so an officer will check your change of ward "
                    "before it applies.") if outcome == "pending" else _("Your details have been saved."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/correct_details.html", form=form), (400 if form.errors else 200)


from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from app.domain.passwords import password_problem
from app.domain.problems import Problem
from app.form_fields import (  # noqa: F401 (NOTIFICATION_LABELS: the unsubscribe pages name the kind)
    AGE_CHOICES,
    NOTIFICATION_LABELS,
    DateInputField,
    MultiCheckboxField,
    ResidentDetailsChecks,
    language_choices,
    notifications_field,
)
from app.problem_messages import message


def check_password_strength(form, field):
    problem = password_problem(field.data)
    if problem:
        raise ValidationError(message(Problem(problem, "password")))


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(_l("Enter your e-mail address."))])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password."))])



class RegisterForm(ResidentDetailsChecks, FlaskForm):
    name = StringField(_l("Full name"), validators=[InputRequired(_l("Enter your name.")), Length(max=200)])
    email = EmailField(
        _l("E-mail address"),
        validators=[InputRequired(_l("Enter your e-mail address.")),
                    Email(message=_l("Enter an e-mail address in the right format, like name@example.com.")),
                    Length(max=254)],
    )
    password = PasswordField(
        _l("Create a password"),
        description=_l("At least 10 characters. Three or four random words work well."),
        validators=[InputRequired(_l("Create a password.")), check_password_strength, Length(max=200)],
    )
    postcode = StringField(
        _l("Home postcode"),
        description=_l("We use this to find your ward. For example, FL1 2AB."),
        validators=[InputRequired(_l("Enter your postcode.")), Length(max=12)],
    )
    date_of_birth = DateInputField(
        _l("Date of birth (optional)"),
        description=_l("For example, 17 5 1980. Some rounds are only for certain ages."),
        validators=[Optional()], error_name=_l("Date of birth"),
    )
    age_confirmed = SelectField(
        _l("If you prefer not to give your date of birth, tell us your age group"), choices=AGE_CHOICES,
        validators=[Optional()],
    )
    locale = SelectField(_l("Preferred language"), choices=[])
    notifications = notifications_field()
    accept = BooleanField(
        _l("I have read the privacy notice"), validators=[InputRequired(_l("Confirm you have read the privacy notice."))]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = language_choices()

    def account_input(self):
        """What accounts.register takes from the form, besides the postcode and ward the view looks up."""
        return dict(name=self.name.data, email=self.email.data, password=self.password.data,
                    date_of_birth=self.date_of_birth.data,
                    age_confirmed=int(self.age_confirmed.data) if self.age_confirmed.data else None,
                    locale=self.locale.data)


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(_l("Enter your e-mail address.")), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        description=_l("At least 10 characters. Three or four random words work well."),
        validators=[InputRequired(_l("Create a password.")), check_password_strength, Length(max=200)],
    )


class AccountForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[InputRequired(_l("Enter your name.")), Length(max=200)])
    locale = SelectField(_l("Preferred language"), choices=[])
    notifications = notifications_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = language_choices()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired(_l("Enter your current password."))])
    new_password = PasswordField(
        _l("New password"), validators=[InputRequired(_l("Create a password.")), check_password_strength, Length(max=200)]
    )


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons such as "Resend the link"."""


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), description=_l("To make sure it is you."),
                             validators=[InputRequired(_l("Enter your password."))])


class CorrectDetailsForm(ResidentDetailsChecks, FlaskForm):
    """The details that decide where a resident may take part: checked as at registration."""

    postcode = StringField(_l("Home postcode"), description=_l("We use this to find your ward. For example, FL1 2AB."),
                           validators=[InputRequired(_l("Enter your postcode.")), Length(max=12)])
    date_of_birth = DateInputField(_l("Date of birth (optional)"),
                                   description=_l("For example, 17 5 1980. Some rounds are only for certain ages."),
                                   validators=[Optional()], error_name=_l("Date of birth"))
    age_confirmed = SelectField(_l("If you prefer not to give your date of birth, tell us your age group"),
                                choices=AGE_CHOICES, validators=[Optional()])

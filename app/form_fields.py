"""Form fields, choices and labels that several blueprints use, so no blueprint imports another's forms."""

from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.config import LOCALE_NAMES
from app.domain.eligibility import age_on
from app.domain.money import MoneyError, parse_pounds
from app.domain.notifications import DELIVERY_UPDATES, PROJECT_UPDATES, REMINDER, RESULTS, VOTING_OPENS
from app.domain.postcodes import normalise_postcode

MIN_REGISTRATION_AGE = 11


class ResidentDetailsChecks:
    """The checks on a resident's postcode and date of birth (or age group), for every form that asks for them.

    The form has postcode, date_of_birth and age_confirmed fields. The two messages that address the person are
    the form's own: residents read "your", staff registering someone in person read "the".
    """

    missing_age_message = _l("Enter your date of birth or choose your age group.")
    too_young_message = _l("You must be 11 or over to register.")

    def validate_postcode(self, field):
        if normalise_postcode(field.data) is None:
            raise ValidationError(_l("Enter a real postcode, like FL1 2AB."))

    def validate_date_of_birth(self, field):
        if field.data is None:
            if not self.age_confirmed.data:
                raise ValidationError(self.missing_age_message)
            return
        today = date.today()
        if field.data > today or field.data.year < 1900:
            raise ValidationError(_l("Date of birth must be a real date in the past."))
        if age_on(field.data, today) < MIN_REGISTRATION_AGE:
            raise ValidationError(self.too_young_message)


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (wards, notices) instead of a multiple select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


LONDON = ZoneInfo("Europe/London")


class MoneyField(StringField):
    """Pounds typed by a person ("£40,000"); .pence holds the value in integer pence."""

    pence = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        text = (self.data or "").strip()
        self.pence = None
        if text:
            try:
                self.pence = parse_pounds(text)
            except MoneyError as error:
                raise ValueError(_l("Enter an amount in pounds, like 4000 or £4,000.50.")) from error


LANGUAGE_CHOICES = [SelectChoice("en", "English"), SelectChoice("cy", "Cymraeg"), SelectChoice("pl", "Polski"),
                    SelectChoice("ur", "اردو"), SelectChoice("pa", "ਪੰਜਾਬੀ")]


def language_choices():
    return [SelectChoice(code, LOCALE_NAMES[code], render_kw={"lang": code})
            for code in current_app.config["SUPPORTED_LOCALES"]]


AGE_CHOICES = [
    SelectChoice("", _l("Choose one")),
    SelectChoice("18", _l("I am 18 or over")),
    SelectChoice("16", _l("I am 16 or 17")),
    SelectChoice("11", _l("I am 11 to 15")),
]


# A board member's seat (shown on the area's public page). Keys: app.models.people.BOARD_ROLES.
BOARD_ROLE_LABELS = {
    "chair": _l("Chair"),
    "ward_councillor": _l("Ward councillor"),
    "co_opted_resident": _l("Co-opted resident"),
    "community_representative": _l("Community representative"),
}


class BallotForm(FlaskForm):
    """Only the CSRF token: ballot fields are read by app.domain.ballots.normalise_form."""


NOTIFICATION_LABELS = {
    VOTING_OPENS: _l("When voting opens in my ward"),
    REMINDER: _l("A reminder two days before voting closes, if I have not voted"),
    RESULTS: _l("When the results are published"),
    PROJECT_UPDATES: _l("News of projects I proposed, or in a pot I voted in"),
    DELIVERY_UPDATES: _l("Updates on the work of funded projects I proposed, or in a pot I voted in"),
}


def notifications_field(label=None):
    """Opt-in notices, per kind, all off unless ticked."""
    return MultiCheckboxField(label or _l("E-mails you would like (optional)"), default=[],
                              choices=[SelectChoice(kind, text) for kind, text in NOTIFICATION_LABELS.items()])

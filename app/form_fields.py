"""Form fields, choices and labels that several blueprints use, so no blueprint imports another's forms."""

from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from app.config import LOCALE_NAMES
from app.domain.money import MoneyError, parse_pounds


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

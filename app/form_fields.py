"""Form fields, choices and labels that several blueprints use, so no blueprint imports another's forms."""

from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import Length, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from app.config import LOCALE_NAMES
from app.domain.eligibility import age_on
from app.domain.money import MoneyError, parse_pounds
from app.domain.notifications import (
    DELIVERY_UPDATES,
    LETTER,
    PROJECT_UPDATES,
    REMINDER,
    RESULTS,
    TEXT,
    VOTING_OPENS,
    uk_mobile,
)
from app.domain.postcodes import normalise_postcode
from app.mail.notify import texts_offered

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
        if field.data >= today:
            raise ValidationError(_l("Date of birth must be in the past"))
        if field.data.year < 1900:
            raise ValidationError(_l("Date of birth must be a real date"))
        if age_on(field.data, today) < MIN_REGISTRATION_AGE:
            raise ValidationError(self.too_young_message)


DATE_PARTS = ("day", "month", "year")


class DateInputField(Field):
    """A date typed in three boxes, day, month and year (the Design System's date input), sent as
    `<name>-day`, `<name>-month` and `<name>-year`; .data is a date, or None when all three are empty.

    Its errors are worded as the Design System words them, naming the field ("Date of birth must include a
    month"); .error_parts says which boxes to mark, and .error_target the box an error summary links to.
    """

    widget = TextInput()  # unused: app/templates/_macros/forms.html date_input renders the three boxes

    def __init__(self, label=None, validators=None, error_name=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.error_name = error_name  # how errors name the field, when not its label
        self.parts = dict.fromkeys(DATE_PARTS, "")
        self.error_parts = ()
        self._formdata = None

    def process(self, formdata, data=None, extra_filters=None):
        self._formdata = formdata
        if data is None:
            super().process(formdata, extra_filters=extra_filters)
        else:
            super().process(formdata, data, extra_filters)

    def process_data(self, value):
        self.data = value
        if isinstance(value, date):
            self.parts = {"day": str(value.day), "month": str(value.month), "year": str(value.year)}

    def process_formdata(self, valuelist):
        formdata = self._formdata
        if formdata is None:
            return
        if not any(f"{self.name}-{part}" in formdata for part in DATE_PARTS):
            # One box of year-month-day, as the browser's date picker sent it (older scripts and tests).
            if valuelist and valuelist[0].strip():
                self.raw_data = [valuelist[0]]
                try:
                    self.process_data(date.fromisoformat(valuelist[0].strip()))
                except ValueError:
                    self.data = None
                    raise ValueError(_("%(name)s must be a real date", name=self._error_name())) from None
            return
        self.parts = {part: (formdata.get(f"{self.name}-{part}") or "").strip() for part in DATE_PARTS}
        self.raw_data = [" ".join(self.parts.values()).strip()]  # empty when nothing was typed (Optional())
        self.data = None
        if not any(self.parts.values()):
            return
        name = self._error_name()
        missing = tuple(part for part in DATE_PARTS if not self.parts[part])
        if missing:
            self.error_parts = missing
            raise ValueError(self._missing_message(missing, name))
        numbers = self.parts
        if not all(value.isdigit() for value in numbers.values()):
            self.error_parts = tuple(part for part in DATE_PARTS if not numbers[part].isdigit())
            raise ValueError(_("%(name)s must be a real date", name=name))
        if len(numbers["year"]) != 4:
            self.error_parts = ("year",)
            raise ValueError(_("Year must include 4 numbers"))
        try:
            self.data = date(int(numbers["year"]), int(numbers["month"]), int(numbers["day"]))
        except (ValueError, OverflowError):  # 31 February; a day or month of twenty digits
            self.error_parts = ("month",) if not 1 <= int(numbers["month"]) <= 12 else ("day",)
            raise ValueError(_("%(name)s must be a real date", name=name)) from None

    def _error_name(self):
        return str(self.error_name or self.label.text)

    @staticmethod
    def _missing_message(missing, name):
        messages = {
            ("day",): _("%(name)s must include a day", name=name),
            ("month",): _("%(name)s must include a month", name=name),
            ("year",): _("%(name)s must include a year", name=name),
            ("day", "month"): _("%(name)s must include a day and month", name=name),
            ("day", "year"): _("%(name)s must include a day and year", name=name),
            ("month", "year"): _("%(name)s must include a month and year", name=name),
        }
        return messages[missing]

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()  # the box-level error is enough; the form's own checks need a date

    def part_has_error(self, part):
        return bool(self.errors) and (part in self.error_parts or not self.error_parts)

    @property
    def error_target(self):
        return f"{self.id}-{(self.error_parts or DATE_PARTS)[0]}"


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


def _notice_channels():
    """Letters always; texts only when the council can send them (else a resident who chose texts gets letters)."""
    channels = [SelectChoice(LETTER, _l("By letter to this address"))]
    if texts_offered(current_app.config):
        channels.append(SelectChoice(TEXT, _l("By text message to a mobile phone")))
    return channels


class NoticeChannelField(RadioField):
    """Letter or text message, as offered (_notice_channels). A text asked for where none are offered (a page
    left open while the set-up changed, a crafted form) is refused in words, not as an unknown choice."""

    def pre_validate(self, form):
        if self.data == TEXT and not self.offers_texts:
            raise StopValidation(_("This council does not send text messages, so notices can only go by letter. "
                                   "Choose letters."))
        super().pre_validate(form)

    @property
    def offers_texts(self):
        return any(choice.value == TEXT for choice in self.choices)


def notice_channel_field():
    """How notices reach a resident registered in person (no e-mail address): by letter or by text."""
    return NoticeChannelField(_l("How should notices reach them?"), default=LETTER, choices=_notice_channels)


def mobile_phone_field():
    return StringField(_l("Mobile phone number (optional)"), description=_l("For text messages. For example, "
                                                                            "07700 900123."),
                       validators=[Length(max=20)])


class NoticeChoicesChecks:
    """The checks on the notices staff record for a resident registered in person, for every form that asks.

    The form has notifications (notifications_field), notice_channel (notice_channel_field) and phone
    (mobile_phone_field) fields.
    """

    def validate_phone(self, field):
        if field.data and uk_mobile(field.data) is None:
            raise ValidationError(_l("Enter a UK mobile number, like 07700 900123."))
        if self.notice_channel.data == TEXT and self.notice_channel.offers_texts and not field.data:
            raise ValidationError(_l("Enter a mobile number for text messages, or choose letters."))

    def show_notices(self, kinds, channel, phone):
        """Fill the form with what the resident chose; a text where none are offered shows as the letter it is."""
        self.notifications.data = sorted(kinds)
        self.notice_channel.data = channel if channel == TEXT and self.notice_channel.offers_texts else LETTER
        self.phone.data = phone or ""

    def notice_choices(self):
        """(kinds, channel, phone) as the resident asked for them."""
        return self.notifications.data or [], self.notice_channel.data, uk_mobile(self.phone.data or "")

import csv
import io
import re
from datetime import datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.domain.phases import RoundDates, check_dates
from app.domain.postcodes import normalise_postcode
from app.domain.rounds import BALLOT_TYPES, COMPLETIONS, COUNTING_RULES
from app.domain.turnout import ELECTORATE_BANDS, MAX_RESIDENTS
from app.domain.uk_time import check_uk_time, uk_to_utc
from app.form_fields import (
    DATE_PARTS,
    LANGUAGE_CHOICES,
    LONDON,
    DateInputField,
    MoneyField,
    MultiCheckboxField,
)
from app.labels import BALLOT_TYPE_LABELS, COMPLETION_LABELS, COUNTING_RULE_LABELS
from app.problem_messages import message


class LondonDateTimeField(DateInputField):
    """A date and time in UK time, asked as the Design System asks for dates (day, month and year boxes) with a
    time box beside them (hours and minutes, 24-hour clock): sent as <name>-day, -month, -year and -time.
    One value "2026-07-01T18:00" is still taken (scripts, older pages). .data is a naive UK datetime;
    .utc gives the aware UTC value, show_utc() fills the boxes from one.
    """

    ONE_VALUE_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parts["time"] = ""

    def process_data(self, value):
        self.data = value
        if isinstance(value, datetime):
            self.parts = {"day": str(value.day), "month": str(value.month), "year": str(value.year),
                          "time": value.strftime("%H:%M")}

    def process_formdata(self, valuelist):
        self._read_formdata(valuelist)
        if self.data is not None and (problems := check_uk_time(self.data)):
            self.error_parts, self.data = ("time",), None
            raise ValueError(message(problems[0], name=str(self.error_name or self.label.text)))

    def _read_formdata(self, valuelist):
        formdata = self._formdata
        boxes = formdata is not None and any(f"{self.name}-{part}" in formdata for part in (*DATE_PARTS, "time"))
        if not boxes:
            if valuelist and valuelist[0]:
                self.data = self._one_value(valuelist[0])
            return
        time_text = (formdata.get(f"{self.name}-time") or "").strip()
        super().process_formdata(valuelist)  # the day, month and year: a date, or None when all three are empty
        self.parts["time"] = time_text
        name = str(self.error_name or self.label.text)
        if self.data is None:
            if time_text:
                self.error_parts = DATE_PARTS
                raise ValueError(_("%(name)s must include a day, month and year", name=name))
            return
        found = re.fullmatch(r"(\d{1,2})[:.](\d{2})", time_text)
        if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
            self.error_parts, self.data = ("time",), None
            raise ValueError(_("%(name)s must include a time in hours and minutes, like 18:00", name=name))
        self.data = datetime.combine(self.data, time(int(found.group(1)), int(found.group(2))))
        self.raw_data = [self.data.isoformat()]

    def _one_value(self, text):
        for fmt in self.ONE_VALUE_FORMATS:
            try:
                return datetime.strptime(text.strip(), fmt)
            except ValueError:
                continue
        raise ValueError(_("Enter the date and time as day, month, year and hours and minutes."))

    @property
    def utc(self):
        return uk_to_utc(self.data) if self.data else None

    def show_utc(self, value):
        self.process_data(value.astimezone(LONDON).replace(tzinfo=None) if value else None)


class RoundForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(_l("Enter a title.")), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[InputRequired(_l("Enter a description.")),
                                                               Length(max=5000)])
    area = SelectField(_l("Area"), choices=[])
    wards = MultiCheckboxField(_l("Wards whose residents may take part"), choices=[], coerce=int)
    languages = MultiCheckboxField(_l("Languages offered"), choices=LANGUAGE_CHOICES, default=["en"])
    original_locale = SelectField(_l("Language you are writing in"), choices=LANGUAGE_CHOICES, validators=[Optional()])
    proposals_open_at = LondonDateTimeField(_l("Proposals open (UK time)"), validators=[
        DataRequired(_l("Enter when proposals open."))])
    proposals_close_at = LondonDateTimeField(_l("Proposals close (UK time)"), validators=[
        DataRequired(_l("Enter when proposals close."))])
    voting_open_at = LondonDateTimeField(_l("Voting opens (UK time)"), validators=[
        DataRequired(_l("Enter when voting opens."))])
    voting_close_at = LondonDateTimeField(_l("Voting closes (UK time)"), validators=[
        DataRequired(_l("Enter when voting closes."))])
    min_age = IntegerField(_l("Minimum age on the voting day (optional)"),
                           validators=[Optional(), NumberRange(min=11, max=120, message=_l("Enter an age from 11 to 120."))])
    require_verified_email = BooleanField(_l("Residents must have confirmed their e-mail address"), default=True)

    def validate_wards(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one ward."))

    def written_in(self):
        """{"original_locale": code} of the language the officer writes the round's (and its pots') texts in;
        {} when the form did not say, which keeps the round's own (English for a new one)."""
        return {"original_locale": self.original_locale.data} if self.original_locale.data else {}

    def validate_voting_close_at(self, field):
        dates = RoundDates(self.proposals_open_at.data, self.proposals_close_at.data, self.voting_open_at.data,
                           field.data)
        problems = check_dates(dates) if all(vars(dates).values()) else []  # a missing date has its own message
        if problems:
            raise ValidationError(message(problems[0]))


BALLOT_TYPE_CHOICES = [SelectChoice(code, label) for code, label in BALLOT_TYPE_LABELS.items()]
RULE_CHOICES = [SelectChoice(code, label) for code, label in COUNTING_RULE_LABELS.items()]
COMPLETION_CHOICES = [SelectChoice(code, label) for code, label in COMPLETION_LABELS.items()]

assert set(BALLOT_TYPE_LABELS) == set(BALLOT_TYPES) and set(COUNTING_RULE_LABELS) == set(COUNTING_RULES)
assert set(COMPLETION_LABELS) == set(COMPLETIONS)


# The settings each ballot type uses; the pot form reveals only the chosen type's and ignores the others.
BALLOT_TYPE_FIELDS = {"approval": ("max_choices",), "knapsack": (), "ranked": ("max_ranks",),
                      "cumulative": ("total_points", "max_points_per_project")}
ALL_BALLOT_TYPE_FIELDS = ("max_choices", "max_ranks", "total_points", "max_points_per_project")


class PotForm(FlaskForm):
    """A grant pot's settings. Approval and ranked ballots both limit the choices (pot.max_choices), each in
    its own field under its own radio: max_ranks is max_choices for a ranked ballot."""

    name = StringField(_l("Name of the pot"), validators=[InputRequired(_l("Enter a name.")), Length(max=200)])
    instructions = TextAreaField(_l("Ballot instructions"), validators=[Optional(), Length(max=2000)])
    amount = MoneyField(_l("Amount (£)"), validators=[InputRequired(_l("Enter the amount in the pot."))])
    min_project_cost = MoneyField(_l("Smallest project cost (£, optional)"), validators=[Optional()])
    max_project_cost = MoneyField(_l("Largest project cost (£, optional)"), validators=[Optional()])
    wards = MultiCheckboxField(_l("Wards whose residents may propose and vote"), choices=[], coerce=int)
    ballot_type = RadioField(_l("Ballot type"), choices=BALLOT_TYPE_CHOICES,
                             validators=[InputRequired(_l("Choose the ballot type."))])
    max_choices = IntegerField(_l("Most projects a resident may choose"),
                               validators=[Optional(), NumberRange(min=1, max=50)])
    max_ranks = IntegerField(_l("Most projects a resident may rank"),
                             validators=[Optional(), NumberRange(min=1, max=50)])
    total_points = IntegerField(_l("Points each resident spreads"), validators=[Optional(), NumberRange(min=1, max=1000)])
    max_points_per_project = IntegerField(_l("Most points on one project"),
                                          validators=[Optional(), NumberRange(min=1, max=1000)])
    counting_rule = RadioField(_l("Counting rule"), choices=RULE_CHOICES,
                               validators=[InputRequired(_l("Choose the counting rule."))])
    completion = RadioField(_l("Equal Shares top-up"), choices=COMPLETION_CHOICES, default="add1u",
                            description=_l("Used only by the Method of Equal Shares."),
                            validators=[InputRequired(_l("Choose the top-up."))])

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if obj is not None and obj.ballot_type == "ranked":
            self.max_ranks.data, self.max_choices.data = obj.max_choices, None

    def field_for(self, setting):
        """The field showing a setting (a problem's field from check_pot): a ranked ballot's limit is max_ranks."""
        return "max_ranks" if setting == "max_choices" and self.ballot_type.data == "ranked" else setting

    def other_ballot_fields(self):
        """The settings of the ballot types not chosen: hidden on the page, so never read or checked."""
        wanted = BALLOT_TYPE_FIELDS.get(self.ballot_type.data, ())
        return [name for name in ALL_BALLOT_TYPE_FIELDS if name not in wanted]

    def validate(self, extra_validators=None):
        super().validate(extra_validators)
        for name in self.other_ballot_fields():
            self[name].errors, self[name].data = [], None
        return not any(f.errors for f in self) and not self.form_errors

    def settings(self):
        """The pot's settings as save_pot and check_pot take them (money in pence)."""
        return dict(amount_pence=self.amount.pence, min_project_cost_pence=self.min_project_cost.pence,
                    max_project_cost_pence=self.max_project_cost.pence, ballot_type=self.ballot_type.data,
                    max_choices=self[self.field_for("max_choices")].data, total_points=self.total_points.data,
                    max_points_per_project=self.max_points_per_project.data,
                    counting_rule=self.counting_rule.data, completion=self.completion.data)

class PhaseForm(FlaskForm):
    target = StringField(validators=[InputRequired()])
    reason = TextAreaField(_l("Why are you closing voting before the published close?"),
                           description=_l("Residents will see this on the round's page."),
                           validators=[Optional(), Length(max=1000)])


class PublishForm(FlaskForm):
    """Publishing a round's results: the confirmation carries nothing but the CSRF token."""


class ExtendCloseForm(FlaskForm):
    voting_close_at = LondonDateTimeField(_l("New close of voting (UK time)"), validators=[
        DataRequired(_l("Enter the new close of voting."))])


REVIEW_CHOICES = [
    SelectChoice("feasible", _l("Feasible: it can go on the ballot")),
    SelectChoice("needs_changes", _l("Needs changes: ask the proposer")),
    SelectChoice("not_feasible", _l("Not feasible")),
]


class ReviewForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=REVIEW_CHOICES)
    reason = TextAreaField(_l("Reason or message to the proposer"),
                           description=_l("Required when the project is not feasible or needs changes. "
                                          "A reason for 'not feasible' is published."),
                           validators=[Optional(), Length(max=2000)])
    adjusted_cost = MoneyField(_l("Adjusted cost (£, optional)"),
                               description=_l("Leave empty to keep the proposer's estimate."), validators=[Optional()])
    cost_reason = TextAreaField(_l("Why has the cost changed?"),
                                description=_l("Required when you change the cost. The proposer sees it on their "
                                               "project's page and in the e-mail about your review."),
                                validators=[Optional(), Length(max=2000)])


class MergeForm(FlaskForm):
    into = SelectField(_l("Merge into"), choices=[], coerce=int)


class ModerateForm(FlaskForm):
    reason = TextAreaField(_l("Reason for hiding"), validators=[Optional(), Length(max=1000)])


class CheckedUpload:
    """A form whose file is read once its other fields are valid: at most max_bytes of UTF-8 text (a byte-order
    mark dropped), kept in .text for read(); otherwise the unreadable message is said beside the file."""

    max_bytes = 0
    unreadable = ""
    text = None

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        data = self.file.data.read(self.max_bytes + 1)
        try:
            self.text = data.decode("utf-8-sig") if len(data) <= self.max_bytes else None
        except UnicodeDecodeError:
            self.text = None
        if self.text is None or not self.read(self.text):
            self.file.errors.append(str(self.unreadable))
            return False
        return True

    def read(self, text):
        """Whether the text can be used: a form may keep more than the text (its rows)."""
        return True


# Electorate figures per ward and age band (officer/electorate.py).


class CountField(StringField):
    """A number of residents typed by a person ("1,200"); .count holds it, None when left empty."""

    count = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        text = (self.data or "").strip().replace(",", "")
        self.count = None
        if text:
            if not text.isdigit() or int(text) > MAX_RESIDENTS:
                raise ValueError(_l("Enter a whole number of residents, like 1200, or leave it empty."))
            self.count = int(text)


class SourceFields(FlaskForm):
    source = StringField(_l("Source of the figures"),
                         description=_l("Shown with the turnout, for example: ONS mid-2024 population estimates."),
                         validators=[InputRequired(_l("Enter where the figures come from.")), Length(max=300)])
    as_of = DateInputField(_l("Date the figures describe"), description=_l("For example, 30 6 2024"),
                           validators=[InputRequired(_l("Enter the date the figures describe."))])


class WardField(SelectField):
    """A ward from the list, with a translated message for anything else that is sent."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_l("Choose a ward from the list.")) from None

    def pre_validate(self, form):
        if self.data not in {choice[0] for choice in self.choices}:
            raise ValidationError(_l("Choose a ward from the list."))


class WardFiguresForm(SourceFields):
    ward = WardField(_l("Ward"), choices=[], coerce=int)

    def band_fields(self):
        return [getattr(self, _field_name(band)) for band in ELECTORATE_BANDS]

    def residents(self):
        """{band: residents, or None where the box was left empty}."""
        return {band: field.count for band, field in zip(ELECTORATE_BANDS, self.band_fields(), strict=True)}

    def show(self, ward_id, figures):
        """Fill the form with a ward's figures on record (figures: a services.electorate.WardFigures, or None)."""
        self.ward.data = ward_id
        if figures is not None:
            for band, field in zip(ELECTORATE_BANDS, self.band_fields(), strict=True):
                field.data = str(figures.residents[band]) if band in figures.residents else ""
            self.source.data, latest = figures.sources[-1]
            self.as_of.process_data(latest)

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        if all(n is None for n in self.residents().values()):
            self.form_errors.append(_("Enter the number of residents in at least one age band."))
        return not self.form_errors


def _field_name(band):
    return "band_" + band.replace("-", "_").replace("+", "_plus")


def _band_field_label(band):
    if band == "under-11":
        return _l("Residents under 11")
    if band == "75+":
        return _l("Residents aged 75 or over")
    return _l("Residents aged %(band)s", band=band)


for _band in ELECTORATE_BANDS:
    setattr(WardFiguresForm, _field_name(_band), CountField(_band_field_label(_band)))


class ElectorateUploadForm(CheckedUpload, SourceFields):
    """The figures as a CSV file: once valid, .rows holds its rows (lists of cells)."""

    file = FileField(_l("Electorate file (CSV)"),
                     description=_l("Columns ward_code, age_band and residents: one row per ward and age band."),
                     validators=[FileRequired(_l("Choose a CSV file to upload."))])
    max_bytes = 5 * 1024 * 1024
    unreadable = _l("The file must be a CSV file of at most 5 MB, saved as UTF-8.")
    rows = None

    def read(self, text):
        try:
            self.rows = list(csv.reader(io.StringIO(text)))
        except csv.Error:
            return False
        return True

    def accepts(self, figures, problems):
        """Whether the file's checked figures can be imported; if not, say why beside the file."""
        if problems:
            self.file.errors.append(_("%(count)d rows have problems. Nothing was imported. Correct them and "
                                      "upload again.", count=len(problems)))
        elif not figures:
            self.file.errors.append(_("The file has no figures."))
        return not self.file.errors


# Paper ballots (officer/paper.py).


class PaperSearchForm(FlaskForm):
    """Who to look up (a GET search, so no CSRF token): a name, and a postcode or a date of birth."""

    class Meta:
        csrf = False

    name = StringField(_l("Name"), filters=[lambda text: (text or "").strip()[:200]])
    postcode = StringField(_l("Postcode"), filters=[lambda text: (text or "").strip()[:12]])
    date_of_birth = DateInputField(_l("Date of birth"), validators=[Optional()],
                                   description=_l("For example, 17 5 1980."))

    def validate_postcode(self, field):
        typed = bool(field.data)
        # No postcode needs a date of birth; a date typed wrong has its own message (process_errors: read before
        # the date is validated).
        if (typed and normalise_postcode(field.data) is None) or (not typed and self.date_of_birth.data is None
                                                                  and not self.date_of_birth.process_errors):
            raise ValidationError(_l("Enter a real postcode, like FL1 2AB."))

    def search(self):
        """(name, postcode, date of birth) to ask the register, or None: nothing searched, a problem, no name."""
        if not self.validate() or not self.name.data:  # a search with no name shows no one
            return None
        return self.name.data, normalise_postcode(self.postcode.data), self.date_of_birth.data


class SheetForm(CheckedUpload, FlaskForm):
    """A sheet of paper ballots as a CSV file: once valid, .text holds it."""

    pot = SelectField(_l("Grant pot"), coerce=int, choices=[])
    file = FileField(_l("Sheet of paper ballots (CSV)"),
                     description=_l("Columns name, postcode, date_of_birth and choices: one row per ballot."),
                     validators=[FileRequired(_l("Choose a CSV file to upload."))])
    max_bytes = 512 * 1024
    unreadable = _l("The file must be a CSV file of at most 512 KB, saved as UTF-8.")


class ConfirmForm(FlaskForm):
    pass

from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.domain.phases import RoundDates, check_dates
from app.domain.rounds import BALLOT_TYPES, COMPLETIONS, COUNTING_RULES
from app.form_fields import LANGUAGE_CHOICES, LONDON, MoneyField, MultiCheckboxField
from app.problem_messages import message


class LondonDateTimeField(DateTimeLocalField):
    """A date and time typed in UK time; .utc gives the aware UTC value, show_utc() fills it from one.

    The first format is the one written into value="": HTML's normalised datetime-local form, to the minute.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])
        super().__init__(*args, **kwargs)

    @property
    def utc(self):
        return self.data.replace(tzinfo=LONDON).astimezone(ZoneInfo("UTC")) if self.data else None

    def show_utc(self, value):
        self.data = value.astimezone(LONDON).replace(tzinfo=None) if value else None


class RoundForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(_l("Enter a title.")), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[InputRequired(_l("Enter a description.")),
                                                               Length(max=5000)])
    area = SelectField(_l("Area"), choices=[])
    wards = MultiCheckboxField(_l("Wards whose residents may take part"), choices=[], coerce=int)
    languages = MultiCheckboxField(_l("Languages offered"), choices=LANGUAGE_CHOICES, default=["en"])
    proposals_open_at = LondonDateTimeField(_l("Proposals open (UK time)"), validators=[
        InputRequired(_l("Enter when proposals open."))])
    proposals_close_at = LondonDateTimeField(_l("Proposals close (UK time)"), validators=[
        InputRequired(_l("Enter when proposals close."))])
    voting_open_at = LondonDateTimeField(_l("Voting opens (UK time)"), validators=[
        InputRequired(_l("Enter when voting opens."))])
    voting_close_at = LondonDateTimeField(_l("Voting closes (UK time)"), validators=[
        InputRequired(_l("Enter when voting closes."))])
    min_age = IntegerField(_l("Minimum age on the voting day (optional)"),
                           validators=[Optional(), NumberRange(min=11, max=120, message=_l("Enter an age from 11 to 120."))])
    require_verified_email = BooleanField(_l("Residents must have confirmed their e-mail address"), default=True)

    def validate_wards(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one ward."))

    def validate_voting_close_at(self, field):
        dates = RoundDates(self.proposals_open_at.data, self.proposals_close_at.data, self.voting_open_at.data,
                           field.data)
        problems = check_dates(dates) if all(vars(dates).values()) else []  # a missing date has its own message
        if problems:
            raise ValidationError(message(problems[0]))


# Words for the pot settings the rules define (app.domain.rounds), in the order the form offers them.
BALLOT_TYPE_WORDS = {
    "approval": _l("Approval: choose up to a number of projects"),
    "knapsack": _l("Budget: choose projects whose total cost fits the pot"),
    "cumulative": _l("Points: spread points across projects"),
    "ranked": _l("Ranked: put projects in order of preference"),
}
RULE_WORDS = {
    "greedy": _l("Most votes first, while money lasts"),
    "mes-cost": _l("Method of Equal Shares"),
    "mes-card": _l("Method of Equal Shares (favouring more projects)"),
}
COMPLETION_WORDS = {
    "add1u": _l("Spend what is left: raise shares, then most votes first"),
    "add1": _l("Raise shares until the money is used"),
    "none": _l("No top-up"),
}
assert set(BALLOT_TYPE_WORDS) == set(BALLOT_TYPES) and set(RULE_WORDS) == set(COUNTING_RULES)
assert set(COMPLETION_WORDS) == set(COMPLETIONS)
BALLOT_TYPE_CHOICES = [SelectChoice(value, words) for value, words in BALLOT_TYPE_WORDS.items()]
RULE_CHOICES = [SelectChoice(value, words) for value, words in RULE_WORDS.items()]
COMPLETION_CHOICES = [SelectChoice(value, words) for value, words in COMPLETION_WORDS.items()]


class PotForm(FlaskForm):
    name = StringField(_l("Name of the pot"), validators=[InputRequired(_l("Enter a name.")), Length(max=200)])
    instructions = TextAreaField(_l("Ballot instructions"), validators=[Optional(), Length(max=2000)])
    amount = MoneyField(_l("Amount (£)"), validators=[InputRequired(_l("Enter the amount in the pot."))])
    min_project_cost = MoneyField(_l("Smallest project cost (£, optional)"), validators=[Optional()])
    max_project_cost = MoneyField(_l("Largest project cost (£, optional)"), validators=[Optional()])
    wards = MultiCheckboxField(_l("Wards whose residents may propose and vote"), choices=[], coerce=int)
    ballot_type = SelectField(_l("Ballot type"), choices=BALLOT_TYPE_CHOICES)
    max_choices = IntegerField(_l("Most projects a resident may choose or rank"),
                               validators=[Optional(), NumberRange(min=1, max=50)])
    total_points = IntegerField(_l("Points each resident spreads"), validators=[Optional(), NumberRange(min=1, max=1000)])
    max_points_per_project = IntegerField(_l("Most points on one project"),
                                          validators=[Optional(), NumberRange(min=1, max=1000)])
    counting_rule = SelectField(_l("Counting rule"), choices=RULE_CHOICES)
    completion = SelectField(_l("Equal Shares top-up"), choices=COMPLETION_CHOICES)

    def settings(self):
        """The pot's settings as save_pot and check_pot take them (money in pence)."""
        return dict(amount_pence=self.amount.pence, min_project_cost_pence=self.min_project_cost.pence,
                    max_project_cost_pence=self.max_project_cost.pence, ballot_type=self.ballot_type.data,
                    max_choices=self.max_choices.data, total_points=self.total_points.data,
                    max_points_per_project=self.max_points_per_project.data,
                    counting_rule=self.counting_rule.data, completion=self.completion.data)

class PhaseForm(FlaskForm):
    target = StringField(validators=[InputRequired()])
    reason = TextAreaField(_l("Why are you closing voting before the published close?"),
                           description=_l("Residents will see this on the round's page."),
                           validators=[Optional(), Length(max=1000)])


class ExtendCloseForm(FlaskForm):
    voting_close_at = LondonDateTimeField(_l("New close of voting (UK time)"), validators=[
        InputRequired(_l("Enter the new close of voting."))])


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

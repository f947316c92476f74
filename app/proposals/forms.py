from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.domain.proposals import BREAKDOWN_MAX, DESCRIPTION_MAX, PUBLIC_STATUSES, SUMMARY_MAX, TITLE_MAX
from app.form_fields import LANGUAGE_CHOICES, MoneyField
from app.request_limits import int_arg

# WTForms' own words for a too-long answer are English only in Urdu and Punjabi (it has no catalogue for them),
# so every length limit a resident can reach says it in our catalogue's words.
USE_FEWER = _l("Use %(max)d characters or fewer.")


class ProposalForm(FlaskForm):
    pot = SelectField(_l("Which pot is it for?"), choices=[], coerce=int)
    title = StringField(_l("Project title"), validators=[
        Length(max=TITLE_MAX, message=_l("The title must be 120 characters or fewer."))])
    summary = TextAreaField(_l("Summary"), description=_l("One or two sentences. Shown on the ballot."),
                            validators=[Length(max=SUMMARY_MAX,
                                               message=_l("The summary must be 300 characters or fewer."))])
    description = TextAreaField(_l("What will you do, who will benefit and who will run it?"),
                                validators=[Length(max=DESCRIPTION_MAX, message=_l(
                                    "The description must be 5,000 characters or fewer."))])
    cost = MoneyField(_l("Estimated cost (£)"), validators=[Optional()])
    cost_breakdown = TextAreaField(_l("Cost breakdown (optional)"), description=_l("For example: shed £800, tools £300."),
                                   validators=[Optional(), Length(max=BREAKDOWN_MAX, message=_l(
                                       "The cost breakdown must be 2,000 characters or fewer."))])
    ward = SelectField(_l("Ward"), choices=[], coerce=int)
    location = StringField(_l("Where exactly? (optional)"), validators=[Optional(), Length(max=200, message=USE_FEWER)])
    # Choices: the round's area's priorities (app.services.priorities), set by the view.
    priority = SelectField(_l("Which neighbourhood plan priority does it serve?"), choices=[])
    original_locale = SelectField(_l("Language you are writing in"), choices=LANGUAGE_CHOICES)
    group_name = StringField(_l("Community group you represent (optional)"),
                             validators=[Optional(), Length(max=200, message=USE_FEWER)])

    def proposal_input(self):
        """What save_proposal takes from the form, stripped of surrounding spaces."""
        def text(field):
            return (field.data or "").strip()

        return dict(title=text(self.title), summary=text(self.summary), description=text(self.description),
                    cost_pence=self.cost.pence, cost_breakdown=text(self.cost_breakdown), ward_id=self.ward.data,
                    location=text(self.location), priority=self.priority.data,
                    original_locale=self.original_locale.data, group_name=text(self.group_name))


class EmptyForm(FlaskForm):
    pass


def list_filters(priority_codes):
    """The public list's filters from the query string, and its search words (at most 100 characters).

    filters: {"round"|"pot"|"ward": id, "status": a public status, "priority": one of priority_codes}, only those
    given and allowed; an id that is not a number is a 400 (int_arg).
    """
    # Each name written out: the route gates find the numbers a view reads by reading int_arg("...") calls.
    ids = {"round": int_arg("round"), "pot": int_arg("pot"), "ward": int_arg("ward")}
    filters = {name: value for name, value in ids.items() if value}
    for name, allowed in (("status", PUBLIC_STATUSES), ("priority", priority_codes)):
        value = request.args.get(name, "")
        if value in allowed:
            filters[name] = value
    return filters, request.args.get("q", "").strip()[:100]

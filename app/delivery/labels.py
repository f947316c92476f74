"""Words for delivery statuses, traffic lights and problems: the one place codes become sentences."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.domain.delivery import STATUSES

STATUS_WORDS = {
    "not_started": _l("Not started"),
    "on_track": _l("On track"),
    "at_risk": _l("At risk"),
    "delayed": _l("Delayed"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}
assert set(STATUS_WORDS) == set(STATUSES)

LIGHT_WORDS = {
    "red": _l("Red: delayed or late"),
    "amber": _l("Amber: at risk"),
    "green": _l("Green: on track or completed"),
    "grey": _l("Grey: not started or cancelled"),
}

PROBLEM_MESSAGES = {
    "unknown_status": lambda values: _("Choose a status."),
    "negative_spent": lambda values: _("Money spent cannot be less than nothing."),
    "over_award": lambda values: _("Money spent cannot be more than the award of %(award)s.",
                                   award=_pounds(values[1])),
    "completed_needs_date": lambda values: _("Enter the date the project was completed as its target date."),
    "title_required": lambda values: _("Enter what the milestone is."),
    "title_too_long": lambda values: _("The milestone must be %(n)d characters or fewer.", n=values[0]),
    "date_required": lambda values: _("Enter the milestone's date, like 2027-03-31."),
    "body_required": lambda values: _("Write the update."),
    "body_too_long": lambda values: _("The update must be %(n)d characters or fewer.", n=values[0]),
    "alt_required": lambda values: _("Describe the photo for people who cannot see it."),
    "alt_too_long": lambda values: _("The description of the photo must be %(n)d characters or fewer.",
                                     n=values[0]),
    "photo_not_an_image": lambda values: _("The file is not a photo. Choose a JPEG, PNG, WebP or GIF image."),
    "photo_unsupported": lambda values: _("The file is not a photo. Choose a JPEG, PNG, WebP or GIF image."),
    "photo_too_large": lambda values: _("The photo must be smaller than 10 MB."),
    "photo_too_many_pixels": lambda values: _("The photo has too many pixels. Choose a smaller image."),
}


def _pounds(pence):
    from app.i18n import format_pence

    return format_pence(pence)


def status_word(status):
    return str(STATUS_WORDS.get(status, status))


def light_word(light):
    return str(LIGHT_WORDS.get(light, light))


def message_for(problem):
    return PROBLEM_MESSAGES.get(problem.code, lambda values: problem.code)(problem.values)


def put_on_form(form, problems):
    """Show domain problems as field errors, so the error summary links to each field."""
    for problem in problems:
        field = getattr(form, problem.field or "", None)
        if field is None:
            form.form_errors.append(message_for(problem))
        else:
            field.errors = [*field.errors, message_for(problem)]

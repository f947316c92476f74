"""Words for delivery statuses and traffic lights (its problems are worded in app.problem_messages)."""

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

def status_word(status):
    return str(STATUS_WORDS.get(status, status))


def light_word(light):
    return str(LIGHT_WORDS.get(light, light))

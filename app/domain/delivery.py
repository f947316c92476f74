"""Rules for delivering a confirmed award: status words and traffic lights, lateness, money spent, updates.

A status is always shown as words beside its light (WCAG 1.4.1: never colour alone). An award is "at risk
or late" when its officer says so (at risk, delayed) or when its target date has passed and it is neither
completed nor cancelled: a forgotten record must not look on track.
"""

from app.domain.problems import Problem

STATUSES = ("not_started", "on_track", "at_risk", "delayed", "completed", "cancelled")
LIGHTS = {"not_started": "grey", "on_track": "green", "at_risk": "amber", "delayed": "red",
          "completed": "green", "cancelled": "grey"}
LIGHT_ORDER = ("red", "amber", "green", "grey")
FINISHED = ("completed", "cancelled")
MAX_UPDATE_CHARS = 5000
MAX_TITLE_CHARS = 200
MAX_ALT_CHARS = 300


def light(status):
    """The traffic light of a status (red, amber, green or grey)."""
    return LIGHTS.get(status, "grey")


def is_late(status, target_date, today):
    """The target date has passed and the project is still open."""
    return target_date is not None and target_date < today and status not in FINISHED


def at_risk_or_late(status, target_date, today):
    return status in ("at_risk", "delayed") or is_late(status, target_date, today)


def shown_light(status, target_date, today):
    """The light to show: a late project is red whatever its recorded status."""
    return "red" if is_late(status, target_date, today) else light(status)


def check_change(status, target_date, spent_pence, award_pence):
    """Problems with an officer's change of status, target date and money spent.

    Money spent is whole pence, never negative and never more than the award: an overspend is paid from
    elsewhere and recorded there, so the public figure stays "spent of the award".
    """
    problems = []
    if status not in STATUSES:
        problems.append(Problem("unknown_status", "status"))
    if spent_pence < 0:
        problems.append(Problem("negative_spent", "spent"))
    elif spent_pence > award_pence:
        problems.append(Problem("over_award", "spent", {"spent_pence": spent_pence, "award_pence": award_pence}))
    if status == "completed" and target_date is None:
        problems.append(Problem("completed_needs_date", "target_date"))
    return problems


def check_milestone(title, due_date):
    problems = []
    if not title.strip():
        problems.append(Problem("title_required", "title"))
    elif len(title) > MAX_TITLE_CHARS:
        problems.append(Problem("title_too_long", "title", {"max": MAX_TITLE_CHARS}))
    if due_date is None:
        problems.append(Problem("date_required", "due_date"))
    return problems


def check_update(body, has_photo, alt_text):
    """An update says something; a photo comes with a description for people who cannot see it."""
    problems = []
    if not body.strip():
        problems.append(Problem("body_required", "body"))
    elif len(body) > MAX_UPDATE_CHARS:
        problems.append(Problem("body_too_long", "body", {"max": MAX_UPDATE_CHARS}))
    if has_photo and not alt_text.strip():
        problems.append(Problem("alt_required", "photo_alt"))
    elif len(alt_text) > MAX_ALT_CHARS:
        problems.append(Problem("alt_too_long", "photo_alt", {"max": MAX_ALT_CHARS}))
    return problems


def may_post_update(is_officer, is_proposer, proposer_allowed):
    """Officers post updates; the proposer's group only when the officer has allowed it for this award."""
    return is_officer or (is_proposer and proposer_allowed)


def light_summary(lights):
    """{light: count} over LIGHT_ORDER, zeros included, for the board report's traffic-light summary."""
    counts = dict.fromkeys(LIGHT_ORDER, 0)
    for value in lights:
        counts[value] += 1
    return counts


def spent_share(spent_pence, award_pence):
    """Whole percent of the award spent (0 for a zero award)."""
    return 0 if award_pence <= 0 else min(100, spent_pence * 100 // award_pence)

"""Ballot problems and refusal codes in words, for the online ballot and the officer's paper-ballot entry."""

from flask_babel import gettext as _
from flask_babel import ngettext

from app.domain import ballots as ballot_rules
from app.eligibility_text import eligibility_message
from app.i18n import format_pence

CONTROL = {"cumulative": "points", "ranked": "rank"}  # approval and knapsack: one list of checkboxes


def problem_target(problem, ballot_type):
    """The id of the ballot control a problem is about, for its error message and the error summary's link:
    one project's points or rank, the list of projects as a whole ("projects"), or None for a reason that is
    about the resident or the round (not being able to vote), which no control can put right."""
    if isinstance(problem, str):
        return "projects" if problem == "duplicate_position" else None
    project_id = getattr(problem, "project_id", None)
    if project_id is not None and not isinstance(problem, ballot_rules.UnknownProject) and ballot_type in CONTROL:
        return f"{CONTROL[ballot_type]}-{project_id}"
    return "projects"


def problem_message(problem):
    """A translated sentence for a ballot problem or refusal code."""
    if isinstance(problem, ballot_rules.TooManyChoices):
        return ngettext("You can choose %(num)d project. You chose %(chosen)d.",
                        "You can choose up to %(num)d projects. You chose %(chosen)d.", problem.allowed,
                        chosen=problem.chosen)
    if isinstance(problem, ballot_rules.OverBudget):
        return _("Your choices cost %(total)s, which is more than the %(cap)s in the pot.",
                 total=format_pence(problem.total_pence), cap=format_pence(problem.cap_pence))
    if isinstance(problem, ballot_rules.TooManyPoints):
        return _("You gave %(total)d points. You have %(allowed)d to spread.", total=problem.total,
                 allowed=problem.allowed)
    if isinstance(problem, ballot_rules.TooManyPointsForOne):
        return _("You can give at most %(allowed)d points to one project.", allowed=problem.allowed)
    if isinstance(problem, ballot_rules.BadPoints):
        return _("Points must be whole numbers of 0 or more.")
    if isinstance(problem, ballot_rules.DuplicateRank):
        return _("Each project can only have one rank.")
    if isinstance(problem, ballot_rules.UnknownProject):
        return _("One of your choices is not on this ballot. Please choose again.")
    if isinstance(problem, ballot_rules.EmptyBallot):
        return _("Choose at least one project before you vote.")
    if isinstance(problem, str) and eligibility_message(problem):
        return eligibility_message(problem)
    return {
        "voting_closed": _("Voting in this round has closed. Your ballot was not stored."),
        "held_for_merge": _("This account matches another registration of the same person. The council will "
                            "check them and merge them before this account can vote."),
        "voted_on_paper": _("You have already voted on paper in this pot, so you cannot vote online."),
        "try_again": _("Something went wrong while storing your ballot. Nothing was stored. Please try again."),
        "duplicate_position": _("Each rank can only be used once."),
        "not_found": _("This ballot does not exist."),
    }.get(problem, _("Your ballot could not be stored. Please check it and try again."))

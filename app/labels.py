"""Words for the phases a round moves through and the statuses a proposal moves through."""

from flask_babel import gettext as _


def phase_label(phase):
    return {
        "draft": _("Draft"), "proposals": _("Proposals open"), "review": _("Officer review"),
        "voting": _("Voting"), "counting": _("Counting"), "decision": _("Board decision"),
        "published": _("Published"),
    }[phase]


# The colour of each phase's tag (GOV.UK Frontend's govuk-tag--<colour>); the tag's words say the phase.
PHASE_COLOURS = {"draft": "grey", "proposals": "light-blue", "review": "yellow", "voting": "green",
                 "counting": "orange", "decision": "purple", "published": "blue"}


def phase_colour(phase):
    return PHASE_COLOURS.get(phase)


STATUS_LABELS = {
    "draft": lambda: _("Draft"), "submitted": lambda: _("Waiting for review"),
    "needs_changes": lambda: _("Needs changes"), "feasible": lambda: _("Feasible"),
    "not_feasible": lambda: _("Not feasible"), "withdrawn": lambda: _("Withdrawn"), "merged": lambda: _("Merged"),
}

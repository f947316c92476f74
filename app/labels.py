"""Words for the phases a round moves through and the statuses a proposal moves through."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


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


# A pot's settings in words (the officer's pot form offers the same words as its choices).
BALLOT_TYPE_LABELS = {
    "approval": _l("Approval: choose up to a number of projects"),
    "knapsack": _l("Budget: choose projects whose total cost fits the pot"),
    "cumulative": _l("Points: spread points across projects"),
    "ranked": _l("Ranked: put projects in order of preference"),
}
COUNTING_RULE_LABELS = {
    "greedy": _l("Most votes first, while money lasts"),
    "mes-cost": _l("Method of Equal Shares"),
    "mes-card": _l("Method of Equal Shares (favouring more projects)"),
}
COMPLETION_LABELS = {
    "add1u": _l("Spend what is left: raise shares, then most votes first"),
    "add1": _l("Raise shares until the money is used"),
    "none": _l("No top-up"),
}


def pot_setting_label(setting, code):
    """A pot's ballot_type, counting_rule or completion in words; the code itself if it has none."""
    labels = {"ballot_type": BALLOT_TYPE_LABELS, "counting_rule": COUNTING_RULE_LABELS,
              "completion": COMPLETION_LABELS}[setting]
    return str(labels[code]) if code in labels else code

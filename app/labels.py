"""Words for the phases a round moves through and the statuses a proposal moves through."""

from flask_babel import gettext as _


def phase_label(phase):
    return {
        "draft": _("Draft"), "proposals": _("Proposals open"), "review": _("Officer review"),
        "voting": _("Voting"), "counting": _("Counting"), "decision": _("Board decision"),
        "published": _("Published"),
    }[phase]


STATUS_LABELS = {
    "draft": lambda: _("Draft"), "submitted": lambda: _("Waiting for review"),
    "needs_changes": lambda: _("Needs changes"), "feasible": lambda: _("Feasible"),
    "not_feasible": lambda: _("Not feasible"), "withdrawn": lambda: _("Withdrawn"), "merged": lambda: _("Merged"),
}

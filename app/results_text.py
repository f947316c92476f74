"""Plain-language, translated sentences for the count's reason codes and counting rules.

The tally engine and the stored results keep codes ("did_not_fit", 123400 pence); turning them into
words in the reader's language is the view's job, so the same stored count reads well in every language.
"""

from flask_babel import format_percent
from flask_babel import gettext as _

from app.domain.open_data import Hidden
from app.i18n import format_pence


def explanation_text(row, pot):
    """One sentence a resident can read about why the count did or did not select a project.

    row: a results_service.pot_outcome row (reason code, money left and supporters' money in pence, and
    the board's decision from the confirmed record, if any). A project the count selected reads as funded
    only once the board confirmed its award: until then, or when the board deferred or rejected it, the
    count's selection is a recommendation, and the board's decision is said beside it.
    """
    reason, left, could, cost = row["reason"], row["money_left"], row["supporters_could_pay"], row["cost"]
    decision = row.get("decision")
    funded = decision is not None and decision.outcome in ("confirm", "fund")
    if reason == "selected":
        return _funded_text(row, left, cost) if funded else _recommended_text(row, left, cost)
    if funded:
        return _("Not selected by the count; the board funded it.")
    if reason == "did_not_fit" and left is not None:
        return _("Not funded: it did not fit the %(left)s left.", left=format_pence(left))
    if reason == "completion_did_not_fit":
        if could is not None and left is not None:
            return _("Not funded: its supporters could pay %(could)s of its %(cost)s cost, and it did not fit "
                     "the %(left)s left over afterwards.", could=format_pence(could), cost=format_pence(cost),
                     left=format_pence(left))
        if left is not None:
            return _("Not funded: it did not fit the %(left)s left.", left=format_pence(left))
    if reason == "supporters_could_not_afford" and could is not None:
        return _("Not funded: its supporters could pay %(could)s of its %(cost)s cost.",
                 could=format_pence(could), cost=format_pence(cost))
    if reason == "stopped_no_skip":
        return _("Not funded: counting stopped at an earlier project that did not fit.")
    if reason == "below_threshold":
        return _("Not funded: it did not reach the minimum number of votes.")
    if reason == "no_support":
        return _("Not funded: nobody voted for it.")
    return _("Not funded.")


def _funded_text(row, left, cost):
    if row["phase"] == "completion":
        if left is not None:
            return _("Funded from the money left over after Equal Shares: it fitted the %(left)s left.",
                     left=format_pence(left))
        return _("Funded from the money left over after Equal Shares.")
    if row["phase"] == "equal_shares":
        return _("Funded: its supporters' equal shares covered its %(cost)s cost.", cost=format_pence(cost))
    if left is not None:
        return _("Funded: its turn came with %(left)s left, and it fitted.", left=format_pence(left))
    return _("Funded: it had enough votes and fitted the money left.")


def _recommended_text(row, left, cost):
    """The count's selection before (or without) a board award: a recommendation, never "funded"."""
    if row["phase"] == "completion":
        if left is not None:
            return _("Recommended by the count from the money left over after Equal Shares: it fitted the "
                     "%(left)s left.", left=format_pence(left))
        return _("Recommended by the count from the money left over after Equal Shares.")
    if row["phase"] == "equal_shares":
        return _("Recommended by the count: its supporters' equal shares covered its %(cost)s cost.",
                 cost=format_pence(cost))
    if left is not None:
        return _("Recommended by the count: its turn came with %(left)s left, and it fitted.",
                 left=format_pence(left))
    return _("Recommended by the count: it had enough votes and fitted the money left.")


def score_label(pot):
    """What the score column counts for this ballot type."""
    if pot.ballot_type == "cumulative":
        return _("Points")
    if pot.ballot_type == "ranked":
        return _("Ranking points")
    return _("Votes")


def rule_text(pot, tie_break="cost-votes"):
    """The pot's counting rule, in plain words, including how ties were settled."""
    if pot.counting_rule == "greedy":
        if pot.ballot_type == "cumulative":
            text = _("Projects were funded in order of points, most first, as long as they fitted the money left.")
        elif pot.ballot_type == "ranked":
            text = _("Each ranking gave points (a first choice the most). Projects were funded in order of "
                     "points, most first, as long as they fitted the money left.")
        else:
            text = _("Projects were funded in order of votes, most first, as long as they fitted the money left.")
    else:
        text = _("The Method of Equal Shares: every voter had an equal share of the pot, and a project was funded "
                 "when its supporters' shares could pay for it, the best value for its supporters first.")
        if pot.counting_rule == "mes-card":
            text += " " + _("Every project a voter supported counted the same for them, whatever it cost.")
        if pot.completion in ("add1", "add1u"):
            text += " " + _("The shares were then raised step by step while the result still fitted the pot.")
        if pot.completion == "add1u":
            text += " " + _("Money left over was then used for the most-voted projects that still fitted.")
    if tie_break == "lexico":
        return text + " " + _("Ties went to the project whose reference comes first when compared as text, "
                              "character by character (so 10 comes before 9).")
    return text + " " + _("Ties went to the cheaper project, then to the one with more votes, then to the "
                          "project whose reference comes first when compared as text.")


def tie_note(result):
    """What to tell readers when only the last step of the tie rule, the reference as text, decided a tie.

    None when no such tie decided what was funded (or there is no finished count). Some places would draw
    lots there, so both the officer and the public see it.
    """
    if result is None or not (result.parameters or {}).get("tie_decided_by_id"):
        return None
    return _("Some projects were equal in votes and in everything else the tie rule compares. The project whose "
             "reference comes first when compared as text, character by character, was placed first.")


def decision_label(outcome):
    return {"confirm": _("Award confirmed"), "defer": _("Deferred"), "reject": _("Rejected"),
            "fund": _("Funded by board decision")}.get(outcome, outcome)


def age_band_label(band):
    if band == "under-11":
        return _("Under 11")
    if band == "unknown":
        return _("Not known")
    return band


def count_text(value):
    """A turnout count, or why it is not shown: small (1 to 9) or hidden only to protect a small one."""
    if isinstance(value, Hidden):
        return _("fewer than 10") if value.reason == "small" else _("hidden to protect a small group")
    return value


def share_text(value):
    """A turnout share (a Fraction) as a percentage with one decimal, "–" when no electorate is known."""
    if value is None:
        return "–"
    if isinstance(value, Hidden):
        return _("hidden to protect a small group")
    return format_percent(float(value), "#,##0.0%")


def count_result_label(row):
    """What the count did with a project, in words: the chart and the proposal's page say the same."""
    return _("Selected by the count") if row["selected"] else _("Not selected by the count")


def board_label(decision):
    """The board's decision on a project in words, "no decision" when it made none."""
    if decision is None:
        return _("No board decision")
    return {"confirm": _("Board: award confirmed"), "defer": _("Board: deferred"), "reject": _("Board: rejected"),
            "fund": _("Board: funded")}.get(decision.outcome, decision.outcome)

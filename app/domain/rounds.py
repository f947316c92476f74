"""Rules for grant pots and what is frozen once voting has opened."""

from datetime import UTC, datetime

from app.domain.phases import voting_has_opened
from app.domain.problems import Problem
from app.domain.tally import COMPLETIONS, RULES

BALLOT_TYPES = ("approval", "knapsack", "cumulative", "ranked")
COUNTING_RULES = RULES  # what the tally engine can count, named once in app.domain.tally

# What may not change once voting has opened: a pot's money, ballot type, limits, counting rule and
# wards; and for the round, everything that decides who may vote and when, plus the list of projects on the ballot.
FROZEN_POT_FIELDS = frozenset({"amount_pence", "ballot_type", "max_choices", "total_points", "max_points_per_project",
                               "counting_rule", "completion", "ward_ids", "min_project_cost_pence",
                               "max_project_cost_pence"})
FROZEN_ROUND_FIELDS = frozenset({"area_id", "ward_ids", "min_age", "require_verified_email", "voting_open_at",
                                 "voting_close_at", "ballot"})


def changed_fields(current, proposed):
    """Return the names in proposed whose value differs from current, in proposed's order.

    Times compare to the minute, the precision an officer types, so saving a form again unchanged is no
    change even when the stored time has seconds (demo rounds do). Lists (ward ids) compare as sets.
    """
    return [name for name, value in proposed.items() if _comparable(current.get(name)) != _comparable(value)]


def _comparable(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(second=0, microsecond=0)
    if isinstance(value, list | tuple | set | frozenset):
        return frozenset(value)
    return value


def frozen_changes(phase, changed_fields, frozen=FROZEN_POT_FIELDS):
    """Return the sorted changed fields that are frozen in this phase ([] before voting opens)."""
    if not voting_has_opened(phase):
        return []
    return sorted(set(changed_fields) & frozen)


def check_pot(amount_pence, min_cost, max_cost, ballot_type, max_choices, total_points, max_points, counting_rule,
              completion, ward_ids):
    """Return the problems with a pot's settings (empty list when it is fine)."""
    problems = []
    if amount_pence is None or amount_pence <= 0:
        problems.append(Problem("must_be_positive", "amount"))
    if min_cost is not None and max_cost is not None and min_cost > max_cost:
        problems.append(Problem("min_above_max", "max_project_cost"))
    if max_cost is not None and amount_pence and max_cost > amount_pence:
        problems.append(Problem("above_pot", "max_project_cost"))
    if ballot_type not in BALLOT_TYPES:
        problems.append(Problem("unknown", "ballot_type"))
    if ballot_type in ("approval", "ranked") and (max_choices is None or max_choices < 1):
        problems.append(Problem("required", "max_choices"))
    if ballot_type == "cumulative":
        if total_points is None or total_points < 1:
            problems.append(Problem("required", "total_points"))
        if max_points is None or max_points < 1:
            problems.append(Problem("required", "max_points_per_project"))
        elif total_points and max_points > total_points:
            problems.append(Problem("above_total", "max_points_per_project"))
    if counting_rule not in COUNTING_RULES:
        problems.append(Problem("unknown", "counting_rule"))
    if completion not in COMPLETIONS:
        problems.append(Problem("unknown", "completion"))
    if not ward_ids:
        problems.append(Problem("required", "wards"))
    return problems

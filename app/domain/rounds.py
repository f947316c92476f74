"""Rules for grant pots and what is frozen once voting has opened."""

from dataclasses import dataclass
from datetime import UTC, datetime

from app.domain.phases import voting_has_opened

BALLOT_TYPES = ("approval", "knapsack", "cumulative", "ranked")
COUNTING_RULES = ("greedy", "mes-cost", "mes-card")
COMPLETIONS = ("none", "add1", "add1u")

# What may not change once voting has opened: a pot's money, ballot type, limits, counting rule and
# wards; and for the round, everything that decides who may vote and when, plus the list of projects on the ballot.
FROZEN_POT_FIELDS = frozenset({"amount_pence", "ballot_type", "max_choices", "total_points", "max_points_per_project",
                               "counting_rule", "completion", "ward_ids", "min_project_cost_pence",
                               "max_project_cost_pence"})
FROZEN_ROUND_FIELDS = frozenset({"area_id", "ward_ids", "min_age", "require_verified_email", "voting_open_at",
                                 "voting_close_at", "ballot"})


@dataclass(frozen=True)
class PotProblem:
    field: str
    code: str


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
        problems.append(PotProblem("amount", "must_be_positive"))
    if min_cost is not None and max_cost is not None and min_cost > max_cost:
        problems.append(PotProblem("max_project_cost", "min_above_max"))
    if max_cost is not None and amount_pence and max_cost > amount_pence:
        problems.append(PotProblem("max_project_cost", "above_pot"))
    if ballot_type not in BALLOT_TYPES:
        problems.append(PotProblem("ballot_type", "unknown"))
    if ballot_type in ("approval", "ranked") and (max_choices is None or max_choices < 1):
        problems.append(PotProblem("max_choices", "required"))
    if ballot_type == "cumulative":
        if total_points is None or total_points < 1:
            problems.append(PotProblem("total_points", "required"))
        if max_points is None or max_points < 1:
            problems.append(PotProblem("max_points_per_project", "required"))
        elif total_points and max_points > total_points:
            problems.append(PotProblem("max_points_per_project", "above_total"))
    if counting_rule not in COUNTING_RULES:
        problems.append(PotProblem("counting_rule", "unknown"))
    if completion not in COMPLETIONS:
        problems.append(PotProblem("completion", "unknown"))
    if not ward_ids:
        problems.append(PotProblem("wards", "required"))
    return problems

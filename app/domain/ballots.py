"""Ballot rules: is this ballot within the pot's limits? Plain values in, a list of problems out."""

from app.domain.problems import Problem

# The problems check_ballot returns, by name (app.problem_messages words them).


def UnknownProject(project_id):  # noqa: N802 - named like the problem it makes
    return Problem("unknown_project", values={"project_id": project_id})


def TooManyChoices(chosen, allowed):  # noqa: N802
    return Problem("too_many_choices", values={"chosen": chosen, "allowed": allowed})


def OverBudget(total_pence, cap_pence):  # noqa: N802
    return Problem("over_budget", values={"total_pence": total_pence, "cap_pence": cap_pence})


def TooManyPoints(total, allowed):  # noqa: N802
    return Problem("too_many_points", values={"total": total, "allowed": allowed})


def TooManyPointsForOne(project_id, points, allowed):  # noqa: N802
    return Problem("too_many_points_for_one", values={"project_id": project_id, "points": points, "allowed": allowed})


def BadPoints(project_id):  # noqa: N802
    return Problem("bad_points", values={"project_id": project_id})


def DuplicateRank(project_id):  # noqa: N802
    return Problem("duplicate_rank", values={"project_id": project_id})


def EmptyBallot():  # noqa: N802
    return Problem("empty_ballot")


def check_ballot(choices, costs, ballot_type="approval", cap=None, max_items=None, total_points=None,
                 max_points=None):
    """Return the problems with a ballot (empty list: valid).

    choices: approval/knapsack -> list of ids; ranked -> list of ids, best first; cumulative -> {id: points}.
    costs: {id: pence} of the projects on the ballot. cap: knapsack spending limit (the pot).
    """
    problems = []
    if ballot_type == "cumulative":
        if not isinstance(choices, dict):
            return [EmptyBallot()]
        for pid, points in choices.items():
            if pid not in costs:
                problems.append(UnknownProject(pid))
            elif not isinstance(points, int) or isinstance(points, bool) or points < 0:
                problems.append(BadPoints(pid))
            elif max_points is not None and points > max_points:
                problems.append(TooManyPointsForOne(pid, points, max_points))
        if problems:
            return problems
        total = sum(choices.values())
        if total == 0:
            return [EmptyBallot()]
        if total_points is not None and total > total_points:
            problems.append(TooManyPoints(total, total_points))
        return problems
    choices = list(choices)
    if not choices:
        return [EmptyBallot()]
    seen = set()
    for pid in choices:
        if pid not in costs:
            problems.append(UnknownProject(pid))
        elif pid in seen:
            problems.append(DuplicateRank(pid))
        seen.add(pid)
    if problems:
        return problems
    if max_items is not None and ballot_type in ("approval", "ranked") and len(choices) > max_items:
        problems.append(TooManyChoices(len(choices), max_items))
    if ballot_type == "knapsack" and cap is not None:
        total = sum(costs[pid] for pid in choices)
        if total > cap:
            problems.append(OverBudget(total, cap))
    return problems


def ballot_total(choices, costs, ballot_type):
    """The running total shown to the voter: pence chosen (approval/knapsack/ranked) or points (cumulative)."""
    if ballot_type == "cumulative":
        return sum(p for p in choices.values() if isinstance(p, int) and p > 0) if isinstance(choices, dict) else 0
    return sum(costs.get(pid, 0) for pid in set(choices))


def normalise_form(ballot_type, form_items, project_ids):
    """Turn submitted form fields into choices, ignoring anything that is not a ballot field.

    approval/knapsack: repeated "project" values; ranked: "rank-<id>" = position; cumulative: "points-<id>".
    Returns (choices, unreadable ids). Unreadable values (not whole numbers) are reported, not guessed.
    Decimal digits of any script count (an Urdu reader may type ٣ for 3); superscripts and fractions do not.
    """
    valid_ids = {str(pid): pid for pid in project_ids}
    unreadable = []
    if ballot_type == "cumulative":
        choices = {}
        for key, value in form_items:
            if not key.startswith("points-"):
                continue
            raw_id = key[len("points-"):]
            pid = valid_ids.get(raw_id, raw_id)
            value = (value or "").strip()
            if value == "":
                continue
            if not value.isdecimal() or len(value) > 6:
                unreadable.append(pid)
                continue
            if int(value) > 0:
                choices[pid] = int(value)
        return choices, unreadable
    if ballot_type == "ranked":
        ranked = []
        for key, value in form_items:
            if not key.startswith("rank-"):
                continue
            value = (value or "").strip()
            if value == "":
                continue
            if not value.isdecimal() or len(value) > 3:
                unreadable.append(value)
                continue
            raw_id = key[len("rank-"):]
            ranked.append((int(value), valid_ids.get(raw_id, raw_id)))
        ranked.sort(key=lambda item: item[0])
        positions = [position for position, _ in ranked]
        if len(set(positions)) != len(positions):
            unreadable.append("duplicate_position")
        return [pid for _, pid in ranked], unreadable
    chosen = []
    for key, value in form_items:
        if key == "project":
            chosen.append(valid_ids.get(value, value))
    return chosen, unreadable

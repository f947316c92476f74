from app.domain.ballots import (
    BadPoints,
    DuplicateRank,
    EmptyBallot,
    OverBudget,
    TooManyChoices,
    TooManyPoints,
    TooManyPointsForOne,
    UnknownProject,
    check_ballot,
    normalise_form,
)

COSTS = {1: 4000_00, 2: 7000_00, 3: 2000_00}


def test_knapsack_over_the_pot():
    assert check_ballot([1, 2], COSTS, "knapsack", cap=10000_00) == [OverBudget(11000_00, 10000_00)]
    assert check_ballot([1, 3], COSTS, "knapsack", cap=10000_00) == []


def test_approval_limit_and_unknown_projects():
    assert check_ballot([1, 2, 3], COSTS, "approval", max_items=2) == [TooManyChoices(3, 2)]
    assert check_ballot([9], COSTS, "approval", max_items=2) == [UnknownProject(9)]
    assert check_ballot([], COSTS, "approval", max_items=2) == [EmptyBallot()]


def test_cumulative_points():
    assert check_ballot({1: 6, 2: 5}, COSTS, "cumulative", total_points=10, max_points=6) == [TooManyPoints(11, 10)]
    assert check_ballot({1: 7}, COSTS, "cumulative", total_points=10, max_points=6) == [TooManyPointsForOne(1, 7, 6)]
    assert check_ballot({1: -1}, COSTS, "cumulative", total_points=10, max_points=6) == [BadPoints(1)]
    assert check_ballot({1: 5, 3: 5}, COSTS, "cumulative", total_points=10, max_points=6) == []


def test_ranked_ballot_without_duplicates():
    assert check_ballot([2, 1], COSTS, "ranked", max_items=2) == []
    assert check_ballot([2, 2], COSTS, "ranked", max_items=3) == [DuplicateRank(2)]


def test_form_normalising_keeps_order_and_reports_unreadable_values():
    assert normalise_form("ranked", [("rank-2", "1"), ("rank-1", "2"), ("rank-3", "")], [1, 2, 3]) == ([2, 1], [])
    assert normalise_form("cumulative", [("points-1", "3"), ("points-2", "x")], [1, 2]) == ({1: 3}, [2])
    assert normalise_form("approval", [("project", "1"), ("csrf_token", "t")], [1, 2]) == ([1], [])

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


def test_ranked_ballot_may_rank_at_most_k():
    assert check_ballot([1, 2, 3], COSTS, "ranked", max_items=2) == [TooManyChoices(3, 2)]


def test_knapsack_with_an_unknown_project_reports_it_before_the_cost():
    assert check_ballot([1, 99], COSTS, "knapsack", cap=1) == [UnknownProject(99)]


def test_cumulative_points_must_be_non_negative_whole_numbers_and_not_all_zero():
    assert check_ballot({1: True}, COSTS, "cumulative", total_points=10) == [BadPoints(1)]
    assert check_ballot({1: 2.5}, COSTS, "cumulative", total_points=10) == [BadPoints(1)]
    assert check_ballot({9: 1}, COSTS, "cumulative", total_points=10) == [UnknownProject(9)]
    assert check_ballot({1: 0}, COSTS, "cumulative", total_points=10) == [EmptyBallot()]
    assert check_ballot([1], COSTS, "cumulative", total_points=10) == [EmptyBallot()]


def test_form_values_that_are_not_plain_whole_numbers_are_unreadable_not_guessed():
    for value in ("-1", "1.5", "1e3", "²", "½", "9999999", "NaN"):
        assert normalise_form("cumulative", [("points-1", value)], [1]) == ({}, [1]), value
    assert normalise_form("cumulative", [("points-1", "٣")], [1]) == ({1: 3}, [])  # Arabic-Indic digits
    assert normalise_form("cumulative", [("points-1", " 0 "), ("points-2", "")], [1, 2]) == ({}, [])
    assert normalise_form("ranked", [("rank-1", "²")], [1]) == ([], ["²"])
    assert normalise_form("ranked", [("rank-1", "1"), ("rank-2", "1")], [1, 2])[1] == ["duplicate_position"]


def test_unknown_ids_in_the_form_are_kept_as_text_so_the_rule_can_refuse_them():
    assert normalise_form("approval", [("project", "7"), ("project", "x")], [1, 2]) == (["7", "x"], [])
    assert check_ballot(["7"], COSTS, "approval", max_items=3) == [UnknownProject("7")]

"""The board's rules: reasons, awards within the pot, quorum, declarations and two distinct confirmers."""

from app.domain.decisions import (
    CONFIRMATIONS_NEEDED,
    DecisionProblem,
    Item,
    awards_by_pot,
    check_confirmer,
    check_items,
    check_meeting,
    locks_now,
    may_edit,
    quorum_met,
    text_problems,
)
from app.domain.problems import Problem, codes

POTS = {1: 10_000_00}
PROPOSAL_POTS = {10: 1, 11: 1, 12: 1}
COSTS = {10: 6_000_00, 11: 5_000_00, 12: 1_500_00}


def check(*items):
    return check_items(list(items), POTS, PROPOSAL_POTS, costs=COSTS)


def test_confirming_the_counts_selection_within_the_pot_is_fine():
    assert check(Item(10, "confirm", 6_000_00, "", True), Item(12, "confirm", 1_500_00, "", True),
                 Item(11, "reject", 0, "Highways will fund it.", False)) == []


def test_defer_reject_and_fund_need_a_reason():
    assert check(Item(10, "defer", 0, "  ", True)) == [DecisionProblem("reason_required", 10)]
    assert check(Item(10, "reject", 0, "", True)) == [DecisionProblem("reason_required", 10)]
    assert check(Item(11, "fund", 1_000_00, "", False)) == [DecisionProblem("reason_required", 11)]


def test_confirm_is_only_for_selected_projects_and_fund_only_for_the_others():
    assert check(Item(11, "confirm", 5_000_00, "", False)) == [DecisionProblem("not_recommended", 11)]
    assert check(Item(10, "fund", 6_000_00, "Because", True)) == [DecisionProblem("already_recommended", 10)]


def test_the_board_may_fund_an_unselected_project_while_money_remains():
    items = [Item(10, "confirm", 6_000_00, "", True), Item(12, "confirm", 1_500_00, "", True),
             Item(11, "fund", 2_500_00, "Match funding from the residents' association covers the rest.", False)]
    assert check(*items) == []
    assert awards_by_pot(items, PROPOSAL_POTS) == {1: 10_000_00}


def test_awards_never_exceed_the_pot():
    items = [Item(10, "confirm", 6_000_00, "", True), Item(11, "fund", 5_000_00, "Popular", False)]
    assert check(*items) == [DecisionProblem("over_pot")]


def test_an_award_is_more_than_nothing_and_no_more_than_the_cost():
    assert check(Item(10, "confirm", 0, "", True)) == [DecisionProblem("bad_amount", 10)]
    assert check(Item(10, "confirm", 6_000_01, "", True)) == [DecisionProblem("bad_amount", 10)]
    assert check(Item(10, "confirm", 5_000_00, "", True)) == []  # part-funding is the board's call


def test_unknown_outcomes_are_refused():
    assert check(Item(10, "maybe", 0, "", True)) == [DecisionProblem("unknown_outcome", 10)]


def test_meeting_needs_a_quorum_of_at_least_the_two_confirmers():
    assert check_meeting(1, [1, 2], {1, 2, 3}, [], {10}) == [DecisionProblem("quorum_too_low")]
    assert check_meeting(2, [1, 2], {1, 2, 3}, [], {10}) == []


def test_only_members_can_be_present_or_declare():
    assert check_meeting(2, [1, 9], {1, 2}, [], {10}) == [DecisionProblem("present_not_member")]
    assert check_meeting(2, [1, 2], {1, 2}, [(9, 10, "neighbour")], {10}) == [DecisionProblem("bad_declaration", 10)]
    assert check_meeting(2, [1, 2], {1, 2}, [(1, 99, "neighbour")], {10}) == [DecisionProblem("bad_declaration", 99)]
    assert check_meeting(2, [1, 2], {1, 2}, [(1, 10, "  ")], {10}) == [DecisionProblem("bad_declaration", 10)]
    assert check_meeting(2, [1, 2], {1, 2}, [(1, 10, "Lives next door")], {10}) == []


def test_quorum_counts_only_members_present():
    assert quorum_met({1, 2}, {1, 2, 3}, 2)
    assert not quorum_met({1, 9}, {1, 2, 3}, 2)


def test_who_may_confirm():
    members, present = {1, 2, 3, 4}, {1, 2, 3}
    assert check_confirmer(1, present, members, set(), set()) == []
    assert codes(check_confirmer(4, present, members, set(), set())) == ["not_present"]
    assert codes(check_confirmer(9, present, members, set(), set())) == ["not_a_member", "not_present"]
    assert codes(check_confirmer(3, present, members, {3}, set())) == ["declared_interest"]
    assert codes(check_confirmer(1, present, members, set(), {1})) == ["already_confirmed"]


def test_two_distinct_members_lock_the_record_and_locked_records_are_not_edited():
    assert CONFIRMATIONS_NEEDED == 2
    assert not locks_now([1])
    assert not locks_now([1, 1])
    assert locks_now([1, 2])
    assert may_edit("draft") and not may_edit("confirmed")


def test_texts_too_long_to_keep_are_problems_on_their_own_fields():
    assert text_problems("n" * 5000, {7: "r" * 2000}, ["i" * 500, ""]) == []
    assert text_problems("n" * 5001, {7: "r" * 2001, 8: "ok"}, ["", "i" * 501]) == [
        DecisionProblem("notes_too_long"), DecisionProblem("reason_too_long", 7),
        Problem("nature_too_long", "decl-1-nature")]

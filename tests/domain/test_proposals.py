"""The rules for residents' project ideas: what a complete idea needs, when it can still be changed, what a
review needs, and when a changed cost needs a reason. Plain values in, plain values out."""

from datetime import UTC, datetime, timedelta

from app.domain.problems import Problem, codes
from app.domain.proposals import (
    check_cost_change,
    check_proposal,
    check_review,
    proposals_open,
    resident_may_edit,
)

POT, MIN, MAX = 40_000_00, 500_00, 10_000_00


def ProposalProblem(field, code):  # noqa: N802 - reads like the problem it names
    return Problem(code, field)
NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def check(title="Garden", summary="Raised beds", description="A shared garden", cost=6_500_00, breakdown="",
          priority="green_spaces", final=True, **limits):
    return check_proposal(title, summary, description, cost, breakdown, priority, limits.get("pot", POT),
                          limits.get("min_cost", MIN), limits.get("max_cost", MAX), final=final,
                          priorities=("green_spaces", "young_people"))


def test_a_complete_idea_within_the_limits_has_no_problems():
    assert check() == []


def test_a_draft_needs_only_a_title_but_a_submitted_idea_needs_everything():
    assert check(summary="", description="", cost=None, priority="", final=False) == []
    assert check(summary="", description="", cost=None, priority="") == [
        ProposalProblem("summary", "required"), ProposalProblem("description", "required"),
        ProposalProblem("cost", "required"), ProposalProblem("priority", "required")]
    assert check(title="  ", final=False) == [ProposalProblem("title", "required")]


def test_the_cost_must_fit_the_pots_limits():
    assert check(cost=0) == [ProposalProblem("cost", "required")]
    assert check(cost=499_99) == [ProposalProblem("cost", "below_minimum")]
    assert check(cost=10_000_01) == [ProposalProblem("cost", "above_maximum")]
    assert check(cost=50_000_00, max_cost=None) == [ProposalProblem("cost", "above_pot")]
    assert check(cost=500_00) == [] and check(cost=10_000_00) == []


def test_text_longer_than_the_limit_and_a_priority_the_round_does_not_offer_are_refused():
    assert check(title="x" * 121, summary="x" * 301) == [ProposalProblem("title", "too_long"),
                                                          ProposalProblem("summary", "too_long")]
    assert check(priority="roads") == [ProposalProblem("priority", "unknown")]


def test_ideas_are_taken_in_the_proposals_phase_until_the_close_itself():
    close = NOW + timedelta(minutes=1)
    assert proposals_open("proposals", close, NOW)
    assert not proposals_open("proposals", NOW, NOW)  # the close is the deadline, whatever the cron did
    assert not proposals_open("review", None, NOW)
    assert proposals_open("proposals")  # no close set: the phase decides


def test_a_resident_changes_an_idea_only_while_open_and_undecided():
    close = NOW + timedelta(days=1)
    for status in ("draft", "submitted", "needs_changes"):
        assert resident_may_edit(status, "proposals", close, NOW)
    for status in ("feasible", "not_feasible", "withdrawn", "merged"):
        assert not resident_may_edit(status, "proposals", close, NOW)
    assert not resident_may_edit("draft", "review", close, NOW)


def test_a_review_that_turns_an_idea_down_or_asks_for_changes_says_why():
    assert check_review("feasible", "") == []
    assert codes(check_review("not_feasible", "  ")) == ["reason_required"]
    assert codes(check_review("needs_changes", "Add a cost breakdown.")) == []
    assert codes(check_review("approved", "")) == ["unknown_outcome"]


def test_a_changed_cost_needs_a_reason_the_proposer_reads():
    assert codes(check_cost_change(6_500_00, None, "")) == []  # not adjusted
    assert codes(check_cost_change(6_500_00, 6_500_00, "")) == []  # "adjusted" to the proposer's own estimate
    assert codes(check_cost_change(6_500_00, 8_000_00, "")) == ["cost_reason_required"]
    assert codes(check_cost_change(6_500_00, 8_000_00, "Quote from the contractor.")) == []
    assert codes(check_cost_change(6_500_00, 0, "Free after all")) == ["bad_cost"]

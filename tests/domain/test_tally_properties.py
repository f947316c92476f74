"""Properties every count must have, on random small elections (Hypothesis)."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.tally import Election, Project, tally
from tests.domain.test_pabulib import elections

pytestmark = pytest.mark.usefixtures("count_engine")  # on the compiled core and on pure Python

RULES = [("greedy", "none"), ("mes-cost", "none"), ("mes-cost", "add1"), ("mes-cost", "add1u"),
         ("mes-card", "add1u")]


@settings(max_examples=80, deadline=None)
@given(elections(), st.sampled_from(RULES), st.sampled_from(["lexico", "cost-votes"]))
def test_outcome_never_exceeds_the_budget(election, rule, tie_break):
    outcome = tally(election, rule=rule[0], completion=rule[1], tie_break=tie_break)
    costs = election.costs()
    assert outcome.total_cost == sum((costs[p] for p in outcome.selected), Fraction(0))
    assert outcome.total_cost <= election.budget
    assert len(set(outcome.selected)) == len(outcome.selected)


@settings(max_examples=80, deadline=None)
@given(elections())
def test_greedy_with_skipping_is_exhaustive(election):
    outcome = tally(election, rule="greedy")
    left = Fraction(election.budget) - outcome.total_cost
    costs = election.costs()
    assert all(costs[p] > left for p in costs if p not in outcome.selected)


@settings(max_examples=60, deadline=None)
@given(elections(), st.sampled_from(RULES), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_ballot_order(election, rule, rng):
    shuffled = list(election.ballots)
    rng.shuffle(shuffled)
    again = Election(election.projects, shuffled, election.budget, election.vote_type, election.constraints)
    first = tally(election, rule=rule[0], completion=rule[1])
    second = tally(again, rule=rule[0], completion=rule[1])
    assert first.selected == second.selected


def test_explanations_say_why_a_project_did_not_fit():
    projects = [Project("a", 6000), Project("b", 5000), Project("c", 3000)]
    ballots = [frozenset("ab"), frozenset("ab"), frozenset("b"), frozenset("c")]
    outcome = tally(Election(projects, ballots, 10000), rule="greedy", tie_break="lexico")
    assert outcome.selected == ["b", "c"]
    why = outcome.explanations["a"]
    assert (why.reason, why.votes, why.money_left_when_considered) == ("did_not_fit", 2, 5000)
    assert outcome.explanations["b"].step == 1 and outcome.explanations["c"].step == 2


def test_equal_shares_explains_what_supporters_could_pay():
    # Budget 300, 3 voters: 100 each. "big" costs 250 and only one voter wants it: they can pay 100 of 250.
    projects = [Project("big", 250), Project("small", 100), Project("shared", 150)]
    ballots = [frozenset({"big"}), frozenset({"small", "shared"}), frozenset({"shared"})]
    outcome = tally(Election(projects, ballots, 300), rule="mes-cost", completion="none", tie_break="lexico")
    assert "big" not in outcome.selected
    big = outcome.explanations["big"]
    assert big.reason == "supporters_could_not_afford" and big.supporters_could_pay == 100
    assert "shared" in outcome.selected


def test_tie_break_decides_equal_votes():
    ballots = [frozenset({"9"}), frozenset({"10"})]
    cheaper_nine = Election([Project("9", 400), Project("10", 500)], ballots, 500)
    by_id = tally(cheaper_nine, rule="greedy", tie_break="lexico")
    assert by_id.selected == ["10"]  # "10" < "9" as strings
    assert by_id.tie_decided_by_id  # equal votes, and only the ids set them apart
    by_cost = tally(cheaper_nine, rule="greedy", tie_break="cost-votes")
    assert by_cost.selected == ["9"]  # the cheaper one
    assert not by_cost.tie_decided_by_id
    assert by_cost.as_dict()["parameters"]["tie_decided_by_id"] is False


def test_equal_shares_flags_a_pick_between_projects_equal_but_for_their_ids():
    same = Election([Project("9", 500), Project("10", 500)], [frozenset({"9", "10"})] * 2, 500)
    outcome = tally(same, rule="mes-cost", completion="none", tie_break="cost-votes")
    assert outcome.selected == ["10"] and outcome.tie_decided_by_id
    apart = Election([Project("9", 400), Project("10", 500)], [frozenset({"9"}), frozenset({"10"})], 1000)
    assert not tally(apart, rule="mes-cost", completion="add1u", tie_break="cost-votes").tie_decided_by_id

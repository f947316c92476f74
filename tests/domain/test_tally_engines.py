"""The fast Equal Shares engine (floats, certified) gives exactly what the exact engine gives: the same
projects in the same order, the same final money and endowment, on random elections and on real ties."""

import os
import shutil
import subprocess
import sys
import sysconfig
from contextlib import contextmanager
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.tally import Election, Project, compiled, fast_mes, tally
from app.domain.tally.equal_shares import CARDINAL_UTILITY, COST_UTILITY, Groups, equal_shares, exact, run_mes
from app.domain.tally.fast_mes import Uncertain, run_mes_float
from app.domain.tally.tie_break import tie_key


@st.composite
def approval_elections(draw):
    """Elections with many voters and odd numbers, so most runs are decided in floats, not by the fallback."""
    count = draw(st.integers(1, 9))
    ids = [str(n) for n in draw(st.lists(st.integers(1, 60), min_size=count, max_size=count, unique=True))]
    projects = [Project(pid, draw(st.integers(0, 100_000))) for pid in ids]
    kinds = draw(st.lists(st.frozensets(st.sampled_from(ids)), min_size=1, max_size=12))
    ballots = []
    for ballot in kinds:
        ballots.extend([ballot] * draw(st.integers(1, 40)))
    budget = draw(st.one_of(st.integers(30_000, 600_000), st.fractions(30_000, 600_000, max_denominator=1000)))
    return Election(projects, ballots, budget)


@st.composite
def tie_prone_elections(draw):
    """Few costs, few voters, round budgets: equal values, money exactly equal to a share, near-ties."""
    count = draw(st.integers(2, 7))
    ids = [str(n) for n in range(1, count + 1)]
    projects = [Project(pid, draw(st.sampled_from([0, 100, 200, 300, 600]))) for pid in ids]
    kinds = draw(st.lists(st.frozensets(st.sampled_from(ids), min_size=1), min_size=1, max_size=6))
    ballots = []
    for ballot in kinds:
        ballots.extend([ballot] * draw(st.integers(1, 4)))
    return Election(projects, ballots, draw(st.sampled_from([300, 600, 900, 1000, 1200])))


def _both(election, utility, tie_break, **options):
    costs = election.costs()
    votes = {p.id: sum(p.id in b for b in election.ballots) for p in election.projects}
    key = tie_key(tie_break, costs, votes)
    groups = Groups([frozenset(b) for b in election.ballots], list(costs))
    fast = equal_shares(groups, costs, election.budget, utility, key, **options)
    slow = equal_shares(groups, costs, election.budget, utility, key, certified_floats=False, **options)
    return fast, slow


@contextmanager
def float_state(kind):
    """Each form of the float run: Python lists (small elections), numpy arrays (big ones) or the compiled core."""
    saved, saved_core = fast_mes.ARRAYS_FROM, compiled.CORE
    fast_mes.ARRAYS_FROM = None if kind == "lists" else 0
    if kind != "core":
        compiled.CORE = None
    try:
        yield
    finally:
        fast_mes.ARRAYS_FROM, compiled.CORE = saved, saved_core


# The compiled core is optional (built when a C compiler is there): its cases run only where it was built.
STATE_NAMES = ["lists", "arrays"] + (["core"] if compiled.CORE is not None else [])
STATES = st.sampled_from(STATE_NAMES)


@settings(max_examples=150, deadline=None)
@given(approval_elections(), st.sampled_from([COST_UTILITY, CARDINAL_UTILITY]), st.sampled_from(["lexico", "cost-votes"]),
       st.booleans(), st.booleans(), STATES)
def test_fast_engine_equals_the_exact_engine(election, utility, tie_break, add1, integral, state):
    with float_state(state):
        fast, slow = _both(election, utility, tie_break, add1=add1, integral=integral)
    assert fast[0] == slow[0]  # the same projects, in the same order
    assert fast[1] == slow[1]  # the same money left per ballot group, exactly
    assert fast[2] == slow[2]  # the same endowment


@settings(max_examples=200, deadline=None)
@given(tie_prone_elections(), st.sampled_from([COST_UTILITY, CARDINAL_UTILITY]), st.sampled_from(["lexico", "cost-votes"]),
       st.booleans(), STATES)
def test_fast_engine_equals_the_exact_engine_where_ties_abound(election, utility, tie_break, add1, state):
    with float_state(state):
        fast, slow = _both(election, utility, tie_break, add1=add1)
    assert fast[:3] == slow[:3]  # the same projects in the same order, money and endowment
    assert bool(fast[3]) == bool(slow[3])  # and both say whether the ids decided a tie


@settings(max_examples=150, deadline=None)
@given(approval_elections(), st.sampled_from([COST_UTILITY, CARDINAL_UTILITY]), STATES)
def test_a_float_run_it_does_not_refuse_is_the_exact_run(election, utility, state):
    costs = {pid: exact(c) for pid, c in election.costs().items()}
    groups = Groups([frozenset(b) for b in election.ballots], list(costs))
    endowment = exact(Fraction(election.budget) / len(election.ballots))
    key = tie_key("lexico", costs, {})
    selected, money = run_mes(groups, costs, endowment, utility, key)
    try:
        with float_state(state):
            fast_selected, run = run_mes_float(groups, costs, endowment, utility == COST_UTILITY, key)
    except Uncertain:
        return
    assert fast_selected == selected
    assert run.exact_money() == money


@pytest.mark.parametrize("state", STATE_NAMES)
def test_an_exact_tie_is_decided_exactly_and_broken_by_the_tie_rule(state):
    # "10" and "9" cost the same and have the same supporters: a tie at every endowment. Nobody is short of
    # money, so both values are exactly 1 / 7 and the float run settles it without the exact engine.
    with float_state(state):
        projects = [Project("9", 3000), Project("10", 3000), Project("7", 4500)]
        ballots = [frozenset({"9", "10"})] * 7 + [frozenset({"7"})] * 3
        election = Election(projects, ballots, 10_000)
        costs = {pid: exact(c) for pid, c in election.costs().items()}
        groups = Groups(election.ballots, list(costs))
        ties = []
        selected, _ = run_mes_float(groups, costs, exact(Fraction(10_000, 10)), True, tie_key("lexico", costs, {}),
                                    ties=ties)
        assert selected[:2] == ["10", "9"] and ties == [("10", "9")]  # ids compare as text: "10" < "9"
        outcome = tally(election, rule="mes-cost", completion="none", tie_break="lexico")
        assert outcome.selected[:2] == ["10", "9"] and outcome.tie_decided_by_id
        fast, slow = _both(election, COST_UTILITY, "lexico", add1=True)
        assert fast == slow


@pytest.mark.parametrize("state", STATE_NAMES)
def test_a_tie_between_projects_whose_supporters_are_short_of_money_is_decided_exactly_in_the_float_run(state):
    # After "a" is bought, the "b" and "c" voters who also backed "a" cannot pay a full share of either: the
    # two values are equal, and only exact money (not cost / weight) shows it. Only that decision is exact.
    with float_state(state):
        projects = [Project("a", 900), Project("b", 700), Project("c", 700)]
        ballots = [frozenset({"a", "b", "c"})] * 9 + [frozenset({"b", "c"})] * 2 + [frozenset({"a"})] * 5
        election = Election(projects, ballots, 1_920)
        costs = {pid: exact(c) for pid, c in election.costs().items()}
        groups = Groups(election.ballots, list(costs))
        key = tie_key("lexico", costs, {})
        ties, exact_ties = [], []
        selected, run = run_mes_float(groups, costs, exact(120), True, key, ties=ties)
        assert (selected, run.exact_money()) == run_mes(groups, costs, exact(120), COST_UTILITY, key, ties=exact_ties)
        assert ties == exact_ties == [("b", "c")]
        assert run.stable == 0  # decided exactly: no Add1 jump from this run
        for add1 in (False, True):
            fast, slow = _both(election, COST_UTILITY, "lexico", add1=add1)
            assert fast == slow


@pytest.mark.parametrize("state", STATE_NAMES)
def test_a_group_whose_money_equals_the_share_is_decided_exactly(state):
    # Budget 300, 3 voters, 100 each: "a" costs exactly what its two supporters hold after "b".
    with float_state(state):
        projects = [Project("a", 100), Project("b", 100), Project("c", 200)]
        ballots = [frozenset({"a", "b"}), frozenset({"b", "c"}), frozenset({"a", "c"})]
        fast, slow = _both(Election(projects, ballots, 300), COST_UTILITY, "lexico", add1=True)
        assert fast == slow


@settings(max_examples=60, deadline=None)
@given(approval_elections(), st.booleans())
def test_what_supporters_could_pay_is_their_money_left_exactly(election, add1):
    costs = election.costs()
    groups = Groups([frozenset(b) for b in election.ballots], list(costs))
    selected, money, _, _ = equal_shares(groups, costs, election.budget, COST_UTILITY, tie_key("lexico", costs, {}),
                                         add1=add1)
    outcome = tally(election, rule="mes-cost", completion="add1" if add1 else "none", tie_break="lexico")
    for pid in costs:
        if pid in selected or not groups.supporters[pid]:
            continue
        held = sum((groups.weights[g] * money[g] for g in groups.supporters[pid]), Fraction(0))
        assert outcome.explanations[pid].supporters_could_pay == min(held, costs[pid])


@pytest.mark.skipif(compiled.CORE is None, reason="the compiled core was not built")
@settings(max_examples=200, deadline=None)
@given(st.one_of(approval_elections(), tie_prone_elections()), st.sampled_from([COST_UTILITY, CARDINAL_UTILITY]),
       st.sampled_from(["lexico", "cost-votes"]), st.booleans())
def test_the_compiled_core_takes_every_decision_the_python_run_takes(election, utility, tie_break, track):
    costs = {pid: exact(c) for pid, c in election.costs().items()}
    votes = {p.id: sum(p.id in b for b in election.ballots) for p in election.projects}
    key = tie_key(tie_break, costs, votes)
    groups = Groups([frozenset(b) for b in election.ballots], list(costs))
    endowment = exact(Fraction(election.budget) / len(election.ballots))
    runs = {}
    for state in ("lists", "core"):
        ties = []
        with float_state(state):
            try:
                selected, run = run_mes_float(groups, costs, endowment, utility == COST_UTILITY, key, track=track,
                                              ties=ties)
                runs[state] = (selected, run.exact_money(), ties)
            except Uncertain:
                runs[state] = "uncertain"  # a payment too close to call: both refuse, the exact engine counts it
    assert runs["core"] == runs["lists"]  # the same projects in the same order, money and ties


def test_the_compiled_core_is_built_where_there_is_a_c_compiler():
    # setup.py builds it on install (make install); optional, so a broken build would otherwise go unnoticed.
    headers = os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h"))
    if os.environ.get("NB_TALLY_PURE", "") not in ("", "0") or not (shutil.which("cc") or shutil.which("gcc")) \
            or not headers:
        pytest.skip("no C compiler or Python headers here, or the pure-Python count was asked for")
    assert compiled.CORE is not None, "the compiled core was not built: run make install (pip install -e .)"


def test_nb_tally_pure_switches_the_compiled_core_off():
    code = "from app.domain.tally import compiled; print(compiled.CORE is None)"
    found = subprocess.run([sys.executable, "-c", code], env={**os.environ, "NB_TALLY_PURE": "1"},
                           capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "True"


def _range_holds(election, utility, start, width, skip_zero=False):
    """A range run from B/n + start over width steps, each endowment it certifies checked against the exact
    engine. Returns (the steps it certified, or None when not even the first; the exact outcome at each step)."""
    costs = {pid: exact(c) for pid, c in election.costs().items()}
    groups = Groups([frozenset(b) for b in election.ballots], list(costs))
    key = tie_key("lexico", costs, {})
    low = exact(Fraction(election.budget) / len(election.ballots)) + start
    outcomes = [run_mes(groups, costs, low + step, utility, key, skip_zero)[0] for step in range(width + 1)]
    found = compiled.range_selection(compiled.CORE, groups, costs, key, low, 1, width, utility == COST_UTILITY,
                                     skip_zero)
    if found is None:
        return None, outcomes  # not certain even at low: Add1 takes one plain step there
    selection, certified = found
    assert 0 <= certified <= width
    for step in range(certified + 1):
        assert outcomes[step] == selection  # the same projects in the same order at every endowment covered
    return certified, outcomes


@pytest.mark.skipif(compiled.CORE is None, reason="the compiled core was not built")
@settings(max_examples=300, deadline=None)
@given(st.one_of(approval_elections(), tie_prone_elections()), st.sampled_from([COST_UTILITY, CARDINAL_UTILITY]),
       st.integers(0, 40), st.integers(0, 60), st.booleans())
def test_a_range_run_certifies_only_what_every_endowment_in_the_range_gives(election, utility, start, width,
                                                                            skip_zero):
    _range_holds(election, utility, start, width, skip_zero)


@st.composite
def crossing_elections(draw):
    """Projects whose order changes as the endowment rises: "a"'s supporters also back a cheap "c" bought
    first and run short, so "a"'s share and "b"'s move at different rates and cross; "d" becomes affordable
    at some endowment. Ranges over a few hundred steps from B/n meet such changes."""
    projects = [Project("a", draw(st.integers(500, 5000))), Project("b", draw(st.integers(500, 5000))),
                Project("c", draw(st.integers(50, 2000))), Project("d", draw(st.integers(100, 6000)))]
    ballots = ([frozenset({"a", "c"})] * draw(st.integers(1, 30)) + [frozenset({"a"})] * draw(st.integers(1, 30))
               + [frozenset({"b"})] * draw(st.integers(1, 30))
               + [frozenset({"b", "c", "d"})] * draw(st.integers(0, 10)) + [frozenset({"d"})] * draw(st.integers(0, 9)))
    return Election(projects, ballots, draw(st.integers(1_000, 12_000)))


def _assert_stops_before_the_outcome_changes(election, utility, start, width):
    """Every endowment a range run certifies lies before the first step whose exact outcome differs."""
    certified, outcomes = _range_holds(election, utility, start, width)
    changes = [step for step in range(1, width + 1) if outcomes[step] != outcomes[step - 1]]
    if certified is not None and changes:
        assert certified < changes[0]


@pytest.mark.skipif(compiled.CORE is None, reason="the compiled core was not built")
@settings(max_examples=300, deadline=None)
@given(crossing_elections(), st.sampled_from([COST_UTILITY, CARDINAL_UTILITY]), st.integers(0, 200),
       st.integers(0, 80))
def test_a_range_run_stops_before_the_outcome_changes(election, utility, start, width):
    _assert_stops_before_the_outcome_changes(election, utility, start, width)


@st.composite
def crowded_elections(draw):
    """Many ballot kinds over a few projects: groups run short of money at different endowments, so money and
    shares bend (a group goes from paying its share to paying all it has) inside the ranges tried."""
    ids = [str(n) for n in range(1, draw(st.integers(4, 10)) + 1)]
    projects = [Project(pid, draw(st.integers(200, 20_000))) for pid in ids]
    kinds = draw(st.lists(st.frozensets(st.sampled_from(ids), min_size=1, max_size=5), min_size=6, max_size=25))
    ballots = []
    for ballot in kinds:
        ballots.extend([ballot] * draw(st.integers(1, 50)))
    return Election(projects, ballots, draw(st.integers(5_000, 60_000)))


@pytest.mark.skipif(compiled.CORE is None, reason="the compiled core was not built")
@settings(max_examples=600, deadline=None)
@given(crowded_elections(), st.sampled_from([COST_UTILITY, CARDINAL_UTILITY]), st.integers(0, 300),
       st.integers(0, 150))
def test_a_range_run_over_bending_money_stops_before_the_outcome_changes(election, utility, start, width):
    _assert_stops_before_the_outcome_changes(election, utility, start, width)


@pytest.mark.skipif(compiled.CORE is None, reason="the compiled core was not built")
def test_ranges_stop_at_a_swap_and_at_a_new_project_and_add1_through_them_is_exact():
    # "a" and "b" swap places as the endowment rises and "d" becomes affordable: ranges over the first few
    # hundred steps meet those changes, stop before each, and Add1 through ranges is the exact count.
    projects = [Project("a", 2000), Project("b", 1900), Project("c", 300), Project("d", 5000)]
    ballots = [frozenset({"a", "c"})] * 11 + [frozenset({"a"})] * 3 + [frozenset({"b"})] * 9 \
        + [frozenset({"d"})] * 4 + [frozenset({"c", "d"})] * 2
    election = Election(projects, ballots, 4_000)
    changes = covered = 0
    for start in range(0, 400, 7):
        certified, outcomes = _range_holds(election, COST_UTILITY, start, 40)
        changes += sum(outcomes[i] != outcomes[i - 1] for i in range(1, 41))
        covered += certified or 0
    assert changes and covered  # the ranges met changes, and still certified stretches between them
    for utility in (COST_UTILITY, CARDINAL_UTILITY):
        fast, slow = _both(election, utility, "lexico", add1=True)
        assert fast == slow

"""The Method of Equal Shares (MES), with Add1 completion and the utilitarian (greedy) top-up.

Definitions follow pabutools 1.2.3 and the equalshares.net tool (see shared/pb_instances/README.md):
every voter gets an equal share of the budget; a project is bought when its supporters can pay for it,
each paying min(money left, an equal share ρ·u); the project needing the smallest ρ goes first.
Results are exact: run_mes counts in rationals; run_mes_certified counts in floats and takes each decision
there only when it is far from the float error (fast_mes), else counts that endowment in rationals, so
both give the same projects in the same order (tests/domain/test_tally_engines.py). Voters with identical
ballots are merged into weighted groups: they pay identically at every step, so the result is the same
and the work shrinks.
"""

import heapq
import math
from fractions import Fraction

try:  # GMP rationals: exact like Fraction, several times faster. Optional.
    from gmpy2 import mpq as _rational
except ImportError:  # pragma: no cover - exercised on machines without gmpy2
    _rational = None

from app.domain.tally import compiled
from app.domain.tally.exact_share import exact_share
from app.domain.tally.fast_mes import Uncertain, run_mes_float
from app.domain.tally.outcome import NO_SUPPORT, SELECTED, SUPPORTERS_COULD_NOT_AFFORD

COST_UTILITY = "cost"  # u = cost: minimise the share relative to cost (equalshares.net, "mes-cost")
CARDINAL_UTILITY = "card"  # u = 1: minimise the share itself ("mes-card")


class Groups:
    """Distinct approval ballots with their multiplicity, and each project's supporting groups."""

    def __init__(self, approval_ballots, project_ids):
        counts = {}
        for ballot in approval_ballots:
            counts[ballot] = counts.get(ballot, 0) + 1
        self.ballots = list(counts)
        self.weights = [counts[b] for b in self.ballots]
        self.voters = len(approval_ballots)
        self.supporters = {pid: [] for pid in project_ids}
        for index, ballot in enumerate(self.ballots):
            for pid in ballot:
                self.supporters[pid].append(index)
        self.support_weight = {pid: sum(self.weights[g] for g in groups) for pid, groups in self.supporters.items()}


def exact(value):
    """value as the fastest exact rational available (gmpy2.mpq, else Fraction)."""
    value = Fraction(value)
    return _rational(value.numerator, value.denominator) if _rational else value


def as_fraction(value):
    return Fraction(int(value.numerator), int(value.denominator))


def run_mes(groups, costs, endowment, utility, tie_key, skip_zero_cost=False, ties=None):
    """One MES run at a per-voter endowment. Returns (selected ids in order, final money per group).

    costs and endowment must already be exact() values. ties (a list) gets (chosen, other) for every pick
    between projects equal in everything but the last, id step of the tie-break.
    """
    weights = groups.weights
    money = [endowment] * len(weights)
    zero = endowment * 0

    def rho_of(share, cost):
        """The quantity MES minimises: the share per unit of utility (cost utilities) or the share itself."""
        if utility == COST_UTILITY:
            return share / cost if cost else share * 0
        return share

    def rho(pid):
        x = exact_share(costs[pid], groups.supporters[pid], weights, money, groups.support_weight[pid])
        return None if x is None else rho_of(x, costs[pid])

    # Before anything is bought every voter holds the same endowment, so each project's first share is
    # the plain equal split and affordability is one comparison; a project its supporters cannot afford
    # now they can never afford (money only shrinks), so it never enters the heap.
    heap = []
    for pid, members in groups.supporters.items():
        if not members or (skip_zero_cost and costs[pid] == 0):
            continue
        cost, weight = costs[pid], groups.support_weight[pid]
        if endowment * weight < cost:
            continue
        heap.append((rho_of(cost / weight, cost), tie_key(pid), pid))
    heapq.heapify(heap)
    selected = []
    while heap:
        stored, key, pid = heapq.heappop(heap)
        current = rho(pid)  # shares only grow as supporters spend, so stored is a lower bound
        if current is None:
            continue
        if current != stored:
            heapq.heappush(heap, (current, key, pid))
            continue
        if ties is not None:  # others whose lower bound equals this value may be exactly as good
            for other, other_key, other_pid in heap:
                if other == current and other_key[:-1] == key[:-1] and rho(other_pid) == current:
                    ties.append((pid, other_pid))
        x = current * costs[pid] if utility == COST_UTILITY else current
        for g in groups.supporters[pid]:
            left = money[g]
            money[g] = left - x if left > x else zero
        selected.append(pid)
    return selected, money


def _run_exact(groups, costs, endowment, utility, tie_key, skip_zero_cost=False, track=False, ties=None):
    selected, money = run_mes(groups, costs, endowment, utility, tie_key, skip_zero_cost, ties)
    return selected, lambda: money, 0


def run_mes_certified(groups, costs, endowment, utility, tie_key, skip_zero_cost=False, track=False, ties=None):
    """run_mes's outcome, in certified floats when possible. Returns (selected, money(), stable).

    money() gives the exact final money per group on demand (Add1 needs it only for the run it keeps);
    with track, every endowment below endowment + stable gives the same selection (else stable is 0).
    """
    try:
        selected, run = run_mes_float(groups, costs, endowment, utility == COST_UTILITY, tie_key, skip_zero_cost,
                                      track, ties)
    except Uncertain:
        if ties:
            ties.clear()
        selected, money = run_mes(groups, costs, endowment, utility, tie_key, skip_zero_cost, ties)
        return selected, lambda: money, 0
    return selected, run.exact_money, run.stable


def _total(costs, selected):
    return sum((costs[pid] for pid in selected), Fraction(0))


def _exhaustive(costs, selected, budget, groups, only_supported):
    left = budget - _total(costs, selected)
    chosen = set(selected)
    return not any(
        costs[pid] <= left
        for pid in costs
        if pid not in chosen and (groups.support_weight[pid] > 0 or not only_supported)
    )


def equal_shares(groups, costs, budget, utility, tie_key, add1=False, integral=False, exhaustive_stop=True,
                 increment=1, certified_floats=True):
    """Run MES (optionally with Add1). Returns (selected, final money per group, endowment used, ties).

    Add1: raise every voter's endowment by `increment` per round from B/n (integral: floor(B/n)) and keep
    the last outcome that costs no more than B; stop early once the outcome is exhaustive
    (exhaustive_stop; pabutools checks projects with supporters, the integral tool variant checks all).
    certified_floats=False runs every step in exact rationals (the slow reference the fast path is tested on).
    With the compiled core, Add1 runs a range of steps at once (compiled.range_selection): one run with every
    money, share and value held between two lines in the endowment says which selection every endowment of
    a stretch from the next step on gives, and how long that stretch is; Add1 takes that outcome for each of
    them (stopping where it would) and goes on after the stretch. Only when even the next step is too close
    to call does it take one plain step there.
    ties: (chosen, other) pairs the final id step of the tie-break decided, in the run kept.
    """
    run = run_mes_certified if certified_floats else _run_exact
    budget = Fraction(budget)
    n = groups.voters
    if n == 0:
        return [], [], Fraction(0), []
    fraction_costs = costs
    costs = {pid: exact(cost) for pid, cost in costs.items()}
    endowment = exact(math.floor(budget / n)) if integral else exact(budget / n)
    skip_zero = integral  # the equalshares.net tool leaves zero-cost projects to the completion
    if integral and _total(fraction_costs, list(costs)) <= budget:
        add1 = False  # the tool's shortcut: everything fits, plain MES then completion
        endowment = exact(budget / n)

    def finish(selected, money, endowment):
        nonlocal ties
        if money is None:  # reached by a range jump: run this endowment for its money and ties
            ties = []
            kept, money, _ = run(groups, costs, endowment, utility, tie_key, skip_zero, ties=ties)
            assert kept == selected  # noqa: S101 - guaranteed by the range run; a failure would be a bug, loudly
        converted = {}  # many groups hold the same amount: convert each amount once, and share the value
        final = []
        for m in money():
            value = converted.get(m)
            if value is None:
                value = converted[m] = as_fraction(m)
            final.append(value)
        return selected, final, as_fraction(endowment), ties

    ties = []
    selected, money, stable = run(groups, costs, endowment, utility, tie_key, skip_zero, track=add1, ties=ties)
    unchanged = 1  # how many runs in a row gave the same selection: worth tracking stability only then
    if not add1:
        return finish(selected, money, endowment)
    supported = {pid for pid, weight in groups.support_weight.items() if weight}
    core = compiled.CORE if run is run_mes_certified else None
    reach = 16  # how many steps a range run tries at once: doubled while whole ranges hold
    range_runs = range_steps = 0
    while True:
        if exhaustive_stop and _exhaustive(fraction_costs, selected, budget, groups, only_supported=not integral):
            return finish(selected, money, endowment)
        # Steps below endowment + stable give this same selection (feasible, not exhaustive): jump past them,
        # unless the very next step would end the count (every supported project is in already).
        steps = max(1, math.ceil(stable / increment)) if stable < math.inf else 1
        if supported <= set(selected):
            steps = 1
        elif core is not None:
            # One range run follows the count over a whole stretch of endowments (Budapest 2024: the selection
            # changes 131 times in 23,176 steps) and says how far its outcome certainly holds.
            low = endowment + increment
            found = compiled.range_selection(core, groups, costs, tie_key, low, increment, max(reach, steps),
                                             utility == COST_UTILITY, skip_zero)
            range_runs += 1
            range_steps += 0 if found is None else found[1] + 1
            if range_runs >= 12 and range_steps < 2 * range_runs:
                core = None  # the outcome changes at nearly every step (Warszawa 2026): plain steps from here
            if found is not None:
                trial, k = found
                if _total(fraction_costs, trial) > budget:
                    return finish(selected, money, endowment)  # low already goes over: this endowment is the last
                if (exhaustive_stop and _exhaustive(fraction_costs, trial, budget, groups, not integral)) \
                        or supported <= set(trial):
                    return finish(trial, None, low)
                endowment, selected, money, stable, ties = low + k * increment, trial, None, 0, []
                reach = reach * 2 if k + 1 >= reach else max(16, 2 * k)
                continue
        trial_endowment = endowment + steps * increment
        trial_ties = []
        trial, trial_money, trial_stable = run(groups, costs, trial_endowment, utility, tie_key, skip_zero,
                                               track=unchanged > 0, ties=trial_ties)
        if _total(fraction_costs, trial) > budget:
            if steps > 1:  # the last step kept is the one just before the trial, with this same selection
                endowment = trial_endowment - increment
                ties = []
                kept, money, _ = run(groups, costs, endowment, utility, tie_key, skip_zero, ties=ties)
                assert kept == selected  # noqa: S101 - guaranteed by stable; a failure would be a bug, loudly
            return finish(selected, money, endowment)
        unchanged = unchanged + 1 if trial == selected else 0
        selected, money, endowment, stable, ties = trial, trial_money, trial_endowment, trial_stable, trial_ties
        if supported <= set(selected):
            return finish(selected, money, endowment)  # every supported project is in: more money changes nothing


def explain_mes(explanations, groups, costs, selected, money):
    """Mark MES winners with their step, and for the others what their supporters could still pay."""
    chosen = set(selected)
    for step, pid in enumerate(selected, start=1):
        exp = explanations[pid]
        exp.selected, exp.step, exp.phase, exp.reason = True, step, "equal_shares", SELECTED
    # Many groups hold the very same amount (equal_shares shares the value): add up weights per amount and
    # project, walking only the groups with money left, then multiply once per amount (in gmpy2 if present).
    holding = {pid: {} for pid in groups.supporters if pid not in chosen}  # pid -> id(amount) -> weight
    amounts = {}
    weights = groups.weights
    for g, held in enumerate(money):
        if not held:
            continue
        key = id(held)
        if key not in amounts:
            amounts[key] = exact(held)
        for pid in groups.ballots[g]:
            table = holding.get(pid)
            if table is not None:
                table[key] = table.get(key, 0) + weights[g]
    for pid, table in holding.items():
        exp = explanations[pid]
        exp.phase = "equal_shares"
        if not groups.supporters[pid]:
            exp.reason = NO_SUPPORT
            exp.supporters_could_pay = Fraction(0)
            continue
        could = as_fraction(sum((amounts[key] * weight for key, weight in table.items()), exact(0)))
        exp.supporters_could_pay = min(could, costs[pid])
        exp.reason = SUPPORTERS_COULD_NOT_AFFORD

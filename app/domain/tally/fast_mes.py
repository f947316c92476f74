"""MES in floating point, certified against exact arithmetic: the same selections, in the same order.

(When the compiled core was built, run_mes_float hands the whole run to it: compiled.py, _mescore.c. It
does the same float operations as the lists here and calls back for the exact decisions.)

The exact engine (equal_shares.run_mes) does every step in rationals. Here every step is done in floats
while a running bound on the float error is kept; each decision the outcome depends on is taken in floats
only when its margin is far above that bound:

- which project is cheapest per unit of utility (the heap: a project is bought only if its current value is
  below every other project's lower bound by more than both error bounds);
- whether a project's supporters can still afford it;
- which supporters pay their full share and which pay everything they have (at each purchase).

When the heap or an affordability check is too close to call, only that decision is taken exactly, in
place, and the float run goes on: in the commonest real tie nobody still holding money is capped in
either project, so each share is exactly cost / weight paying in full; otherwise the exact money of every
group now follows from who paid in full and who was capped at each step so far (as at the end, below),
and the exact shares of the projects concerned from that. Ties only the ids separate are flagged. A run
with an exact decision reports no stability (no Add1 jump from it). When a supporter's money is too close
to a share to tell whether it pays in full, the run is not trusted (`Uncertain`) and the caller counts
that endowment with the exact engine.

The error bound is first-order and generous (a factor 8 over the usual summation bounds): each group's
float money carries its own bound (grown by each share it pays), a share's bound is (what its capped
groups' bounds add up to + summation error) / weight paying in full, plus the largest money bound for a
full payer that might exactly be capped.

Stability (Add1): within one run every quantity is a straight line in the endowment E, so each decision
stays the same while E rises less than its margin divided by how fast the margin shrinks. The smallest
such rise over the decisions that matter (each purchase beating every other project's lower bound, each
supporter's side of the share it paid, each project found unaffordable) is `stable`: any endowment below
E + stable gives the same selection, and Add1 jumps over it. Lower bounds stay lower bounds at the new E:
a share worked out with a fixed set of capped groups never exceeds the true share.

Exact money at the end needs no per-voter fractions: a group's money is 0 once it has paid all it had,
otherwise E − Σ (full shares it paid); each share is (cost − what capped groups paid) / weight paying in
full, so the exact shares are recomputed once, in order, from which groups were capped at which step.
"""

import heapq
import math
from collections import defaultdict

from app.domain.tally.exact_share import exact_share

EPS = 2.0**-52
SAFETY = 8.0
# Elections with more supporter entries than this (summed over projects) run their shares and payments
# over numpy arrays (fast_arrays) when numpy is installed; smaller ones gain less than its import costs.
ARRAYS_FROM = 20_000


class Uncertain(Exception):  # noqa: N818 - a signal, not an error
    """A decision of the float run was too close to call; count this endowment exactly."""


def run_mes_float(groups, costs, endowment, cost_utility, tie_key, skip_zero_cost=False, track=True, ties=None):
    """One MES run at endowment (exact value) in floats. Returns (selected ids in order, FloatRun).

    Raises Uncertain when a decision is within the float error bound. FloatRun.stable is how far the
    endowment may rise with every decision of this run unchanged (see module docstring); track=False
    skips that bookkeeping (a third of the time) and leaves stable at 0. ties: as in run_mes.
    Runs on the compiled core (compiled.py) when it was built and not switched off.
    """
    from app.domain.tally import compiled  # imports this module: loaded on first use

    if compiled.CORE is not None:
        return compiled.run_compiled(compiled.CORE, groups, costs, endowment, cost_utility, tie_key, skip_zero_cost,
                                     track, ties)
    weights = groups.weights
    e = float(endowment)
    money = [e] * len(weights)
    slope = [1.0] * len(weights)  # d money / d endowment, for the decisions' stability
    error_of = [2 * EPS * e] * len(weights)  # bound on the error of each group's float money (0 once it is 0)
    death = [None] * len(weights)  # step at which a group paid all it had (capped), None while it pays in full
    fcost = {pid: float(cost) for pid, cost in costs.items()}
    members_of = dict(groups.supporters)  # supporters still holding money (the dead are dropped now and then)
    dead_in = dict.fromkeys(members_of, 0)
    list_weight = dict(groups.support_weight)  # total weight of members_of[pid], dead or not
    worst = [2 * EPS * e]  # the largest error_of
    stable = [math.inf]
    simple = dict.fromkeys(members_of, 0)  # pid -> weight paying in full when nobody alive was capped, else 0

    def hold_while(gap, rate):
        """Keep stable below the rise of the endowment at which gap (> 0 now) shrinking at rate reaches 0."""
        rate = rate * (1 + 1e-6) + 1e-9 * abs(rate) + 1e-12
        if gap <= 0:
            stable[0] = 0.0
        elif rate > 0 and gap / rate < stable[0]:
            stable[0] = gap / rate * (1 - 1e-6)

    def share(pid):
        """(x, error bound of x, d x / d endowment), or None when the supporters certainly cannot afford it."""
        cost = fcost[pid]
        if not cost:
            return 0.0, 0.0, 0.0
        members = members_of[pid]
        if dead_in[pid] * 4 > len(members):
            members = members_of[pid] = [g for g in members if death[g] is None]
            list_weight[pid] = sum([weights[g] for g in members])
            dead_in[pid] = 0
        weight = list_weight[pid]
        paid = paid_error = paid_slope = 0.0
        capped = passes = 0
        pending = members
        while weight:
            passes += 1
            x = (cost - paid) / weight
            short = [g for g in pending if money[g] < x]
            if not short:
                rounding = (capped + 2 * passes + 4) * EPS * (cost + paid)
                simple[pid] = weight if paid == 0.0 else 0  # then x is exactly cost / weight
                return x, (paid_error + rounding) / weight + EPS * x, -paid_slope / weight
            capped += len(short)
            paid += sum([weights[g] * money[g] for g in short])
            paid_error += sum([weights[g] * error_of[g] for g in short])
            if track:
                paid_slope += sum([weights[g] * slope[g] for g in short])
            weight -= sum([weights[g] for g in short])
            pending = [g for g in pending if money[g] >= x]
        # nobody left paying in full: the supporters hold `paid` in all, less than the cost
        margin = SAFETY * (paid_error + (capped + 2 * passes + 4) * EPS * (cost + paid))
        if cost - paid <= margin:
            raise Uncertain(pid, "afford")
        if track:
            hold_while(cost - paid - margin, paid_slope)
        return None

    def rho(pid, x, error, dx):
        """The value MES minimises, its error bound (with the safety factor, for comparisons) and slope.

        A supporter paying in full whose money is within its error of x might, exactly, pay less: worst
        bounds what that could move x by.
        """
        cost = fcost[pid]
        if not cost:
            return 0.0, 0.0, 0.0  # exactly: a project that costs nothing needs no share
        error = SAFETY * (error + worst[0] + 2 * EPS * x)
        return (x / cost, error / cost, dx / cost) if cost_utility else (x, error, dx)

    arrays = _array_run(groups, fcost, e, track, hold_while, simple)
    if arrays is not None:
        share = arrays.share

    def pay(pid, x, error, dx, step):
        if arrays is not None:
            return arrays.pay(pid, x, error, dx, step)
        return _pay(groups, members_of[pid], x, error, dx, step, money, slope, error_of, death, dead_in,
                    hold_while if track else None)

    exact_now = {}  # step -> every group's exact money then, worked out only when a decision needs it

    def exact_money():
        """Each group's money now, exactly: from who paid in full and who was capped at each step so far."""
        step = len(selected)
        if step not in exact_now:
            exact_now.clear()
            hold_while(0.0, 1.0)  # decided exactly: this run's decisions are not tracked, so no Add1 jump
            now = arrays.deaths() if arrays is not None else list(death)
            exact_now[step] = FloatRun(groups, costs, endowment, list(selected), lambda: now, 0.0).exact_money()
        return exact_now[step]

    def certain_share(pid):
        """share(pid), deciding exactly whether its supporters can afford it when floats are too close."""
        try:
            return share(pid)
        except Uncertain as why:
            if why.args[1:] != ("afford",):
                raise
        x = exact_share(costs[pid], groups.supporters[pid], groups.weights, exact_money(),
                        groups.support_weight[pid])
        if x is None:
            return None
        simple[pid] = 0
        x = float(x)
        return x, 2 * EPS * x, 0.0

    overlap = _overlap(groups)
    touched = dict.fromkeys(costs, -1)  # pid -> the last step at which one of its supporters paid
    known = {}  # pid -> (certain_share(pid), the step it was worked out at)

    def current_share(pid):
        """certain_share(pid), again only if one of its supporters has paid since it was last worked out."""
        found = known.get(pid)
        if found is not None and touched[pid] < found[1]:
            return found[0]
        found = certain_share(pid)
        known[pid] = (found, len(selected))
        return found

    def exact_value(q):
        """q's value now, exactly (None if its supporters cannot afford it)."""
        if not costs[q]:
            return costs[q]
        x = exact_share(costs[q], groups.supporters[q], groups.weights, exact_money(), groups.support_weight[q])
        return None if x is None else (x / costs[q] if cost_utility else x)

    heap = []
    for pid, members in groups.supporters.items():
        if not members or (skip_zero_cost and costs[pid] == 0):
            continue
        weight = groups.support_weight[pid]
        if endowment * weight < costs[pid]:  # exact: every supporter holds the endowment
            hold_while(float((costs[pid] - endowment * weight) / weight), 1.0)
            continue
        x = fcost[pid] / weight
        value, error, _ = rho(pid, x, 4 * EPS * (x + e), 0.0)
        heap.append((value, tie_key(pid), pid, error, 0, 0.0))
        simple[pid] = weight
    heapq.heapify(heap)
    selected = []
    while heap:
        _, key, pid, _, _, _ = heapq.heappop(heap)
        found = current_share(pid)
        if found is None:
            continue
        x, error, dx = found
        value, value_error, value_slope = rho(pid, x, error, dx)
        step = len(selected)
        if heap:
            other, other_key, _, other_error, fresh, _ = heap[0]
            margin = value_error + other_error
            if margin == 0 and value == other:  # both exactly known and equal (zero cost): the tie rule decides
                if key > other_key:
                    heapq.heappush(heap, (value, key, pid, value_error, step, value_slope))
                    continue
                if ties is not None and key[:-1] == other_key[:-1]:
                    ties.append((pid, heap[0][2]))
            elif value > other + margin:
                heapq.heappush(heap, (value, key, pid, value_error, step, value_slope))
                continue
            elif value >= other - margin:  # too close to call on floats
                if fresh != step:  # the other's value is an old lower bound: bring it up to date first
                    _refresh(heap, current_share, rho, step)
                    heapq.heappush(heap, (value, key, pid, value_error, step, value_slope))
                    continue
                _refresh_near(heap, value + value_error, current_share, rho, step)
                heap_key = key
                best = _exact_best(pid, key, value + value_error, heap, step, simple, costs, cost_utility, ties,
                                   exact_value)
                if best != pid:  # buy the exact winner now; pid goes back with its (current) value
                    index = next(i for i, entry in enumerate(heap) if entry[2] == best)
                    heap[index] = heap[-1]
                    heap.pop()
                    heapq.heapify(heap)
                    heapq.heappush(heap, (value, heap_key, pid, value_error, step, value_slope))
                    pid = best
                    x, error, dx = current_share(pid)
                    value, value_error, value_slope = rho(pid, x, error, dx)
            if track:  # pid beats every other project's lower bound: how long would it?
                for other, _, _, other_error, _, other_slope in heap:
                    if other - other_error > value + value_error:
                        hold_while(other - value - value_error - other_error, value_slope - other_slope)
                    elif value_slope or other_slope:  # decided exactly now, but may not stay so: no jump
                        hold_while(0.0, 1.0)
        if fcost[pid]:
            pay(pid, x, error, dx, step)
            worst[0] += error
            for q in overlap[pid]:
                touched[q] = step
        selected.append(pid)
    deaths = arrays.deaths if arrays is not None else lambda: death
    return selected, FloatRun(groups, costs, endowment, selected, deaths, stable[0] if track else 0.0)


def _array_run(groups, fcost, e, track, hold_while, simple):
    """The numpy state of a run when the election is big and numpy is installed, else None."""
    if ARRAYS_FROM is None or _entries(groups) <= ARRAYS_FROM:
        return None
    try:
        from app.domain.tally.fast_arrays import ArrayRun
    except ImportError:  # pragma: no cover - numpy is a dependency; the lists still work without it
        return None
    return ArrayRun(groups, fcost, e, track, hold_while, simple)


def _overlap(groups):
    """pid -> the projects that share a supporter with it (itself included): whose shares its purchase moves."""
    found = getattr(groups, "_overlap", None)
    if found is None:
        found = {pid: set() for pid in groups.supporters}
        for ballot in groups.ballots:
            for pid in ballot:
                found[pid] |= ballot
        groups._overlap = found = {pid: list(projects) for pid, projects in found.items()}
    return found


def _entries(groups):
    found = getattr(groups, "_entries", None)
    if found is None:
        found = groups._entries = sum(len(members) for members in groups.supporters.values())
    return found


def _pay(groups, members, x, error, dx, step, money, slope, error_of, death, dead_in, hold_while):
    """Every supporter pays x or all it has; refuse if any is too close to call.

    With hold_while, also bound how far the endowment may rise with each supporter on the same side of x.
    """
    nearest = math.inf  # smallest gap / rate over supporters whose gap shrinks as the endowment rises
    track = hold_while is not None
    for g in members:
        if death[g] is not None:
            continue
        gap = money[g] - x
        tolerance = SAFETY * (error + error_of[g])
        if gap > tolerance:
            if track:
                rate = (dx - slope[g]) * 1.000001 + 1e-12
                if rate > 0 and (gap - tolerance) / rate < nearest:
                    nearest = (gap - tolerance) / rate
                slope[g] -= dx
            money[g] = gap
            error_of[g] += error
        elif gap < -tolerance:
            if track:
                rate = (slope[g] - dx) * 1.000001 + 1e-12
                if rate > 0 and (-gap - tolerance) / rate < nearest:
                    nearest = (-gap - tolerance) / rate
                slope[g] = 0.0
            money[g] = error_of[g] = 0.0
            death[g] = step
            for q in groups.ballots[g]:
                dead_in[q] += 1
        else:
            raise Uncertain(g, "pays in full or all it has")
    if nearest < math.inf:
        hold_while(nearest, 1.0)


def _exact_best(pid, key, reach, heap, step, simple, costs, cost_utility, ties, exact_value):
    """The exact winner among pid and the heap entries that floats cannot tell from it.

    When nobody still holding money is capped in any of them, the share is exactly cost / weight paying in
    full, and the value 1 / weight (cost utilities) or cost / weight (cardinal). Otherwise exact_value(q)
    works each one out from the exact money of its supporters: only this decision is taken exactly, and
    the float run goes on.
    """
    near = [entry for entry in heap if entry[0] - entry[3] <= reach]

    def simple_value(q):
        if not costs[q]:
            return costs[q]
        return costs[q] / simple[q] if not cost_utility else costs[q] / costs[q] / simple[q]

    named = [(pid, key)] + [(entry[2], entry[1]) for entry in near]
    if all(entry[4] == step for entry in near) and all(simple[q] or not costs[q] for q, _ in named):
        candidates = [(simple_value(q), q_key, q) for q, q_key in named]
    else:
        candidates = [(value, q_key, q) for q, q_key in named if (value := exact_value(q)) is not None]
    best = min(candidates)
    if ties is not None:
        ties.extend((best[2], other) for value, other_key, other in candidates
                    if other != best[2] and value == best[0] and other_key[:-1] == best[1][:-1])
    return best[2]


def _refresh_near(heap, reach, share, rho, step):
    """Bring every heap entry whose lower bound is within reach up to date (dropping the unaffordable)."""
    stale = [entry for entry in heap if entry[0] - entry[3] <= reach and entry[4] != step]
    if not stale:
        return
    heap[:] = [entry for entry in heap if not (entry[0] - entry[3] <= reach and entry[4] != step)]
    heapq.heapify(heap)
    for _, key, pid, _, _, _ in stale:
        found = share(pid)
        if found is not None:
            value, value_error, value_slope = rho(pid, *found)
            heapq.heappush(heap, (value, key, pid, value_error, step, value_slope))


def _refresh(heap, share, rho, step):
    """Recompute the heap's top entry at the current step (its stored value was an old lower bound)."""
    _, key, pid, _, _, _ = heapq.heappop(heap)
    found = share(pid)
    if found is None:
        return
    value, value_error, value_slope = rho(pid, *found)
    heapq.heappush(heap, (value, key, pid, value_error, step, value_slope))


class FloatRun:
    """What a certified float run decided, from which its exact shares and money follow."""

    def __init__(self, groups, costs, endowment, selected, deaths, stable):
        self.groups, self.costs, self.endowment = groups, costs, endowment
        self.selected, self.deaths, self.stable = selected, deaths, stable  # deaths(): the step each group died

    def exact_money(self):
        """Each group's money at the end, exactly (same type as endowment)."""
        groups, endowment = self.groups, self.endowment
        weights, death = groups.weights, self.deaths()
        step_of = {pid: step for step, pid in enumerate(self.selected)}
        zero = endowment * 0
        died_at = defaultdict(list)
        for g, step in enumerate(death):
            if step is not None:
                died_at[step].append(g)
        shares = []
        for step, pid in enumerate(self.selected):
            cost = self.costs[pid]
            if not cost:
                shares.append(zero)
                continue
            full = sum(weights[g] for g in groups.supporters[pid] if death[g] is None or death[g] > step)
            capped_weight = 0
            paid_before = defaultdict(int)  # step -> weight of this step's capped groups that paid it in full
            for g in died_at[step]:
                w = weights[g]
                capped_weight += w
                for q in groups.ballots[g]:
                    s = step_of.get(q)
                    if s is not None and s < step:
                        paid_before[s] += w
            paid = endowment * capped_weight - sum((shares[s] * w for s, w in paid_before.items()), zero)
            shares.append((cost - paid) / full)
        money = []
        cache = {}
        for g, ballot in enumerate(groups.ballots):
            if death[g] is not None:
                money.append(zero)
                continue
            steps = tuple(sorted(step_of[q] for q in ballot if q in step_of))
            if steps not in cache:
                cache[steps] = endowment - sum((shares[s] for s in steps), zero)
            money.append(cache[steps])
        return money

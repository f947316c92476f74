"""The certified float run of fast_mes, on the compiled core (_mescore.c) when it was built.

The core runs the whole float run — shares, payments, the heap, error bounds, stability — with the same
float operations as fast_mes' lists, so it takes the same decisions. It never decides anything in floats
that is too close to call: it calls back here, and the decision is taken in exact rationals from the exact
money of every group at that moment (worked out from who paid in full and who was capped so far, as
fast_mes does), then the run goes on where it stopped:

- a near-tie between projects: `best` gets the candidates and returns the exact winner (cost / weight
  paying in full when nobody still holding money is capped in any of them, else their exact shares);
- whether a project's supporters can afford it: `afford` returns its exact share, or None.

Only a supporter whose money is too close to its share to tell whether it pays in full stops the run
(the core returns None): run_mes_float raises Uncertain and that endowment is counted exactly, as on
the Python path.

The core is optional. It is built when the package is installed (setup.py; a C compiler and the Python
headers are all it needs) and the pure-Python engines run without it: when it was not built, or when
NB_TALLY_PURE=1 is set in the environment. CORE is None then (tests switch it off the same way).
"""

import math
import os

from app.domain.tally.exact_share import exact_share
from app.domain.tally.fast_mes import FloatRun, Uncertain, _overlap


def _load():
    if os.environ.get("NB_TALLY_PURE", "").strip() not in ("", "0"):
        return None
    try:
        from app.domain.tally import _mescore
    except ImportError:
        return None
    return _mescore


CORE = _load()


class _Shape:
    """The election's fixed structure for the core, built once per Groups (Add1 runs MES many times)."""

    def __init__(self, core, groups):
        self.pids = list(groups.supporters)
        index = {pid: i for i, pid in enumerate(self.pids)}
        overlap = _overlap(groups)
        self.capsule = core.prepare(
            list(groups.weights),
            [groups.supporters[pid] for pid in self.pids],
            [[index[pid] for pid in ballot] for ballot in groups.ballots],
            [[index[q] for q in overlap[pid]] for pid in self.pids],
        )
        self.costs = self.tie_key = None  # the costs and tie rule the orders below were made for

    def orders(self, costs, tie_key):
        """(float costs, rank of each project's tie key, class of its key without the id), cached."""
        if costs is not self.costs or tie_key is not self.tie_key:
            keys = [tie_key(pid) for pid in self.pids]
            order = sorted(range(len(self.pids)), key=keys.__getitem__)
            rank, tie_class = [0] * len(order), [0] * len(order)
            previous, cls = None, -1
            for position, i in enumerate(order):
                if keys[i][:-1] != previous:
                    previous, cls = keys[i][:-1], cls + 1
                rank[i], tie_class[i] = position, cls
            self.fcost = [float(costs[pid]) for pid in self.pids]
            self.rank, self.tie_class = rank, tie_class
            self.costs, self.tie_key = costs, tie_key
        return self.fcost, self.rank, self.tie_class


def _shape(core, groups):
    found = getattr(groups, "_core_shape", None)
    if found is None:
        found = groups._core_shape = _Shape(core, groups)
    return found


def run_compiled(core, groups, costs, endowment, cost_utility, tie_key, skip_zero_cost=False, track=True,
                 ties=None):
    """fast_mes.run_mes_float on the compiled core: (selected ids in order, FloatRun), or Uncertain."""
    shape = _shape(core, groups)
    pids = shape.pids
    fcost, rank, tie_class = shape.orders(costs, tie_key)
    e = float(endowment)
    stable = math.inf
    enter = []
    for i, pid in enumerate(pids):
        if not groups.supporters[pid] or (skip_zero_cost and costs[pid] == 0):
            continue
        weight = groups.support_weight[pid]
        if endowment * weight < costs[pid]:  # exact: every supporter holds the endowment
            gap = float((costs[pid] - endowment * weight) / weight)
            rate = 1.0 * (1 + 1e-6) + 1e-9 + 1e-12  # fast_mes' hold_while(gap, 1.0)
            if gap <= 0:
                stable = 0.0
            elif gap / rate < stable:
                stable = gap / rate * (1 - 1e-6)
            continue
        enter.append(i)

    exact_now = {}  # step -> every group's exact money then

    def money_at(selected, deaths):
        step = len(selected)
        if step not in exact_now:
            exact_now.clear()
            exact_now[step] = FloatRun(groups, costs, endowment, [pids[i] for i in selected], lambda: deaths,
                                       0.0).exact_money()
        return exact_now[step]

    def exact_value(pid, money):
        if not costs[pid]:
            return costs[pid]
        x = exact_share(costs[pid], groups.supporters[pid], groups.weights, money, groups.support_weight[pid])
        return None if x is None else (x / costs[pid] if cost_utility else x)

    def afford(i, selected, deaths):
        """The exact share of project i now, as a float, or None when its supporters cannot afford it."""
        pid = pids[i]
        x = exact_share(costs[pid], groups.supporters[pid], groups.weights, money_at(selected, deaths),
                        groups.support_weight[pid])
        return None if x is None else float(x)

    raw_ties = []

    def best(candidates, simple, selected, deaths):
        """The exact winner among candidates (project indices): see fast_mes._exact_best."""
        if simple is not None:
            values = []
            for i, weight in zip(candidates, simple, strict=True):
                cost = costs[pids[i]]
                values.append(cost if not cost else (cost / cost / weight if cost_utility else cost / weight))
            found = [(value, tie_key(pids[i]), i) for value, i in zip(values, candidates, strict=True)]
        else:
            money = money_at(selected, deaths)
            found = [(value, tie_key(pids[i]), i) for i in candidates
                     if (value := exact_value(pids[i], money)) is not None]
        winner = min(found)
        if ties is not None:
            raw_ties.extend((winner[2], i) for value, key, i in found
                            if i != winner[2] and value == winner[0] and key[:-1] == winner[1][:-1])
        return winner[2]

    result = core.run(shape.capsule, fcost, rank, tie_class, enter, e, cost_utility, track, stable, best, afford,
                      raw_ties if ties is not None else None)
    if result is None:
        raise Uncertain(None, "pays in full or all it has")
    chosen, deaths, stable = result
    if ties is not None:
        ties.extend((pids[a], pids[b]) for a, b in raw_ties)
    selected = [pids[i] for i in chosen]
    return selected, FloatRun(groups, costs, endowment, selected, lambda: deaths, stable if track else 0.0)



def range_selection(core, groups, costs, tie_key, low, increment, steps, cost_utility, skip_zero_cost=False):
    """(selection, k): every endowment low + j·increment, 0 <= j <= k <= steps, gives that selection (ids in
    order); None when that is not certain even at low.

    One run of the core with every money, share and value held between two lines in the endowment
    (_mescore.c, interval): Add1 steps over the whole stretch at once.
    """
    shape = _shape(core, groups)
    fcost, rank, _ = shape.orders(costs, tie_key)
    enter, late = [], []  # affordable from low on; only from some endowment inside the range on
    for i, pid in enumerate(shape.pids):
        if not groups.supporters[pid] or (skip_zero_cost and costs[pid] == 0):
            continue
        weight = groups.support_weight[pid]
        if low * weight >= costs[pid]:
            enter.append(i)
        elif (low + steps * increment) * weight >= costs[pid]:
            late.append(i)
    found = core.interval(shape.capsule, fcost, rank, enter, late, float(low), float(increment), float(steps),
                          cost_utility)
    if found is None:
        return None
    chosen, k = found
    return [shape.pids[i] for i in chosen], int(k)

"""The two hot loops of the certified float MES (a share, a payment) over numpy arrays, for big elections.

Each element gets the same IEEE operations as the list version in fast_mes (gap = money − x, tolerance =
SAFETY·(error + error of that money), ...), so every decision is taken on the same numbers; only the sums
run in another order, which the error bounds allow for (they hold for any order of summation). numpy is
imported only when an election is big enough to gain from it (it costs ~0.1 s to import).
"""

import math

import numpy as np

from app.domain.tally.fast_mes import EPS, SAFETY, Uncertain


class GroupArrays:
    """Per-Groups numpy views, built once and kept on the Groups (Add1 runs MES many times on it)."""

    def __init__(self, groups):
        self.weights = np.asarray(groups.weights, dtype=np.int64)
        self.fweights = self.weights.astype(np.float64)
        self.members = {pid: np.asarray(members, dtype=np.intp) for pid, members in groups.supporters.items()}
        self.projects_of = [list(ballot) for ballot in groups.ballots]


def arrays_of(groups):
    found = getattr(groups, "_arrays", None)
    if found is None:
        found = groups._arrays = GroupArrays(groups)
    return found


class ArrayRun:
    """State of one float run: money, its slope in the endowment and error bound, and when each group died."""

    def __init__(self, groups, fcost, e, track, hold_while, simple):
        a = self.arrays = arrays_of(groups)
        n = len(a.weights)
        self.money = np.full(n, e)
        self.slope = np.ones(n)
        self.error_of = np.full(n, 2 * EPS * e)
        self.death = np.full(n, -1, dtype=np.int64)
        self.members_of = dict(a.members)
        self.fcost, self.track, self.hold_while, self.simple = fcost, track, hold_while, simple

    def share(self, pid):
        """As fast_mes' share: (x, error bound of x, d x / d endowment), or None when certainly unaffordable."""
        cost = self.fcost[pid]
        if not cost:
            return 0.0, 0.0, 0.0
        a, money = self.arrays, self.money
        members = self.members_of[pid]
        alive = self.death[members] < 0
        if not alive.all():
            members = self.members_of[pid] = members[alive]
        weight = int(a.weights[members].sum())
        paid = paid_error = paid_slope = 0.0
        capped = passes = 0
        pending = members
        held = money[pending]
        while weight:
            passes += 1
            x = (cost - paid) / weight
            short_mask = held < x
            if not short_mask.any():
                rounding = (capped + 2 * passes + 4) * EPS * (cost + paid)
                self.simple[pid] = weight if paid == 0.0 else 0
                return x, (paid_error + rounding) / weight + EPS * x, -paid_slope / weight
            short = pending[short_mask]
            capped += len(short)
            fw = a.fweights[short]
            paid += float(fw @ held[short_mask])
            paid_error += float(fw @ self.error_of[short])
            if self.track:
                paid_slope += float(fw @ self.slope[short])
            weight -= int(a.weights[short].sum())
            keep = ~short_mask
            pending, held = pending[keep], held[keep]
        margin = SAFETY * (paid_error + (capped + 2 * passes + 4) * EPS * (cost + paid))
        if cost - paid <= margin:
            raise Uncertain(pid, "afford")
        if self.track:
            self.hold_while(cost - paid - margin, paid_slope)
        return None

    def pay(self, pid, x, error, dx, step):
        """As fast_mes._pay: every supporter pays x or all it has; refuse if any is too close to call."""
        members = self.members_of[pid]
        members = members[self.death[members] < 0]
        gap = self.money[members] - x
        tolerance = SAFETY * (error + self.error_of[members])
        full = gap > tolerance
        capped = gap < -tolerance
        if not (full | capped).all():
            raise Uncertain(int(members[~(full | capped)][0]), "pays in full or all it has")
        payers, dead = members[full], members[capped]
        if self.track:
            nearest = math.inf
            rate = (dx - self.slope[payers]) * 1.000001 + 1e-12
            shrinking = rate > 0
            if shrinking.any():
                nearest = float(((gap[full] - tolerance[full])[shrinking] / rate[shrinking]).min())
            rate = (self.slope[dead] - dx) * 1.000001 + 1e-12
            shrinking = rate > 0
            if shrinking.any():
                nearest = min(nearest, float(((-gap[capped] - tolerance[capped])[shrinking] / rate[shrinking]).min()))
            self.slope[payers] -= dx
            self.slope[dead] = 0.0
            if nearest < math.inf:
                self.hold_while(nearest, 1.0)
        self.money[payers] = gap[full]
        self.error_of[payers] += error
        self.money[dead] = 0.0
        self.error_of[dead] = 0.0
        self.death[dead] = step

    def deaths(self):
        """The step at which each group paid all it had, None while it paid in full (FloatRun's form)."""
        return [None if d < 0 else d for d in self.death.tolist()]

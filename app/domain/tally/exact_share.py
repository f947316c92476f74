"""The share a project asks of each supporter, in exact numbers (both MES engines use it)."""


def exact_share(cost, groups, weights, money, remaining_weight):
    """Smallest per-voter payment x with sum(w·min(money, x)) >= cost, or None if supporters can't afford it.

    Nobody who holds less than the share computed so far can pay it in full, and capping them only
    raises the share, so each pass caps those at once: a few passes over shrinking lists, no sort.
    """
    paid = 0
    pending = groups
    while remaining_weight:
        x = (cost - paid) / remaining_weight
        short = [g for g in pending if money[g] < x]
        if not short:
            return x
        for g in short:
            paid += weights[g] * money[g]
            remaining_weight -= weights[g]
        pending = [g for g in pending if money[g] >= x]
    return None

"""Rules for what may be published: small counts suppressed, wards only where enough voters."""

import random

SUPPRESS_BELOW = 10


def suppress(count):
    """Counts under 10 are shown as None ("fewer than 10") so nobody can be singled out."""
    return None if count < SUPPRESS_BELOW else count


def shuffled(items, seed):
    """A shuffled copy (voter order must not follow the order of casting); seed makes exports repeatable."""
    copy = list(items)
    random.Random(seed).shuffle(copy)  # noqa: S311 (not security: order only, from a secret-free seed)
    return copy


def publishable_wards(ward_counts):
    """The ward names that may appear next to anonymised ballots: only wards with at least 10 voters."""
    return {ward for ward, count in ward_counts.items() if count >= SUPPRESS_BELOW}

"""Rules for what may be published: canonical anonymised ballots, small counts suppressed, wards only where
enough voters took part.

The count's input digest is the SHA-256 of the canonical ballots, and the published Pabulib file holds
exactly those ballots (shuffled), so anyone can re-import the file, recompute the digest and re-count.
"""

import hashlib
import json
import random
from dataclasses import dataclass
from fractions import Fraction

SUPPRESS_BELOW = 10


def suppress(count):
    """Counts from 1 to 9 are shown as None ("fewer than 10") so nobody can be singled out.

    Zero is shown: "nobody" identifies nobody, and hiding it would force its complement to be hidden too.
    """
    return None if 0 < count < SUPPRESS_BELOW else count


def shuffled(items, seed):
    """A shuffled copy (voter order must not follow the order of casting); seed makes exports repeatable."""
    copy = list(items)
    random.Random(seed).shuffle(copy)  # noqa: S311 (not security: order only, from a secret-free seed)
    return copy


def publishable_wards(ward_counts):
    """The ward names that may appear next to anonymised ballots: only wards with at least 10 voters."""
    return {ward for ward, count in ward_counts.items() if count >= SUPPRESS_BELOW}


def _points(value):
    value = Fraction(value)
    return int(value) if value.denominator == 1 else str(value)


def canonical_ballot(vote_type, choices):
    """One ballot in canonical form, project ids as strings; the same ballot always looks the same.

    vote_type is the tally engine's: "approval" (ids, order irrelevant), "cumulative" ({id: points},
    zero points dropped) or "ordinal" (ids, best first: order kept).
    """
    if vote_type == "cumulative":
        return {str(k): _points(v) for k, v in sorted(choices.items(), key=lambda kv: str(kv[0])) if Fraction(v) > 0}
    if vote_type == "ordinal":
        return [str(c) for c in choices]
    return sorted(str(c) for c in choices)


def _sort_key(ballot):
    return json.dumps(ballot, sort_keys=True, separators=(",", ":"))


def canonical_ballots(vote_type, ballots):
    """All ballots in canonical form, in a fixed order that says nothing about when they were cast."""
    return sorted((canonical_ballot(vote_type, b) for b in ballots), key=_sort_key)


def ballots_digest(canonical):
    """SHA-256 (hex) of canonical ballots as compact JSON: the count's input fingerprint."""
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def csv_safe(text):
    """Stop spreadsheet formula injection from resident-written text in a CSV cell."""
    text = "" if text is None else str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@dataclass(frozen=True)
class Hidden:
    """A count that is not published, and why: "small" (1 to 9) or "protects" (hidden only so that a small
    count elsewhere in the same table cannot be worked out by subtraction: a secondary suppression)."""

    reason: str


SMALL = Hidden("small")
PROTECTS = Hidden("protects")


def protect_cells(cells, sums, public=()):
    """Hide small counts in a table, and enough others that none can be worked out from what is shown.

    cells: {key: count}. sums: [(total key, [part keys])], each a line of the table whose parts add up to
    its total. public: keys published elsewhere (the number of ballots counted is in the open data), never
    hidden. Returns {key: count or Hidden}.

    A line with exactly one hidden cell gives that cell away, so its smallest other cell is hidden too
    (PROTECTS), non-zero first, until no line has exactly one. When every other cell of such a line is
    public, the hidden one is known anyway: it is shown, so the page never contradicts a published number.
    """
    public = set(public)
    shown = {key: SMALL if key not in public and 0 < count < SUPPRESS_BELOW else count
             for key, count in cells.items()}
    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            line = [total, *parts]
            hidden = [key for key in line if isinstance(shown[key], Hidden)]
            if len(hidden) != 1:
                continue
            candidates = sorted((cells[key] == 0, cells[key], str(key), key) for key in line
                                if key not in public and not isinstance(shown[key], Hidden))
            if candidates:
                shown[candidates[0][3]] = PROTECTS
            else:
                shown[hidden[0]] = cells[hidden[0]]
                public.add(hidden[0])
            changed = True
    return shown

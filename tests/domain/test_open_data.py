"""Open data rules: canonical ballots and their digest, shuffling, small-count suppression, safe CSV."""

from fractions import Fraction

from app.domain.open_data import (
    ballots_digest,
    canonical_ballot,
    canonical_ballots,
    csv_safe,
    publishable_wards,
    shuffled,
    suppress,
    suppress_parts,
)


def test_counts_from_one_to_nine_are_suppressed_zero_and_ten_are_shown():
    assert [suppress(n) for n in (0, 1, 9, 10, 250)] == [0, None, None, 10, 250]


def test_a_lone_hidden_part_hides_the_next_smallest_so_it_cannot_be_subtracted_out():
    assert suppress_parts({"online": 120, "paper": 4}) == {"online": None, "paper": None}
    assert suppress_parts({"a": 40, "b": 3, "c": 12}) == {"a": 40, "b": None, "c": None}
    assert suppress_parts({"a": 40, "b": 3, "c": 5}) == {"a": 40, "b": None, "c": None}
    assert suppress_parts({"online": 120, "paper": 0}) == {"online": 120, "paper": 0}
    assert suppress_parts({"only": 4}) == {"only": None}


def test_wards_appear_next_to_ballots_only_with_ten_voters_or_more():
    assert publishable_wards({"Chells": 10, "Manor": 9, "Bedwell": 0}) == {"Chells"}


def test_shuffle_is_a_repeatable_permutation():
    items = list(range(50))
    once = shuffled(items, seed="abc")
    assert sorted(once) == items and once != items
    assert shuffled(items, seed="abc") == once
    assert items == list(range(50))


def test_canonical_ballots_ignore_how_they_were_stored_but_keep_rank_order():
    assert canonical_ballot("approval", [12, 3]) == ["12", "3"]
    assert canonical_ballot("approval", frozenset({"3", "12"})) == ["12", "3"]
    assert canonical_ballot("cumulative", {12: 3, "3": 0, 4: Fraction(2)}) == {"12": 3, "4": 2}
    assert canonical_ballot("ordinal", (12, 3)) == ["12", "3"]
    assert canonical_ballot("ordinal", [3, 12]) != canonical_ballot("ordinal", [12, 3])


def test_the_digest_does_not_depend_on_ballot_order_but_on_every_ballot():
    a = canonical_ballots("approval", [[1, 2], [3], [2]])
    b = canonical_ballots("approval", [[2], [3], [2, 1]])
    assert a == b and ballots_digest(a) == ballots_digest(b)
    assert ballots_digest(canonical_ballots("approval", [[1, 2], [3]])) != ballots_digest(a)
    assert len(ballots_digest(a)) == 64


def test_csv_cells_cannot_start_a_formula():
    assert csv_safe("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("Community garden") == "Community garden"
    assert csv_safe(None) == ""

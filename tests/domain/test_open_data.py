"""Open data rules: canonical ballots and their digest, shuffling, small-count suppression, safe CSV."""

from fractions import Fraction

from app.domain.open_data import (
    PROTECTS,
    SMALL,
    ballots_digest,
    canonical_ballot,
    canonical_ballots,
    csv_safe,
    protect_cells,
    publishable_wards,
    shuffled,
    suppress,
)


def test_counts_from_one_to_nine_are_suppressed_zero_and_ten_are_shown():
    assert [suppress(n) for n in (0, 1, 9, 10, 250)] == [0, None, None, 10, 250]


def _line(**parts):
    """One line of a table: its parts and their published total."""
    return parts | {"total": sum(parts.values())}, [("total", list(parts))]


def test_a_lone_hidden_part_hides_the_next_smallest_so_it_cannot_be_subtracted_out():
    assert protect_cells(*_line(online=120, paper=4)) == {"online": PROTECTS, "paper": SMALL, "total": 124}
    assert protect_cells(*_line(a=40, b=3, c=12), public={"total"}) == {"a": 40, "b": SMALL, "c": PROTECTS,
                                                                          "total": 55}
    assert protect_cells(*_line(a=40, b=3, c=5), public={"total"}) == {"a": 40, "b": SMALL, "c": SMALL, "total": 48}
    assert protect_cells(*_line(online=120, paper=0), public={"total"}) == {"online": 120, "paper": 0, "total": 120}


def test_a_zero_is_hidden_only_when_nothing_else_can_protect_the_small_count():
    assert protect_cells(*_line(a=40, b=3, c=0, d=25), public={"total"})["d"] == PROTECTS
    assert protect_cells(*_line(a=3, b=0), public={"total"}) == {"a": SMALL, "b": PROTECTS, "total": 3}


def test_a_count_that_published_figures_give_away_is_shown_never_contradicted():
    """Six residents took part and six ballots are published: "fewer than 10" beside them would be untrue,
    and one part alone is the total."""
    assert protect_cells(*_line(only=6), public={"total"}) == {"only": 6, "total": 6}


def test_a_table_protects_its_rows_and_its_columns():
    """Two wards by channel: hiding North's 4 on paper hides North's online (row), South's paper (column)
    and so South's online; every row and column then has two hidden cells or none."""
    cells = {"total": 55, "online": 48, "paper": 7, "N": 25, "N-on": 21, "N-pa": 4, "S": 30, "S-on": 27, "S-pa": 3}
    sums = [("total", ["online", "paper"]), ("total", ["N", "S"]), ("N", ["N-on", "N-pa"]), ("S", ["S-on", "S-pa"]),
            ("online", ["N-on", "S-on"]), ("paper", ["N-pa", "S-pa"])]
    shown = protect_cells(cells, sums, public={"total"})
    assert shown["N-pa"] == SMALL and shown["S-pa"] == SMALL and shown["paper"] == SMALL
    assert shown["N"] == 25 and shown["S"] == 30  # the wards' own totals stay: they are not small
    for total, parts in sums:
        assert sum(shown[key] in (SMALL, PROTECTS) for key in [total, *parts]) != 1, (total, parts, shown)
    assert {shown["N-on"], shown["S-on"], shown["online"]} == {PROTECTS}


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

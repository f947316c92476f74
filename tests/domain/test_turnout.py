"""Turnout rules: who could take part, the share who did, and electorate files checked line by line."""

from fractions import Fraction

from app.domain.turnout import (
    ELECTORATE_BANDS,
    RowProblem,
    eligible_bands,
    eligible_population,
    parse_electorate_rows,
    turnout_share,
)


def test_the_minimum_age_leaves_out_bands_with_nobody_old_enough():
    assert eligible_bands(None) == ELECTORATE_BANDS
    assert eligible_bands(16)[0] == "16-17"
    assert eligible_bands(18)[0] == "18-24"
    assert eligible_bands(14)[0] == "11-15"  # partly old enough: counted whole
    assert eligible_population({"11-15": 300, "16-17": 100, "18-24": 400}, 16) == 500
    assert eligible_population({"11-15": 300}, 16) is None


def test_turnout_is_a_share_only_when_the_population_is_known():
    assert turnout_share(25, 1000) == Fraction(1, 40)
    assert turnout_share(25, None) is None and turnout_share(25, 0) is None and turnout_share(None, 10) is None


def test_an_electorate_file_is_checked_line_by_line():
    rows = [["Ward_code", "age_band", "residents"], ["e05000001", "18-24", "1,200"], ["E05000001", "18-24", "5"],
            ["E05999999", "18-24", "5"], ["E05000001", "adults", "5"], ["E05000001", "25-34", "many"], [""],
            ["E05000001", "75+", "310"]]
    figures, problems = parse_electorate_rows(rows, {"E05000001"})
    assert figures == {("E05000001", "18-24"): 1200, ("E05000001", "75+"): 310}
    assert problems == [RowProblem(3, "duplicate", "E05000001 18-24"), RowProblem(4, "unknown_ward", "E05999999"),
                        RowProblem(5, "bad_band", "adults"), RowProblem(6, "bad_number", "many")]
    assert parse_electorate_rows([["postcode"]], set())[1] == [RowProblem(1, "no_header")]
    assert parse_electorate_rows([], set())[1] == [RowProblem(1, "no_header")]

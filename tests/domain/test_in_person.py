"""Who is the same person, and reading a sheet of paper ballots from an event."""

from datetime import date

from app.domain.in_person import (
    Details,
    SheetProblem,
    SheetRow,
    duplicate_evidence,
    identity_key,
    normalise_name,
    parse_paper_sheet,
)

HEADER = ["name", "postcode", "date_of_birth", "choices"]


def test_case_accents_punctuation_and_spacing_do_not_make_another_person():
    assert normalise_name("  Zoë  O'Brien-Smith ") == normalise_name("zoe obrien smith")
    born = date(1950, 2, 3)
    assert identity_key("Zoë O'Brien", "fl11aa", born) == identity_key("ZOE OBRIEN", "FL1 1AA", born)
    assert identity_key("Zoë O'Brien", "FL1 1AA", born) != identity_key("Zoë O'Brien", "FL1 1AB", born)
    assert identity_key("Zoë O'Brien", "FL1 1AA", born) != identity_key("Zoë O'Brien", "FL1 1AA", date(1950, 2, 4))


def test_without_a_date_of_birth_or_a_postcode_nobody_can_be_matched():
    assert identity_key("Maud", "FL1 1AA", None) is None
    assert identity_key("Maud", None, date(1950, 1, 1)) is None
    assert identity_key(" ", "FL1 1AA", date(1950, 1, 1)) is None


TODAY = date(2026, 6, 1)
EDNA = Details("Edna Pavement", "FL1 1AA", "4 Mill Lane", date(1941, 3, 9))


def test_the_same_name_postcode_and_birth_date_is_a_possible_duplicate_whatever_the_address():
    assert duplicate_evidence(EDNA, Details("edna pavement", "fl11aa", "4, Mill  Lane", date(1941, 3, 9)), TODAY) == [
        "name_and_postcode", "date_of_birth", "address"]
    assert duplicate_evidence(EDNA, Details("Edna Pavement", "FL1 1AA", "9 Mill Lane", date(1941, 3, 9)), TODAY) == [
        "name_and_postcode", "date_of_birth"]


def test_a_resident_who_gave_only_an_age_group_is_matched_by_name_postcode_address_and_age():
    age_group_only = Details("Edna Pavement", "FL1 1AA", "4 Mill Lane", age_confirmed=18)
    assert duplicate_evidence(age_group_only, EDNA, TODAY) == ["name_and_postcode", "age_group", "address"]
    online = Details("Edna Pavement", "FL1 1AA", None, age_confirmed=18)  # online: no address
    assert duplicate_evidence(age_group_only, online, TODAY) == ["name_and_postcode", "age_group"]


def test_an_age_that_cannot_be_the_same_persons_rules_a_match_out():
    teenager = Details("Sam Lee", "FL1 1AA", "4 Mill Lane", age_confirmed=11)  # 11 to 15
    father = Details("Sam Lee", "FL1 1AA", "4 Mill Lane", date(1980, 1, 1))
    assert duplicate_evidence(teenager, father, TODAY) == []
    assert duplicate_evidence(father, Details("Sam Lee", "FL1 1AA", "4 Mill Lane", date(2012, 1, 1)), TODAY) == []
    # Said "16 or 17" a while ago and has turned 18 since: still possibly the same person.
    assert duplicate_evidence(Details("Sam Lee", "FL1 1AA", None, age_confirmed=16),
                              Details("Sam Lee", "FL1 1AA", None, date(2008, 1, 1)), TODAY) == [
        "name_and_postcode", "age_group"]


def test_another_name_or_postcode_is_another_person():
    assert duplicate_evidence(EDNA, Details("Edna Pavements", "FL1 1AA", "4 Mill Lane", date(1941, 3, 9)), TODAY) == []
    assert duplicate_evidence(EDNA, Details("Edna Pavement", "FL1 1AB", "4 Mill Lane", date(1941, 3, 9)), TODAY) == []


def test_a_sheet_is_read_in_any_column_order_and_blank_lines_are_skipped():
    rows = [["choices", "name", "date_of_birth", "postcode"], ["12 15", "Maud", "1950-02-03", "fl11aa"], ["", "", ""],
            ["7;8", "Ann", "1960-01-01", "FL1 1AB"]]
    assert parse_paper_sheet(rows) == ([SheetRow(2, "Maud", "FL1 1AA", date(1950, 2, 3), [12, 15]),
                                        SheetRow(4, "Ann", "FL1 1AB", date(1960, 1, 1), [7, 8])], [])


def test_points_are_read_as_number_colon_points():
    rows = [HEADER, ["Maud", "FL1 1AA", "1950-02-03", "12:3 15:2"]]
    assert parse_paper_sheet(rows, cumulative=True)[0][0].choices == {12: 3, 15: 2}


def test_every_bad_row_is_reported_with_its_line():
    rows = [HEADER, ["", "nonsense", "03/02/1950", "twelve"], ["Maud", "FL1 1AA", "1950-02-03", "12"]]
    entries, problems = parse_paper_sheet(rows)
    assert [p.code for p in problems] == ["missing_name", "bad_postcode", "bad_date", "bad_choices"]
    assert {p["line"] for p in problems} == {2} and len(entries) == 1


def test_a_sheet_without_the_columns_or_without_rows_is_refused():
    assert parse_paper_sheet([["who", "what"], ["Maud", "12"]]) == ([], [SheetProblem("no_header", 1)])
    assert parse_paper_sheet([]) == ([], [SheetProblem("empty")])
    assert parse_paper_sheet([HEADER]) == ([], [SheetProblem("empty")])


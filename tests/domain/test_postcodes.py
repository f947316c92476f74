import pytest

from app.domain.postcodes import HeaderError, RowError, normalise_postcode, parse_postcode_rows


@pytest.mark.parametrize(("typed", "expected"), [("sg11aa", "SG1 1AA"), (" SG1  1AA ", "SG1 1AA"),
                                                  ("ec1a1bb", "EC1A 1BB"), ("fl12ab", "FL1 2AB"), ("m11ae", "M1 1AE")])
def test_normalises_postcodes(typed, expected):
    assert normalise_postcode(typed) == expected


@pytest.mark.parametrize("typed", ["", "12345", "SG1", "SG1 1A", "<script>", "SG11AAA"])
def test_rejects_non_postcodes(typed):
    assert normalise_postcode(typed) is None


def test_reads_ons_postcode_directory_columns():
    rows = [["pcd", "pcd2", "pcds", "doterm", "wd24cd", "wd24nm"],
            ["FL1 2AB", "FL1  2AB", "FL1 2AB", "", "E05000001", "Chells"],
            ["FL1 2AC", "FL1  2AC", "FL1 2AC", "202001", "E05000001", "Chells"]]
    valid, errors = parse_postcode_rows(rows)
    assert errors == []
    assert [(r.postcode, r.ward_code, r.ward_name) for r in valid] == [("FL1 2AB", "E05000001", "Chells")]


def test_reports_every_bad_row_with_its_line():
    rows = [["postcode", "ward_code"], ["FL1 2AB", "E05000001"], ["nonsense", "E05000001"], ["FL1 2AD", "X1"],
            ["FL1 2AB", "E05000002"]]
    valid, errors = parse_postcode_rows(rows)
    assert errors == [RowError(3, "bad_postcode", "nonsense"), RowError(4, "bad_ward_code", "X1"),
                      RowError(5, "duplicate_postcode", "FL1 2AB")]


def test_header_without_known_columns_is_refused():
    with pytest.raises(HeaderError):
        parse_postcode_rows([["a", "b"], ["1", "2"]])

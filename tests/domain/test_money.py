import pytest

from app.domain.money import MoneyError, parse_pounds, pence_to_pounds_text


@pytest.mark.parametrize(("text", "pence"), [("£4,000", 400000), ("4000", 400000), ("4000.5", 400050),
                                              (" £ 12.34 ", 1234), ("1,234,567.89", 123456789)])
def test_parses_pounds_to_pence(text, pence):
    assert parse_pounds(text) == pence


@pytest.mark.parametrize("text", ["", "abc", "-5", "4.567", "1e3", "4,00", "£", "NaN", "20000000"])
def test_rejects_what_is_not_money(text):
    with pytest.raises(MoneyError):
        parse_pounds(text)


def test_round_trip_text():
    assert pence_to_pounds_text(400050) == "4000.50"
    assert pence_to_pounds_text(400000) == "4000"

"""Money is integer pence. Parse what people type ("£4,000", "4000.50") without floats."""

import re
from decimal import Decimal, InvalidOperation

_MONEY = re.compile(r"^\s*£?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?\s*$")
MAX_PENCE = 10_000_000_00  # £10 million: anything above is a typing mistake for a community pot


class MoneyError(ValueError):
    """The text is not an amount of money in pounds and pence."""


def parse_pounds(text):
    """Return pence for text like "£4,000", "4000", "4000.5", "4,000.50"; raise MoneyError otherwise."""
    if text is None:
        raise MoneyError("empty")
    match = _MONEY.match(str(text))
    if not match:
        raise MoneyError("not_money")
    try:
        amount = Decimal(match.group(0).strip().lstrip("£").strip().replace(",", ""))
    except InvalidOperation as error:
        raise MoneyError("not_money") from error
    pence = int(amount * 100)
    if pence > MAX_PENCE:
        raise MoneyError("too_large")
    return pence


def pence_to_pounds_text(pence):
    """Render pence as a plain editable amount, e.g. 400050 -> "4000.50", 400000 -> "4000"."""
    pounds, rest = divmod(pence, 100)
    return f"{pounds}" if rest == 0 else f"{pounds}.{rest:02d}"

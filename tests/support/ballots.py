"""What the stored ballots say, for tests: sealed ballots are opened with their round's key, as the close does.

The product itself never reads a sealed ballot before the close; tests do, to check what a cast stored.
"""

from sqlalchemy import select

from app.models import Ballot, Pot
from app.services import round_keys
from app.services.voting import open_sealed


def opened_ballots(session, pot_id=None):
    """[(choices, receipt hash)] of every ballot (of one pot), in no particular order."""
    query = select(Ballot.pot_id, Ballot.choices, Ballot.receipt_hash, Ballot.replace_key, Ballot.sealed,
                   Pot.round_id).join(Pot, Pot.id == Ballot.pot_id)
    if pot_id is not None:
        query = query.where(Ballot.pot_id == pot_id)
    result = []
    for row in session.execute(query).all():
        if row.sealed is None:
            result.append((row.choices, row.receipt_hash))
        else:
            key = round_keys.existing_key(session, row.round_id)
            result.append(open_sealed(key, row.pot_id, row.replace_key, row.sealed))
    return result


def ballot_choices(session, pot_id=None):
    """[choices] of every ballot (of one pot), sorted so a test can compare it with a list."""
    return sorted((choices for choices, _digest in opened_ballots(session, pot_id)), key=repr)

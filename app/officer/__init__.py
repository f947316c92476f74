"""Officers: geography import, rounds and pots, proposal review, paper ballots, the count."""

from flask import Blueprint

bp = Blueprint("officer", __name__, url_prefix="/officer")

from app.officer import checks, count, electorate, geography, in_person, letters, paper, routes  # noqa: E402,F401

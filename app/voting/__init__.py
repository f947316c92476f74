"""Residents' ballots: cast, change, confirmation and receipt check."""

from flask import Blueprint

bp = Blueprint("voting", __name__, url_prefix="/voting")

from app.voting import routes  # noqa: E402,F401

"""Delivery of confirmed awards: officers' pages, the proposer's updates, and the public "You said, we did"."""

from flask import Blueprint

bp = Blueprint("delivery", __name__, url_prefix="/delivery")

from app.delivery import routes  # noqa: E402,F401

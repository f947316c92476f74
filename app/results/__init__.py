"""Public results, charts, open data downloads and the read-only JSON API."""

from flask import Blueprint

bp = Blueprint("results", __name__, url_prefix="/results")

from app.results import routes  # noqa: E402,F401

"""Public pages about each Neighbourhood Board area: its wards, its board and who to contact."""

from flask import Blueprint

bp = Blueprint("areas", __name__, url_prefix="/areas")

from app.areas import routes  # noqa: E402,F401

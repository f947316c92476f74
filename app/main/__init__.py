"""Public pages: home, language switch, accessibility statement, privacy notice."""

from flask import Blueprint

bp = Blueprint("main", __name__, url_prefix=None)

from app.main import routes  # noqa: E402,F401

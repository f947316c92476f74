"""Neighbourhood Board members: decision records and their confirmation."""

from flask import Blueprint

bp = Blueprint("board", __name__, url_prefix="/board")

from app.board import priorities, routes  # noqa: E402,F401

"""Translators: language-pack coverage, content translation, catalogue download/upload."""

from flask import Blueprint

bp = Blueprint("translate", __name__, url_prefix="/translate")

from app.translate import routes  # noqa: E402,F401

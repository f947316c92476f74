"""Translators: language-pack coverage, content translation, catalogue download/upload."""

import time

from flask import Blueprint, current_app

bp = Blueprint("translate", __name__, url_prefix="/translate")

RELOAD_CHECK_SECONDS = 2.0


def catalogue_directory():
    """The translations directory Flask-Babel reads (translations/ unless configured otherwise)."""
    return current_app.extensions["babel"].translation_directories[0]


def forget_cached_catalogues():
    """Drop this process's compiled catalogues so the next request loads the new .mo files.

    Flask-Babel keeps each language's translations in memory for the life of the process.
    """
    current_app.extensions["babel"].instance.domain_instance.cache.clear()


@bp.before_app_request
def _reload_changed_catalogues():
    """Every gunicorn worker notices a new .mo (an upload served by another worker, `flask translate compile`)
    within RELOAD_CHECK_SECONDS and forgets its cached catalogues: a few stat() calls, not a file read."""
    from app.services.translations import catalogue_mtimes

    state = current_app.extensions.setdefault("nb_catalogues", {"checked": 0.0, "mtimes": None})
    now = time.monotonic()
    if now - state["checked"] < RELOAD_CHECK_SECONDS:
        return
    state["checked"] = now
    mtimes = catalogue_mtimes(current_app.extensions["babel"].translation_directories)
    if state["mtimes"] is not None and mtimes != state["mtimes"]:
        forget_cached_catalogues()
    state["mtimes"] = mtimes


from app.translate import routes  # noqa: E402,F401

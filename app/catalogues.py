"""The UI catalogues this process serves: where they are, and reloading them when an upload or a compile changes them.

reload_changed_catalogues runs before every request (registered by app.request_hooks).
"""

import time

from flask import current_app

RELOAD_CHECK_SECONDS = 2.0


def catalogue_directory():
    """The translations directory Flask-Babel reads (translations/ unless configured otherwise)."""
    return current_app.extensions["babel"].translation_directories[0]


def forget_cached_catalogues():
    """Drop this process's compiled catalogues and put in the uploaded ones (from the database), so the next
    request serves what was last uploaded on any host.

    Flask-Babel keeps each language's translations in memory for the life of the process; a language with
    an upload is put in that cache here, shipped catalogue and upload merged, so fuzzy strings show in English.
    """
    from app.extensions import db
    from app.services.catalogues import served_catalogues

    domain = current_app.extensions["babel"].instance.domain_instance
    domain.cache.clear()
    for lang, translations in served_catalogues(db.session, catalogue_directory()).items():
        domain.cache[lang, domain.domain[0]] = translations


def reload_changed_catalogues():
    """Every process notices a new upload (served by another host or worker: a version in the database) or a
    new .mo (`flask translate compile`) within RELOAD_CHECK_SECONDS and reloads its catalogues: one small
    query and a few stat() calls, not a file read."""
    from app.extensions import db
    from app.services.catalogues import catalogue_mtimes, catalogues_version

    state = current_app.extensions.setdefault("nb_catalogues", {"checked": 0.0, "seen": None})
    now = time.monotonic()
    if now - state["checked"] < RELOAD_CHECK_SECONDS:
        return
    state["checked"] = now
    with db.engine.connect() as connection:  # not the request's session: its transaction starts with the view
        version = catalogues_version(connection)
    seen = (version, catalogue_mtimes(current_app.extensions["babel"].translation_directories))
    if seen != state["seen"]:
        forget_cached_catalogues()
    state["seen"] = seen

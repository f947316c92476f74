"""UI catalogues (language packs): the gettext catalogues shipped in translations/<lang>/LC_MESSAGES and the
translators' uploads on top of them.

An upload is checked in full (app.domain.catalogue) before anything is written, then stored in the database
(UiCatalogue), not on one host's disk: every process serves the shipped catalogue with the newest upload on
top, and notices a new upload by a cheap version check (app.catalogues.reload_changed_catalogues).
Content written by people (rounds, pots, proposals, priorities) is translated elsewhere:
app.services.content_translations.
"""

import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from babel import support
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from sqlalchemy import func, select

from app.database import lock_name
from app.domain.catalogue import Checked, catalogue_coverage, check_upload, merge_upload
from app.models.content import UiCatalogue
from app.services.audit import record

SOURCE_LANGUAGE = "en"  # msgids are English: an empty msgstr in the English catalogue means "as written"


def catalogue_path(directory, lang, extension="po"):
    return os.path.join(directory, lang, "LC_MESSAGES", f"messages.{extension}")


def languages(directory):
    """Languages with a catalogue in directory, English first."""
    found = [d for d in os.listdir(directory) if os.path.exists(catalogue_path(directory, d))]
    return sorted(found, key=lambda lang: (lang != SOURCE_LANGUAGE, lang))


def stored_catalogue(session, lang):
    """The newest accepted upload for lang (UiCatalogue) or None."""
    return session.scalar(select(UiCatalogue).where(UiCatalogue.locale == lang).order_by(UiCatalogue.id.desc())
                          .limit(1))


def read_catalogue(directory, lang, session=None):
    """lang's catalogue: the one shipped in directory, with the newest upload's translations on top (given a
    session). Strings added to the code since the upload come from the shipped catalogue."""
    with open(catalogue_path(directory, lang), "rb") as handle:
        shipped = read_po(handle, locale=lang)
    stored = stored_catalogue(session, lang) if session is not None else None
    if stored is None:
        return shipped
    return merge_upload(shipped, read_po(io.BytesIO(stored.po), locale=lang)).catalogue


def catalogue_status(directory, session=None):
    """[(lang, Coverage)]: translated / fuzzy / missing UI strings per language (fuzzy counts as missing)."""
    return [(lang, catalogue_coverage(read_catalogue(directory, lang, session),
                                      source_language=lang == SOURCE_LANGUAGE))
            for lang in languages(directory)]


def _po_bytes(catalogue):
    po = io.BytesIO()
    write_po(po, catalogue, width=76)
    return po.getvalue()


def catalogue_bytes(directory, lang, session=None):
    """The .po a translator downloads: what the service shows now."""
    if session is None or stored_catalogue(session, lang) is None:
        with open(catalogue_path(directory, lang), "rb") as handle:
            return handle.read()
    return _po_bytes(read_catalogue(directory, lang, session))


@dataclass
class Upload:
    checked: Checked
    changed: int = 0
    ignored: int = 0

    @property
    def ok(self):
        return self.checked.ok


def replace_catalogue(session, directory, lang, data, actor):
    """Check an uploaded .po for lang and, only if it passes, store it for every app host to serve.

    The uploaded translations are merged into the current catalogue (see merge_upload): strings added to
    the code since the translator downloaded are kept, strings no longer used are ignored. Fuzzy entries
    are stored but not served, so they show in English. Call in a write transaction: two uploads of one
    language queue (lock_name), so neither loses the other's strings. Audited; flushes only.
    """
    lock_name(session, f"catalogue:{lang}")
    current = read_catalogue(directory, lang, session)
    checked = check_upload(data, lang, current.num_plurals)
    if not checked.ok:
        return Upload(checked)
    merged = merge_upload(current, checked.catalogue)
    catalogue = merged.catalogue
    catalogue.revision_date = datetime.now(UTC)
    catalogue.last_translator = f"{actor.name} <{actor.email}>" if actor is not None else catalogue.last_translator
    session.add(UiCatalogue(locale=lang, po=_po_bytes(catalogue), uploaded_by_id=actor.id if actor else None))
    session.flush()
    record(session, actor, "catalogue.upload", f"catalogue:{lang}", changed=merged.changed, ignored=merged.ignored)
    return Upload(checked, merged.changed, merged.ignored)


def catalogues_version(connection):
    """Changes whenever a catalogue is uploaded: each process compares it to decide when to reload. Takes a
    connection or a session."""
    return connection.scalar(select(func.max(UiCatalogue.id)))


def served_catalogues(session, directory):
    """{lang: compiled Translations} for every language with an upload: shipped + newest upload, no fuzzy."""
    served = {}
    for lang in session.scalars(select(UiCatalogue.locale).distinct()):
        if not os.path.exists(catalogue_path(directory, lang)):
            continue
        mo = io.BytesIO()
        write_mo(mo, read_catalogue(directory, lang, session), use_fuzzy=False)
        mo.seek(0)
        served[lang] = support.Translations(mo)
    return served


def catalogue_mtimes(directories):
    """Modification times of every compiled catalogue: a change means a worker must drop its cached ones."""
    times = []
    for directory in directories:
        if not os.path.isdir(directory):
            continue
        for lang in sorted(os.listdir(directory)):
            path = catalogue_path(directory, lang, "mo")
            if os.path.exists(path):
                times.append((path, os.stat(path).st_mtime_ns))
    return tuple(times)

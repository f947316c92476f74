"""Language packs on disk: coverage per language, for the CLI and the translators' pages."""

import os

from babel.messages.pofile import read_po

from app.domain.catalogue import coverage

TRANSLATIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                            "translations")


def catalogue_path(lang):
    return os.path.join(TRANSLATIONS, lang, "LC_MESSAGES", "messages.po")


def languages():
    return sorted(d for d in os.listdir(TRANSLATIONS) if os.path.exists(catalogue_path(d)))


def read_catalogue(lang):
    with open(catalogue_path(lang), "rb") as handle:
        return read_po(handle, locale=lang)


def catalogue_status():
    """[(lang, Coverage)]; English counts as complete (its msgids are the text)."""
    result = []
    for lang in languages():
        catalogue = read_catalogue(lang)
        entries = [((msg.id if lang == "en" else msg.string), msg.fuzzy) for msg in catalogue if msg.id]
        result.append((lang, coverage(entries)))
    return result

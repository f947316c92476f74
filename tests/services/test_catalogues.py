"""UI catalogues: an upload is checked before anything is stored, and every host serves what was stored."""

import shutil
from pathlib import Path

import pytest

from app.services import catalogues
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def copy(tmp_path):
    target = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", target)
    return target


def test_a_refused_catalogue_changes_nothing(db, copy):
    po = (copy / "pl/LC_MESSAGES/messages.po").read_bytes()
    result = catalogues.replace_catalogue(db.session, str(copy), "pl", po.replace(b"Language: pl", b"Language: cy"),
                                            make_user(role="translator"))
    assert not result.ok and [p.code for p in result.checked.problems] == ["language"]
    assert catalogues.stored_catalogue(db.session, "pl") is None
    assert catalogues.catalogue_bytes(str(copy), "pl", db.session) == po
    assert catalogues.served_catalogues(db.session, str(copy)) == {}


def test_an_accepted_catalogue_is_stored_and_served_without_its_fuzzy_strings(db, copy):
    shipped = (copy / "cy/LC_MESSAGES/messages.po").read_bytes()
    po = shipped.replace(b'msgid "Results"\nmsgstr "Canlyniadau"', b'msgid "Results"\nmsgstr "Y canlyniadau"')
    po = po.replace(b'msgid "Vote"\n', b'#, fuzzy\nmsgid "Vote"\n')
    before = catalogues.catalogues_version(db.session)
    result = catalogues.replace_catalogue(db.session, str(copy), "cy", po, make_user(role="translator"))
    assert result.ok and result.changed == 2
    assert (copy / "cy/LC_MESSAGES/messages.po").read_bytes() == shipped  # nothing written to this host's disk
    assert catalogues.catalogues_version(db.session) != before  # what tells every other process to reload
    assert b'msgstr "Y canlyniadau"' in catalogues.catalogue_bytes(str(copy), "cy", db.session)
    served = catalogues.served_catalogues(db.session, str(copy))["cy"]
    assert served.gettext("Results") == "Y canlyniadau"
    assert served.gettext("Vote") == "Vote"  # fuzzy: the service shows it in English
    assert served.plural(2) == 2  # Welsh plural forms, from the catalogue's header

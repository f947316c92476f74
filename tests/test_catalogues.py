"""Language packs: every string in the code is in every catalogue, placeholders match, Welsh is complete."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.domain.catalogue import message_problems

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ["en", "cy", "pl", "ur", "pa"]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "--quiet", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "--ignore-dirs", ".*", "-o", str(pot), "."],
                   cwd=ROOT, check=True)
    with open(pot, "rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def _catalogue(lang):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=lang)


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_string_in_the_code_is_in_the_catalogue(extracted, lang):
    ids = {m.id for m in _catalogue(lang) if m.id}
    assert extracted - ids == set()


@pytest.mark.parametrize("lang", SHIPPED)
def test_translations_keep_placeholders_and_add_no_html(lang):
    problems = []
    for message in _catalogue(lang):
        if not message.id or message.fuzzy:
            continue
        pairs = zip(message.id, message.string, strict=False) if isinstance(message.id, tuple) else [(message.id, message.string)]
        if isinstance(message.id, tuple):
            pairs = [(message.id[1], s) for s in message.string]
        problems += [(message.id, p) for msgid, text in pairs for p in message_problems(msgid, text)]
    assert problems == []


def test_welsh_is_complete_with_six_plural_forms():
    catalogue = _catalogue("cy")
    untranslated = [m.id for m in catalogue if m.id and (m.fuzzy or not all(
        m.string if isinstance(m.string, tuple) else (m.string,)))]
    assert untranslated == []
    assert catalogue.num_plurals == 6


def test_welsh_plurals_render_six_forms(app):
    from flask_babel import force_locale, ngettext

    with app.test_request_context(), force_locale("cy"):
        forms = [ngettext("Choose %(num)d project.", "Choose up to %(num)d projects.", n) for n in (0, 1, 2, 3, 6, 7)]
    import gettext

    expression = _catalogue("cy").plural_expr
    choose = gettext.c2py(expression)
    assert [choose(n) for n in (0, 1, 2, 3, 6, 7)] == [0, 1, 2, 3, 4, 5]
    assert forms[0] == "Dewiswch 0 prosiect." and forms[5] == "Dewiswch hyd at 7 prosiect."
    assert forms[2] == "Dewiswch hyd at 2 brosiect." and forms[3] == "Dewiswch hyd at 3 phrosiect."


def test_pages_render_in_welsh(client):
    client.post("/language", data={"locale": "cy", "next": "/"})
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="cy" dir="ltr">' in html and "Cyllidebau Cymdogaeth" in html and "Neidio i’r prif gynnwys" in html


def test_money_and_dates_follow_the_locale(app):
    from datetime import date

    from flask_babel import force_locale, format_date

    from app.i18n import format_pence

    with app.test_request_context():
        assert format_pence(4_000_000, "en") == "£40,000"
        assert format_pence(400_050, "pl").replace("\xa0", " ").replace("\u202f", " ") == "4 000,50 GBP"
        with force_locale("cy"):
            assert "Tachwedd" in format_date(date(2026, 11, 30), "long")

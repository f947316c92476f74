"""`flask --app wsgi translate status`: translated / fuzzy / missing strings per language, read from a
temporary copy of translations/ (--directory), so the real catalogues are never touched."""

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)%$")


@pytest.fixture
def copy(tmp_path):
    target = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", target, ignore=shutil.ignore_patterns("*.mo"))
    return target


def _status(app, *args):
    result = app.test_cli_runner().invoke(args=["translate", "status", *args])
    rows = {}
    for line in result.output.splitlines()[1:]:
        lang, translated, fuzzy, missing, percent = ROW.match(line).groups()
        rows[lang] = (int(translated), int(fuzzy), int(missing), int(percent))
    return result, rows


def _rewrite(copy, lang, change):
    """Apply change(catalogue) to one language's .po in the copy."""
    path = copy / lang / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as handle:
        catalogue = read_po(handle, locale=lang)
    change(catalogue)
    with open(path, "wb") as handle:
        write_po(handle, catalogue)


def _singular(catalogue, how_many):
    return [m for m in catalogue if m.id and isinstance(m.id, str)][:how_many]


def test_status_prints_a_header_and_each_language_with_its_counts(app, copy):
    result, rows = _status(app, "--directory", str(copy))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == ["language", "translated", "fuzzy", "missing", "done"]
    assert sorted(rows) == ["cy", "en", "pa", "pl", "ur"]
    total = rows["en"][0]
    assert total > 0 and all(row == (total, 0, 0, 100) for row in rows.values())


def test_status_counts_fuzzy_and_missing_strings_apart_from_translated_ones(app, copy):
    def blank_two(catalogue):
        for message in _singular(catalogue, 2):
            message.string = ""

    def fuzzy_one(catalogue):
        _singular(catalogue, 1)[0].flags.add("fuzzy")

    _rewrite(copy, "cy", blank_two)
    _rewrite(copy, "pl", fuzzy_one)
    result, rows = _status(app, "-d", str(copy))
    assert result.exit_code == 0, result.output
    total = rows["en"][0]
    assert rows["cy"] == (total - 2, 0, 2, 99)
    assert rows["pl"] == (total - 1, 1, 0, 99)  # fuzzy counts as not done: the service shows it in English
    assert rows["ur"] == rows["pa"] == (total, 0, 0, 100)


def test_status_reads_the_real_catalogues_by_default_without_changing_them(app):
    real = {path: path.read_bytes() for path in (ROOT / "translations").rglob("*.po")}
    result, rows = _status(app)
    assert result.exit_code == 0, result.output
    assert sorted(rows) == ["cy", "en", "pa", "pl", "ur"]
    assert {path: path.read_bytes() for path in (ROOT / "translations").rglob("*.po")} == real


def test_status_refuses_a_directory_that_does_not_exist(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["translate", "status", "--directory", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "does not exist" in result.output

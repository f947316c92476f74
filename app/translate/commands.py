"""`flask --app wsgi translate extract|update|compile|init LANG|status`: pybabel, with argument lists.

The translators' routine when strings have changed in the code:
    flask --app wsgi translate extract && flask --app wsgi translate update
then fill in the new (empty) msgstrs in each translations/<lang>/LC_MESSAGES/messages.po (or in the
browser: /translate/<lang>/, download, edit, upload), and `flask --app wsgi translate compile`.
"""

import os
import subprocess  # nosec B404
import sys

import click

from app.config import REPO_ROOT

TRANSLATIONS = os.path.join(REPO_ROOT, "translations")
POT = os.path.join(TRANSLATIONS, "messages.pot")
# Babel's defaults (_, gettext, ngettext, pgettext, N_, ...) plus Flask-Babel's lazy forms.
KEYWORDS = ("_l", "lazy_gettext", "lazy_ngettext:1,2", "lazy_pgettext:1c,2", "_n:1,2")


def extract_arguments(output):
    """pybabel arguments (run in REPO_ROOT, so locations stay relative) that extract app/ code and templates."""
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    return ["--quiet", "extract", "-F", "babel.cfg", *keywords,
            "--add-comments=TRANSLATORS:", "--project=Neighbourhood Budgets", "--version=1.0",
            "--ignore-dirs", ".* __pycache__ static tests benchmarks migrations instance", "-o", output, "."]


def _pybabel(*args):
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    subprocess.run(command, check=True, cwd=REPO_ROOT)  # noqa: S603  # nosec B603


@click.group("translate", help="Language packs (gettext catalogues in translations/).")
def translate():
    pass


@translate.command()
def extract():
    """Extract every translatable string from the code and templates into messages.pot."""
    _pybabel(*extract_arguments(POT))


@translate.command()
def update():
    """Merge messages.pot into every catalogue: new strings arrive empty, unused ones are dropped.

    No fuzzy matching: a guess from a similar string would be shown as if a translator had checked it.
    """
    _pybabel("--quiet", "update", "-i", POT, "-d", TRANSLATIONS, "--no-fuzzy-matching", "--ignore-obsolete")


@translate.command(name="compile")
def compile_catalogues():
    """Compile .po to .mo (fuzzy entries are left out, so they show in English). Running servers reload them."""
    _pybabel("--quiet", "compile", "-d", TRANSLATIONS)


@translate.command()
@click.argument("lang")
def init(lang):
    """Start a catalogue for a new language."""
    if not lang.replace("_", "").isalpha() or len(lang) > 10:
        raise click.BadParameter("a language code like 'cy' or 'pt_BR'")
    _pybabel("--quiet", "init", "-i", POT, "-d", TRANSLATIONS, "-l", lang)


@translate.command()
@click.option("--directory", "-d", default=TRANSLATIONS, show_default=True,
              type=click.Path(exists=True, file_okay=False),
              help="The translations directory to read (e.g. a translator's working copy).")
def status(directory):
    """Per language: translated, fuzzy and missing strings."""
    from app.services.catalogues import catalogue_status

    click.echo(f"{'language':10} {'translated':>10} {'fuzzy':>6} {'missing':>8} {'done':>5}")
    for lang, cover in catalogue_status(directory):
        click.echo(f"{lang:10} {cover.translated:>10} {cover.fuzzy:>6} {cover.missing:>8} {cover.percent:>4}%")


COMMANDS = [translate]

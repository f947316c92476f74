"""`flask --app wsgi translate extract|update|compile|init LANG|status`: pybabel, with argument lists."""

import os
import subprocess  # nosec B404 (fixed argument lists, no shell)
import sys

import click

from app import REPO_ROOT

TRANSLATIONS = os.path.join(REPO_ROOT, "translations")
POT = os.path.join(TRANSLATIONS, "messages.pot")


def _pybabel(*args):
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    subprocess.run(command, check=True, cwd=REPO_ROOT)  # noqa: S603 (argument list, no shell)


@click.group("translate", help="Language packs (gettext catalogues in translations/).")
def translate():
    pass


@translate.command()
def extract():
    """Extract every translatable string from the code and templates into messages.pot."""
    _pybabel("--quiet", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--ignore-dirs", ".*",
             "-o", POT, ".")


@translate.command()
def update():
    """Merge messages.pot into every catalogue (new strings arrive untranslated)."""
    _pybabel("--quiet", "update", "-i", POT, "-d", TRANSLATIONS, "--no-fuzzy-matching")


@translate.command(name="compile")
def compile_catalogues():
    """Compile .po to .mo (fuzzy entries are left out, so they show in English)."""
    _pybabel("--quiet", "compile", "-d", TRANSLATIONS)


@translate.command()
@click.argument("lang")
def init(lang):
    """Start a catalogue for a new language."""
    if not lang.replace("_", "").isalpha() or len(lang) > 10:
        raise click.BadParameter("a language code like 'cy' or 'pt_BR'")
    _pybabel("--quiet", "init", "-i", POT, "-d", TRANSLATIONS, "-l", lang)


@translate.command()
def status():
    """Per language: translated, fuzzy and missing strings."""
    from app.services.translations import catalogue_status

    click.echo(f"{'language':10} {'translated':>10} {'fuzzy':>6} {'missing':>8} {'done':>5}")
    for lang, cover in catalogue_status():
        click.echo(f"{lang:10} {cover.translated:>10} {cover.fuzzy:>6} {cover.missing:>8} {cover.percent:>4}%")


COMMANDS = [translate]

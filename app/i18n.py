"""Locale selection and locale-aware formatting shared by every blueprint."""

import re

from babel import Locale
from babel.numbers import format_currency
from flask import current_app, render_template, request, session
from flask_babel import force_locale, get_locale
from flask_login import current_user
from markupsafe import Markup

from app.config import LOCALE_NAMES, RTL_LOCALES

SESSION_LOCALE_KEY = "locale"
# Babel's plain "en" formats dates the American way ("Jul 1, 2026, 6:00:00 PM"); a UK council writes
# "1 Jul 2026, 18:00:00". The language code (catalogue, lang attribute, caches) stays "en".
FORMAT_LOCALES = {"en": "en_GB"}


def formatting_locale(code):
    """The Babel locale that formats dates and numbers for a shipped language code."""
    return FORMAT_LOCALES.get(code, code)


def supported_locales():
    return current_app.config["SUPPORTED_LOCALES"]


def select_locale():
    """Explicit switch (session) -> saved preference -> Accept-Language -> default.

    Signing in puts the saved preference in the session (auth.login), so the header's language links (a GET,
    which changes no stored data) work for people signed in too; the account page changes the saved one.
    """
    return formatting_locale(_chosen_language())


def _chosen_language():
    supported = supported_locales()
    chosen = session.get(SESSION_LOCALE_KEY)
    if chosen in supported:
        return chosen
    if current_user and current_user.is_authenticated and current_user.preferred_locale in supported:
        return current_user.preferred_locale
    return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone():
    return "Europe/London"


def current_locale_code():
    locale = get_locale()
    return str(locale.language) if locale else "en"


def text_direction(locale_code=None):
    return "rtl" if (locale_code or current_locale_code()) in RTL_LOCALES else "ltr"


def shipped_or_default(code):
    """code when it is a language we offer, else the default (an account's preference from an older set-up)."""
    return code if code in supported_locales() else current_app.config["BABEL_DEFAULT_LOCALE"]


def render_in_language(code, template, **context):
    """Part of a page rendered in someone else's language (a slip handed to a resident), as safe HTML; the template
    marks it with its own lang and dir (current_locale_code() and text_direction() give code while rendering)."""
    with force_locale(formatting_locale(code)):
        return Markup(render_template(template, **context))  # noqa: S704 (autoescaped template output)


def locale_name(code):
    return LOCALE_NAMES.get(code, code)


def format_pence(pence, locale_code=None):
    """Format integer pence as pounds for the locale (e.g. £40,000.00); whole pounds drop the pence."""
    if pence is None:
        return ""
    locale_code = locale_code or current_locale_code()
    amount = pence / 100
    fmt = None
    if pence % 100 == 0:  # the locale's own pattern without decimals, so Polish keeps "11 000 GBP" order
        fmt = re.sub(r"\.0+", "", Locale.parse(locale_code).currency_formats["standard"].pattern)
    return format_currency(amount, "GBP", format=fmt, locale=locale_code, currency_digits=fmt is None)


def pick_label(labels, fallback=""):
    """An officer- or board-written label ({locale: text}) in the reader's language, or fallback when none."""
    from app.domain.content import Picked, pick_translation

    locale = current_locale_code()
    return pick_translation(labels, locale, "en") if labels else Picked(fallback, locale, False)

"""WTForms' built-in validator and field messages, served from our catalogues (translations/) in every language.

WTForms words its own messages ("This field is required.", "Not a valid choice." ...) and Flask-WTF looks them
up in WTForms' catalogues, which have no Urdu or Punjabi and word Welsh and Polish their own way. Before each
request, use_our_catalogues puts our Flask-Babel catalogue where Flask-WTF looks first (the per-request
`request.wtforms_translations`), so a validator without a message of our own speaks the page's language.
BUILT_IN_MESSAGES lists WTForms' wording so `flask translate extract` puts it in messages.pot.
"""

from flask import request
from flask_babel import get_translations, lazy_ngettext
from flask_babel import lazy_gettext as _l

BUILT_IN_MESSAGES = (
    _l("Invalid field name '%s'."),
    _l("Field must be equal to %(other_name)s."),
    lazy_ngettext("Field must be at least %(min)d character long.",
                  "Field must be at least %(min)d characters long.", 1),
    lazy_ngettext("Field cannot be longer than %(max)d character.",
                  "Field cannot be longer than %(max)d characters.", 1),
    lazy_ngettext("Field must be exactly %(max)d character long.",
                  "Field must be exactly %(max)d characters long.", 1),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Invalid IP address."),
    _l("Invalid Mac address."),
    _l("Invalid URL."),
    _l("Invalid UUID."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid value, can't be any of: %(values)s."),
    _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."),
    _l("Invalid Choice: could not coerce."),
    _l("Choices cannot be None."),
    _l("Not a valid choice."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    lazy_ngettext("'%(value)s' is not a valid choice for this field.",
                  "'%(value)s' are not valid choices for this field.", 1),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid week value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
)


class OurCatalogues:
    """What WTForms asks to translate its messages, answered from the page language's catalogue.

    WTForms fills in the placeholders itself, so these return the translated pattern unformatted.
    """

    def ugettext(self, string):
        return get_translations().ugettext(string)

    def ungettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)

    gettext = ugettext
    ngettext = ungettext


def use_our_catalogues():
    """Before each request: WTForms' own messages come from translations/, not from WTForms' catalogues."""
    request.wtforms_translations = OurCatalogues()

"""The eligibility rule's refusals in words: which rule blocked the resident, then what they can do.

One module for every page that refuses a resident (the ballot, the voting list, the proposal form), so a
resident reads the same sentence wherever the rule (app.domain.eligibility) says no.
"""

from flask_babel import gettext as _

from app.domain.eligibility import (
    AGE_UNKNOWN,
    EMAIL_NOT_VERIFIED,
    HELD_FOR_MERGE,
    NO_WARD,
    SUSPENDED,
    TOO_YOUNG,
    WRONG_WARD,
)


def eligibility_message(code):
    """A translated sentence for an eligibility code, or None for a code that is not about eligibility."""
    messages = {
        SUSPENDED: lambda: _("This account is suspended, so it cannot take part. Nothing was stored. Ask the "
                             "council's administrators why, or to reactivate it."),
        HELD_FOR_MERGE: lambda: _("This account matches another registration of the same person. The council will "
                                  "check them and merge them before this account can vote or propose projects."),
        WRONG_WARD: lambda: _("This pot is for residents of other wards. The postcode on your account is in a "
                              "ward this round does not cover. If you have moved or your postcode is wrong, "
                              "contact the council to correct it."),
        NO_WARD: lambda: _("We do not know your ward, and this pot is for residents of certain wards. Check "
                           "your postcode on your account page, or contact the council."),
        TOO_YOUNG: lambda: _("This pot is for residents above a minimum age on the voting day, and you are "
                             "younger. If your date of birth or age group is wrong, contact the council."),
        AGE_UNKNOWN: lambda: _("This pot has a minimum age and we do not know yours. Add your date of birth or "
                               "age group to your account, or contact the council."),
        EMAIL_NOT_VERIFIED: lambda: _("Confirm your e-mail address before you take part. Use the link we sent "
                                      "you, or ask for a new one on your account page."),
    }
    message = messages.get(code)
    return message() if message else None

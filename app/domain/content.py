"""The one fallback rule for translated content."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Picked:
    text: str
    locale: str
    is_fallback: bool  # True when the page should say it shows another language


def pick_translation(values, locale, original_locale, default_locale="en"):
    """Pick text for locale from {locale: text}: requested -> the author's original -> default -> any.

    Empty strings count as missing. Returns Picked, or Picked("", locale, False) when nothing exists.
    """
    for candidate in (locale, original_locale, default_locale):
        text = values.get(candidate)
        if text:
            return Picked(text, candidate, candidate != locale)
    for candidate, text in sorted(values.items()):
        if text:
            return Picked(text, candidate, candidate != locale)
    return Picked("", locale, False)

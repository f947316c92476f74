"""The one fallback rule for translated content, and which translations are current enough to show."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Picked:
    text: str
    locale: str
    is_fallback: bool  # True when the page should say it shows another language

    def __str__(self):
        return self.text  # so a Picked reads as its text inside a sentence ("Ballot: %(pot)s")


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


def current_translations(translations, original_hash, recorded_hashes):
    """{locale: text} of the translations that may be shown: a stale one is left out, so the page shows the
    original (and says it is a fallback) until a translator updates it.

    translations: (locale, text, made_from), made_from being the hash of the original it was translated
    from; original_hash: today's original's hash. A translation is stale when it was made from an original
    on record (recorded_hashes: every original the translators' pages kept) that is not today's. One made
    from an original that is not on record (written outside those pages: imports, fixtures) cannot be
    compared with anything, and is shown.
    """
    return {locale: text for locale, text, made_from in translations
            if made_from == original_hash or made_from not in recorded_hashes}


def translation_frozen(round_phase, entity, on_ballot=True):
    """True while voting is open for a ballot text: a round, its pots, a project on the ballot.

    Every voter must read the same ballot, in every language, from the first vote to the last: neither
    the text nor its translations change while voting is open. Projects not on the ballot are not ballot
    texts. Before voting opens and after it closes, translators work as usual.
    """
    return round_phase == "voting" and (entity != "proposal" or on_ballot)


def may_review(translator_ids, reviewer_id):
    """A review needs a second person: nobody reviews a translation they wrote any part of.

    translator_ids: who saved the texts under review (None for rows made outside the translators' pages).
    """
    return reviewer_id not in set(translator_ids)

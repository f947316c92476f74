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


FIELD_STATES = ("missing", "stale", "translated", "reviewed")  # worst first: an item is as far as its least-done field


def chosen_texts(boxes):
    """What a translator's save keeps of their boxes {field: text}: a box left blank beside a filled one keeps
    the original on purpose (kept as "", so it is reviewed, and found stale, like any translation); a form left
    wholly blank is no translation at all ({}).

    The translation form says a blank box shows the original: that is a choice a translator makes and a second
    translator checks, not work left undone, so it must not keep the item "not translated" for ever.
    """
    return dict(boxes) if any(boxes.values()) else {}


def field_state(chosen, current, reviewed):
    """One field's state in one language: "missing" when no translator has chosen a text for it (words, or the
    original on purpose), "stale" when its original has changed since, then "translated" until reviewed."""
    if not chosen:
        return "missing"
    if not current:
        return "stale"
    return "reviewed" if reviewed else "translated"


def item_state(field_states):
    """An item's state is its least-done field's; an item with nothing to translate counts as reviewed."""
    return min(field_states, key=FIELD_STATES.index) if field_states else "reviewed"


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

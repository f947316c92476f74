"""The one fallback rule for translated content: requested language -> the author's original -> English."""

from app.domain.content import Picked, pick_translation


def test_the_requested_language_wins():
    assert pick_translation({"en": "Benches", "cy": "Meinciau"}, "cy", "en") == Picked("Meinciau", "cy", False)


def test_without_a_translation_the_authors_original_is_shown_and_flagged():
    values = {"pl": "Ławki w parku", "en": "Benches in the park"}
    assert pick_translation(values, "ur", "pl") == Picked("Ławki w parku", "pl", True)


def test_then_english():
    assert pick_translation({"en": "Benches", "pl": ""}, "cy", "pl") == Picked("Benches", "en", True)


def test_empty_strings_count_as_missing_and_any_text_beats_nothing():
    assert pick_translation({"cy": "", "pa": "ਬੈਂਚ"}, "cy", "en") == Picked("ਬੈਂਚ", "pa", True)
    assert pick_translation({}, "cy", "en") == Picked("", "cy", False)


def test_reading_the_original_language_is_not_a_fallback():
    assert pick_translation({"ur": "بینچ"}, "ur", "ur") == Picked("بینچ", "ur", False)

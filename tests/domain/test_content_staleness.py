"""Which content translations may be shown: a stale one is not, so the original shows until it is updated."""

from app.domain.content import Picked, current_translations, pick_translation


def test_a_translation_made_from_todays_original_is_shown():
    assert current_translations([("cy", "Meinciau", "h-now")], "h-now", {"h-now"}) == {"cy": "Meinciau"}


def test_a_translation_made_from_an_earlier_original_is_left_out():
    rows = [("cy", "Meinciau", "h-before"), ("pl", "Ławki", "h-now")]
    assert current_translations(rows, "h-now", {"h-before", "h-now"}) == {"pl": "Ławki"}


def test_a_translation_whose_original_is_not_on_record_cannot_be_compared_and_is_shown():
    assert current_translations([("cy", "Meinciau", "0" * 64)], "h-now", {"h-before"}) == {"cy": "Meinciau"}


def test_a_stale_translation_falls_back_to_the_original_and_says_so():
    values = {"en": "Benches", **current_translations([("cy", "Meinciau", "h-before")], "h-now", {"h-before"})}
    assert pick_translation(values, "cy", "en") == Picked("Benches", "en", True)


def test_picked_text_reads_as_its_text_inside_a_sentence():
    assert f"Ballot: {Picked('Meinciau', 'cy', False)}" == "Ballot: Meinciau"

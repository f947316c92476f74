"""Ballot texts and their translations are frozen while voting is open; a review needs a second person."""

import pytest

from app.domain.content import chosen_texts, field_state, item_state, may_review, translation_frozen
from app.domain.phases import PHASES


@pytest.mark.parametrize("phase", PHASES)
def test_ballot_texts_are_frozen_only_while_voting_is_open(phase):
    for entity in ("round", "pot", "proposal"):
        assert translation_frozen(phase, entity) == (phase == "voting")
    assert not translation_frozen(phase, "proposal", on_ballot=False)  # not a ballot text


def test_a_review_needs_a_second_person():
    assert not may_review({4}, 4)
    assert not may_review({4, 5}, 5)  # wrote one of the fields
    assert may_review({4}, 5)
    assert may_review(set(), 5)  # made outside the translators' pages


def test_a_blank_box_beside_a_filled_one_keeps_the_original_on_purpose():
    assert chosen_texts({"title": "بجٹ", "description": ""}) == {"title": "بجٹ", "description": ""}
    assert chosen_texts({"title": "", "description": ""}) == {}  # a blank form is no translation at all


def test_a_field_nobody_chose_a_text_for_keeps_the_item_not_translated():
    assert field_state(chosen=False, current=False, reviewed=False) == "missing"
    assert field_state(chosen=True, current=False, reviewed=True) == "stale"
    assert field_state(chosen=True, current=True, reviewed=False) == "translated"
    assert field_state(chosen=True, current=True, reviewed=True) == "reviewed"
    assert item_state(["reviewed", "translated"]) == "translated"
    assert item_state(["reviewed", "missing", "stale"]) == "missing"
    assert item_state([]) == "reviewed"

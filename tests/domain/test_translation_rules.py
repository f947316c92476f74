"""Ballot texts and their translations are frozen while voting is open; a review needs a second person."""

import pytest

from app.domain.content import may_review, translation_frozen
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

"""Who reads a proposal: a draft is its proposer's until submitted; a council-wide round has no area board."""

import pytest

from app.domain.proposals import may_read


def reader(**who):
    return dict({"is_author": False, "is_officer": False, "board_area_ids": ()}, **who)


@pytest.mark.parametrize("round_area", [7, None])
def test_a_draft_is_read_by_its_author_only(round_area):
    assert may_read("draft", False, **reader(is_author=True), round_area_id=round_area)
    for staff in (reader(is_officer=True), reader(board_area_ids=[7]), reader(board_area_ids=[3])):
        assert not may_read("draft", False, **staff, round_area_id=round_area)


def test_a_submitted_proposal_is_public_unless_hidden():
    assert may_read("submitted", False, **reader(), round_area_id=None)
    assert not may_read("submitted", True, **reader(), round_area_id=7)


def test_a_hidden_proposal_is_for_officers_and_the_board_of_the_rounds_own_area():
    assert may_read("feasible", True, **reader(is_officer=True), round_area_id=None)
    assert may_read("feasible", True, **reader(board_area_ids=[7]), round_area_id=7)
    assert not may_read("feasible", True, **reader(board_area_ids=[3]), round_area_id=7)
    assert not may_read("feasible", True, **reader(board_area_ids=[3]), round_area_id=None)  # council-wide

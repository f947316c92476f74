"""Each area's priorities: which are offered, label checks, stable codes, and money per priority."""

from app.domain.priorities import (
    DEFAULT_PRIORITIES,
    PriorityItem,
    check_label,
    effective_list,
    money_by_priority,
    new_code,
    offered_codes,
)
from app.domain.problems import Problem

OWN = [PriorityItem("parks", {"en": "Parks"}), PriorityItem("cycling", {"en": "Cycling"}, retired=True),
       PriorityItem("youth", {"en": "Youth"})]


def test_an_area_without_its_own_list_uses_the_standard_six():
    assert [item.code for item in effective_list([])] == list(DEFAULT_PRIORITIES)
    assert offered_codes([]) == list(DEFAULT_PRIORITIES)


def test_a_retired_priority_is_not_offered_on_new_proposals_but_an_old_proposal_keeps_it():
    assert offered_codes(OWN) == ["parks", "youth"]
    assert offered_codes(OWN, keep="cycling") == ["parks", "youth", "cycling"]
    assert offered_codes(OWN, keep="not_in_this_list") == ["parks", "youth"]


def test_a_priority_needs_an_english_name_that_is_not_taken_and_not_too_long():
    assert check_label({"en": " ", "cy": "Parciau"}, []) == [Problem("label_required", "label_en")]
    assert check_label({"en": "parks  "}, [{"en": "Parks"}]) == [Problem("label_duplicate", "label_en")]
    assert check_label({"en": "Parks", "ur": "x" * 121}, []) == [Problem("label_too_long", "label_ur", values={"max": 120})]
    assert check_label({"en": "Parks", "cy": "Parciau"}, [{"en": "Youth"}]) == []


def test_a_new_code_comes_from_the_english_name_and_is_unique_in_the_list():
    assert new_code("Dog-friendly parks!", set()) == "dog_friendly_parks"
    assert new_code("Café culture", {"cafe_culture"}) == "cafe_culture_2"
    assert new_code("???", set()) == "priority"
    assert len(new_code("x" * 100, set())) <= 40


def test_money_per_priority_follows_the_list_order_with_unprioritised_awards_last():
    awards = [("youth", 2_000_00), ("", 500_00), ("parks", 1_000_00), ("youth", 3_000_00), ("cycling", 700_00)]
    assert money_by_priority(awards, OWN) == [("parks", 1_000_00), ("cycling", 700_00), ("youth", 5_000_00),
                                              ("", 500_00)]
    assert money_by_priority([], OWN) == []

"""Each area's own priorities: the board's changes, what a round offers, and money awarded per priority."""

import pytest

from app.domain.problems import Problem
from app.models import AuditEntry, Priority
from app.services import priorities as priority_service
from app.services.content import page_texts
from app.services.delivery import Award
from app.services.proposals import ProposalRefused, save_proposal
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward


@pytest.fixture
def world(db):
    area, other_area = make_area(name="Chells"), make_area(name="Bedwell")
    ward = make_ward(area=area)
    round_ = make_round(area=area, phase="proposals")
    pot = make_pot(round_=round_, amount_pence=40_000_00)
    return {"area": area, "other_area": other_area, "round": round_, "pot": pot, "resident": make_user(ward=ward),
            "member": make_user(role="board", area=area, ward=ward)}


def fields(world, priority):
    return {"title": "Bike racks", "summary": "Racks by the shops.", "description": "Ten racks.",
            "cost_pence": 2_000_00, "cost_breakdown": "", "ward_id": world["resident"].ward_id, "location": "",
            "priority": priority, "original_locale": "en", "group_name": ""}


def test_a_board_adds_its_own_priority_and_residents_of_that_area_can_choose_it(db, world):
    added = priority_service.add_priority(db.session, world["member"], world["area"].council_id, world["area"].id,
                                          {"en": "Walking and cycling", "cy": "Cerdded a beicio", "pl": ""})
    assert added.code == "walking_and_cycling" and added.labels == {"en": "Walking and cycling",
                                                                    "cy": "Cerdded a beicio"}
    assert priority_service.offered_for_round(db.session, world["round"])[-1] == "walking_and_cycling"
    proposal = save_proposal(db.session, world["resident"], world["pot"], submit=True,
                             **fields(world, "walking_and_cycling"))
    assert proposal.priority == "walking_and_cycling"
    # another area's list is its own: still the standard six, without this board's priority
    other = priority_service.items(db.session, world["area"].council_id, world["other_area"].id)
    assert "walking_and_cycling" not in [item.code for item in other] and len(other) == 6
    entry = db.session.query(AuditEntry).filter_by(action="priority.added").one()
    assert entry.details["code"] == "walking_and_cycling"


def test_the_same_name_twice_in_one_list_is_refused(db, world):
    with pytest.raises(priority_service.PriorityRefused) as refused:
        priority_service.add_priority(db.session, world["member"], world["area"].council_id, world["area"].id,
                                      {"en": "young people"})
    assert refused.value.problems == [Problem("label_duplicate", "label_en")]


def test_renaming_keeps_the_code_so_earlier_proposals_show_the_new_name(db, world):
    proposal = make_proposal(pot=world["pot"], priority="health")
    rows = priority_service.ensure_rows(db.session, world["area"].council_id, world["area"].id)
    health = next(row for row in rows if row.code == "health")
    priority_service.rename_priority(db.session, world["member"], health, {"en": "Health", "cy": "Iechyd"})
    for locale, name in (("en", "Health"), ("cy", "Iechyd"), ("ur", "Health")):
        assert page_texts(db.session, locale, priorities=[proposal]).priority(proposal).text == name


def test_an_area_without_its_own_list_names_the_standard_priorities_in_the_readers_language(db, world):
    young = make_proposal(pot=world["pot"], priority="young_people")
    gone = make_proposal(pot=world["pot"], priority="no_such_priority")
    texts = page_texts(db.session, "cy", priorities=[young, gone])
    assert texts.priority(young).text == "Pobl ifanc" and not texts.priority(young).is_fallback
    assert texts.priority(gone).text == "no_such_priority"  # not in the list: its code, as before
    rows = priority_service.ensure_rows(db.session, world["area"].council_id, world["area"].id)
    next(row for row in rows if row.code == "young_people").labels = {"en": "Children and young people"}
    picked = page_texts(db.session, "cy", priorities=[young]).priority(young)
    assert (picked.text, picked.locale, picked.is_fallback) == ("Children and young people", "en", True)


def test_a_retired_priority_stays_on_an_old_proposal_but_is_refused_on_a_new_one(db, world):
    old = save_proposal(db.session, world["resident"], world["pot"], **fields(world, "older_people"))
    rows = priority_service.ensure_rows(db.session, world["area"].council_id, world["area"].id)
    priority_service.set_retired(db.session, world["member"], next(r for r in rows if r.code == "older_people"),
                                 True)
    assert "older_people" not in priority_service.offered_for_round(db.session, world["round"])
    with pytest.raises(ProposalRefused) as refused:
        save_proposal(db.session, world["resident"], world["pot"], **fields(world, "older_people"))
    assert refused.value.problems == [Problem("unknown", "priority")]
    edited = save_proposal(db.session, world["resident"], world["pot"], old, submit=True,
                           **dict(fields(world, "older_people"), title="Lunch club"))
    assert (edited.title, edited.priority) == ("Lunch club", "older_people")


def test_a_council_wide_round_uses_the_council_wide_list(db, world):
    council_wide = make_round(phase="proposals")
    council_wide.area = None
    council_wide.council_id = world["area"].council_id
    db.session.flush()
    priority_service.add_priority(db.session, None, world["area"].council_id, None, {"en": "Town centre"})
    assert priority_service.offered_for_round(db.session, council_wide)[-1] == "town_centre"
    assert "town_centre" not in priority_service.offered_for_round(db.session, world["round"])
    assert db.session.query(Priority).filter_by(area_id=None).count() == 7


def test_money_awarded_per_priority_uses_the_areas_names(db, world):
    priority_service.ensure_rows(db.session, world["area"].council_id, world["area"].id)
    awards = [Award(make_proposal(pot=world["pot"], priority=code), world["round"], pence, None)
              for code, pence in (("health", 3_000_00), ("green_spaces", 1_000_00), ("health", 500_00))]
    assert [(code, labels["en"], pence) for code, labels, pence in
            priority_service.money_per_priority(db.session, awards)] == [
        ("green_spaces", "Parks and green spaces", 1_000_00), ("health", "Health and wellbeing", 3_500_00)]

"""Once voting has opened, the ballot's rules and who may vote are frozen (issue 4, CONSUL #5321)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.phases import PHASES
from app.domain.rounds import FROZEN_POT_FIELDS, FROZEN_ROUND_FIELDS, changed_fields, frozen_changes

BEFORE_VOTING = ("draft", "proposals", "review")
FROM_VOTING_ON = ("voting", "counting", "decision", "published")

# Spelt out here rather than read from the constants, so dropping a field from the rule fails a test.
ROUND_FIELDS_THAT_DECIDE_WHO_VOTES = ("area_id", "ward_ids", "min_age", "require_verified_email", "voting_open_at",
                                      "voting_close_at", "ballot")
POT_FIELDS_ON_THE_BALLOT = ("amount_pence", "ballot_type", "max_choices", "total_points", "max_points_per_project",
                            "min_project_cost_pence", "max_project_cost_pence", "counting_rule", "completion",
                            "ward_ids")


def test_the_phases_split_into_before_and_after_voting_opened():
    assert BEFORE_VOTING + FROM_VOTING_ON == PHASES


@pytest.mark.parametrize("phase", FROM_VOTING_ON)
@pytest.mark.parametrize("field", ROUND_FIELDS_THAT_DECIDE_WHO_VOTES)
def test_round_field_is_refused_once_voting_opened(field, phase):
    assert frozen_changes(phase, [field, "title"], FROZEN_ROUND_FIELDS) == [field]


@pytest.mark.parametrize("phase", BEFORE_VOTING)
@pytest.mark.parametrize("field", ROUND_FIELDS_THAT_DECIDE_WHO_VOTES)
def test_round_field_may_change_before_voting_opens(field, phase):
    assert frozen_changes(phase, [field], FROZEN_ROUND_FIELDS) == []


@pytest.mark.parametrize("phase", FROM_VOTING_ON)
@pytest.mark.parametrize("field", POT_FIELDS_ON_THE_BALLOT)
def test_pot_field_is_refused_once_voting_opened(field, phase):
    assert frozen_changes(phase, [field, "name"], FROZEN_POT_FIELDS) == [field]


@pytest.mark.parametrize("phase", BEFORE_VOTING)
@pytest.mark.parametrize("field", POT_FIELDS_ON_THE_BALLOT)
def test_pot_field_may_change_before_voting_opens(field, phase):
    assert frozen_changes(phase, [field], FROZEN_POT_FIELDS) == []


def test_words_and_languages_stay_editable_during_voting():
    texts = ["title", "description", "languages", "original_locale", "name", "instructions"]
    assert frozen_changes("voting", texts, FROZEN_ROUND_FIELDS | FROZEN_POT_FIELDS) == []


def test_every_refused_field_is_named_in_order():
    assert frozen_changes("voting", ["ward_ids", "area_id", "min_age"], FROZEN_ROUND_FIELDS) == [
        "area_id", "min_age", "ward_ids"]


def test_a_time_typed_again_to_the_minute_is_no_change():
    stored = datetime(2026, 7, 1, 17, 0, 41, 123456, tzinfo=UTC)
    assert changed_fields({"voting_open_at": stored}, {"voting_open_at": stored.replace(second=0, microsecond=0)}) == []
    assert changed_fields({"voting_open_at": stored}, {"voting_open_at": stored + timedelta(minutes=1)}) == [
        "voting_open_at"]


def test_ward_lists_compare_as_sets_and_other_values_exactly():
    current = {"ward_ids": [3, 1], "amount_pence": 40_000_00, "max_choices": None}
    assert changed_fields(current, {"ward_ids": [1, 3], "amount_pence": 40_000_00, "max_choices": None}) == []
    assert changed_fields(current, {"ward_ids": [1], "amount_pence": 40_000_01, "max_choices": 3}) == [
        "ward_ids", "amount_pence", "max_choices"]

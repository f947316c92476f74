from datetime import date

from app.domain.eligibility import (
    AGE_UNKNOWN,
    EMAIL_NOT_VERIFIED,
    HELD_FOR_MERGE,
    NO_WARD,
    SUSPENDED,
    TOO_YOUNG,
    WRONG_WARD,
    Requirements,
    Resident,
    age_band,
    age_on,
    ineligibility_reasons,
)

VOTING_DAY = date(2026, 6, 1)


def resident(ward_id=1, dob=date(1990, 1, 1), confirmed=None, verified=True):
    return Resident(ward_id=ward_id, date_of_birth=dob, age_confirmed=confirmed, email_verified=verified)


def rules(wards=(1, 2), min_age=None, verified=True):
    return Requirements(frozenset(wards), min_age, VOTING_DAY, verified)


def test_resident_of_a_listed_ward_is_eligible():
    assert ineligibility_reasons(resident(), rules()) == []


def test_resident_of_another_ward_or_none_is_not():
    assert ineligibility_reasons(resident(ward_id=9), rules()) == [WRONG_WARD]
    assert ineligibility_reasons(resident(ward_id=None), rules()) == [NO_WARD]


def test_minimum_age_is_checked_on_the_voting_day():
    assert ineligibility_reasons(resident(dob=date(2015, 6, 1)), rules(min_age=11)) == []
    assert ineligibility_reasons(resident(dob=date(2015, 6, 2)), rules(min_age=11)) == [TOO_YOUNG]


def test_age_confirmation_stands_in_for_date_of_birth():
    assert ineligibility_reasons(resident(dob=None, confirmed=16), rules(min_age=16)) == []
    assert ineligibility_reasons(resident(dob=None, confirmed=11), rules(min_age=16)) == [TOO_YOUNG]
    assert ineligibility_reasons(resident(dob=None), rules(min_age=16)) == [AGE_UNKNOWN]


def test_unverified_email_only_matters_when_required():
    assert ineligibility_reasons(resident(verified=False), rules()) == [EMAIL_NOT_VERIFIED]
    assert ineligibility_reasons(resident(verified=False), rules(verified=False)) == []


def test_leap_day_birthday():
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_age_bands():
    assert age_band(date(2010, 1, 1), VOTING_DAY) == "16-17"
    assert age_band(date(1940, 1, 1), VOTING_DAY) == "75+"
    assert age_band(None, VOTING_DAY) is None


# One rule for the proposal form, the ballot and the register (issue 13)

def test_a_pots_wards_count_only_where_the_round_still_covers_them():
    from app.domain.eligibility import effective_ward_ids

    assert effective_ward_ids({1, 2}, {1, 2, 3}) == {1, 2}
    assert effective_ward_ids({1, 2}, set()) == {1, 2}
    assert effective_ward_ids(set(), {3}) == {3}
    assert effective_ward_ids(set(), set()) is None  # the whole council: anyone with a ward


def test_a_resident_of_a_ward_removed_from_the_round_may_not_take_part():
    from datetime import UTC, datetime

    from app.domain.eligibility import check_eligibility

    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    terms = {"min_age": None, "require_verified_email": True, "now": now}
    assert check_eligibility(resident(ward_id=2), round_ward_ids={1}, pot_ward_ids={1, 2}, **terms) == [WRONG_WARD]
    assert check_eligibility(resident(ward_id=2), round_ward_ids={1}, pot_ward_ids={2}, **terms) == [WRONG_WARD]
    assert check_eligibility(resident(ward_id=1), round_ward_ids={1}, pot_ward_ids={1, 2}, **terms) == []


def test_age_counts_on_the_london_calendar_day():
    from datetime import UTC, datetime

    from app.domain.eligibility import check_eligibility

    # 23:30 UTC on 31 May is already 1 June in London (BST): the resident turns 16 that day.
    late_evening = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    sixteen_on_1_june = resident(dob=date(2010, 6, 1))
    assert check_eligibility(sixteen_on_1_june, round_ward_ids={1}, pot_ward_ids=set(), min_age=16,
                         require_verified_email=False, now=late_evening) == []
    assert check_eligibility(sixteen_on_1_june, round_ward_ids={1}, pot_ward_ids=set(), min_age=16,
                         require_verified_email=False, now=datetime(2026, 5, 31, 22, 30, tzinfo=UTC)) == [TOO_YOUNG]


def test_paper_entry_needs_no_confirmed_email_and_online_does():
    from datetime import UTC, datetime

    from app.domain.eligibility import check_eligibility

    terms = {"round_ward_ids": {1}, "pot_ward_ids": {1}, "min_age": None, "require_verified_email": True,
             "now": datetime(2026, 6, 1, tzinfo=UTC)}
    assert check_eligibility(resident(verified=False), **terms) == [EMAIL_NOT_VERIFIED]
    assert check_eligibility(resident(verified=False), channel="paper", **terms) == []


def test_a_pot_ward_outside_the_round_is_named():
    from app.domain.eligibility import wards_outside_round

    assert wards_outside_round({1, 2}, {2, 3, 4}) == [3, 4]
    assert wards_outside_round({1, 2}, {1}) == []
    assert wards_outside_round(set(), {7}) == []  # a round with no wards is the whole council


def test_a_change_of_ward_waits_for_an_officer_only_while_voting_is_open_there():
    from app.domain.eligibility import ward_change_needs_check

    assert ward_change_needs_check(1, 2, [{2, 3}])
    assert ward_change_needs_check(1, 2, [set()])  # a whole-council round covers every ward
    assert not ward_change_needs_check(1, 2, [{5}])
    assert not ward_change_needs_check(1, 2, [])
    assert not ward_change_needs_check(1, 1, [{1}])


def test_a_suspended_or_held_account_takes_part_in_nothing_and_is_told_that_first():
    suspended = Resident(ward_id=9, date_of_birth=date(1990, 1, 1), age_confirmed=None, email_verified=True,
                         suspended=True)
    held = Resident(ward_id=1, date_of_birth=date(1990, 1, 1), age_confirmed=None, email_verified=True,
                    held_for_merge=True)
    assert ineligibility_reasons(suspended, rules()) == [SUSPENDED, WRONG_WARD]
    assert ineligibility_reasons(held, rules()) == [HELD_FOR_MERGE]

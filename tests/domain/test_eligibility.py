from datetime import date

from app.domain.eligibility import (
    AGE_UNKNOWN,
    EMAIL_NOT_VERIFIED,
    NO_WARD,
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

"""Who may take part in a pot: ward of residence, minimum age on the voting day, verified e-mail."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.domain.problems import Problem

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Resident:
    ward_id: int | None
    date_of_birth: date | None
    age_confirmed: int | None  # "I am at least N", for residents who gave no date of birth
    email_verified: bool
    held_for_merge: bool = False  # registered twice: waits for an officer to merge or release it
    suspended: bool = False  # suspended by an administrator, or closed (merged into another account)


@dataclass(frozen=True)
class Requirements:
    ward_ids: frozenset
    min_age: int | None
    on_date: date  # the voting day (or today while proposals are open)
    require_verified_email: bool


# The problems this rule returns (app.problem_messages words them).
WRONG_WARD = Problem("wrong_ward")
NO_WARD = Problem("no_ward")
TOO_YOUNG = Problem("too_young")
AGE_UNKNOWN = Problem("age_unknown")
EMAIL_NOT_VERIFIED = Problem("email_not_verified")
SUSPENDED = Problem("account_suspended")
HELD_FOR_MERGE = Problem("held_for_merge")


def age_on(date_of_birth, on_date):
    """Whole years between date_of_birth and on_date (29 February birthdays count from 1 March)."""
    years = on_date.year - date_of_birth.year
    if (on_date.month, on_date.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def ineligibility_reasons(resident, requirements):
    """Return the problems (reasons) the resident may not take part; empty means eligible.

    A suspended account and an account held for merging (one person registered twice) take part in nothing,
    whatever the channel: those reasons come first.
    """
    reasons = [problem for problem, applies in ((SUSPENDED, resident.suspended),
                                                (HELD_FOR_MERGE, resident.held_for_merge)) if applies]
    if resident.ward_id is None:
        reasons.append(NO_WARD)
    elif requirements.ward_ids and resident.ward_id not in requirements.ward_ids:
        reasons.append(WRONG_WARD)
    if requirements.min_age:
        if resident.date_of_birth is not None:
            if age_on(resident.date_of_birth, requirements.on_date) < requirements.min_age:
                reasons.append(TOO_YOUNG)
        elif resident.age_confirmed is None:
            reasons.append(AGE_UNKNOWN)
        elif resident.age_confirmed < requirements.min_age:
            reasons.append(TOO_YOUNG)
    if requirements.require_verified_email and not resident.email_verified:
        reasons.append(EMAIL_NOT_VERIFIED)
    return reasons


def london_date(now):
    """The calendar day in the UK at the aware instant now: ages turn over at midnight London time, not UTC."""
    return now.astimezone(LONDON).date() if isinstance(now, datetime) else now


def effective_ward_ids(round_ward_ids, pot_ward_ids):
    """The wards whose residents may take part in a pot: the pot's wards that are also the round's.

    A round with no wards is the whole council (the pot's wards, or None: anyone with a ward); a pot with no
    wards takes the round's. A ward removed from the round no longer counts even if a pot still lists it, so
    the answer may be an empty set: nobody.
    """
    round_ward_ids, pot_ward_ids = frozenset(round_ward_ids), frozenset(pot_ward_ids)
    if not round_ward_ids:
        return pot_ward_ids or None
    if not pot_ward_ids:
        return round_ward_ids
    return pot_ward_ids & round_ward_ids


def wards_outside_round(round_ward_ids, pot_ward_ids):
    """The pot's wards that the round does not cover (sorted); [] when the pot is consistent with its round."""
    if not round_ward_ids:
        return []
    return sorted(set(pot_ward_ids) - set(round_ward_ids))


def check_eligibility(resident, *, round_ward_ids, pot_ward_ids, min_age, require_verified_email, now, channel="online"):
    """The problems (reasons) a resident may not propose or vote in a pot at instant now; [] means they may.

    The one eligibility rule for the proposal form, the online ballot and the paper register. Age counts on
    the London calendar day of now. Paper entry (channel "paper") needs no confirmed e-mail: an officer saw
    the voter.
    """
    ward_ids = effective_ward_ids(round_ward_ids, pot_ward_ids)
    requirements = Requirements(ward_ids or frozenset(), min_age, london_date(now),
                                require_verified_email and channel != "paper")
    reasons = ineligibility_reasons(resident, requirements)
    if ward_ids is not None and not ward_ids and resident.ward_id is not None:
        reasons.insert(0, WRONG_WARD)  # the pot's wards all left the round: nobody lives in it any more
    return reasons


# The reporting bands (band, youngest age, oldest age or None) in age order: the participation report and the
# electorate figures (app.domain.turnout) count people in these, so turnout compares like with like.
AGE_BANDS = (("under-11", 0, 10), ("11-15", 11, 15), ("16-17", 16, 17), ("18-24", 18, 24), ("25-34", 25, 34),
             ("35-44", 35, 44), ("45-54", 45, 54), ("55-64", 55, 64), ("65-74", 65, 74), ("75+", 75, None))


def age_band(date_of_birth, on_date):
    """The reporting band for the participation report, or None when the age is unknown."""
    if date_of_birth is None:
        return None
    age = age_on(date_of_birth, on_date)
    return next(band for band, _youngest, oldest in AGE_BANDS if oldest is None or age <= oldest)


def ward_change_needs_check(old_ward_id, new_ward_id, open_rounds_ward_ids):
    """Whether moving a resident between wards must wait for an officer: while voting is open in a round that
    covers either ward (a round with no wards covers every ward), a move could let someone vote where they
    do not live. open_rounds_ward_ids: one collection of ward ids per round whose voting is open.
    """
    if old_ward_id == new_ward_id:
        return False
    return any(not wards or old_ward_id in wards or new_ward_id in wards for wards in open_rounds_ward_ids)

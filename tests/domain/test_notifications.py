"""Which notices are due, and who gets each (app/domain/notifications.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.notifications import (
    DELIVERY_UPDATES,
    EMAIL,
    LETTER,
    PROJECT_UPDATES,
    REMINDER,
    RESULTS,
    TEXT,
    VOTING_OPENS,
    Notice,
    Resident,
    RoundFacts,
    UpdateFacts,
    channel_for,
    due_notices,
    due_update_notices,
    gets,
    uk_mobile,
)

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)
WEEK = timedelta(days=7)


def voting(close_in):
    return RoundFacts(7, "voting", NOW + close_in, None)


def test_voting_open_calls_for_the_opening_notice_only_until_two_days_before_the_close():
    assert due_notices(voting(timedelta(days=5)), NOW, WEEK) == [Notice(VOTING_OPENS, "round:7")]
    assert due_notices(voting(timedelta(days=2)), NOW, WEEK) == [Notice(VOTING_OPENS, "round:7"),
                                                                 Notice(REMINDER, "round:7")]
    assert due_notices(voting(timedelta(hours=1)), NOW, WEEK)[-1] == Notice(REMINDER, "round:7")


def test_nothing_is_due_once_voting_has_closed_or_before_it_opens():
    assert due_notices(voting(timedelta(seconds=-1)), NOW, WEEK) == []
    assert due_notices(RoundFacts(7, "review", NOW + WEEK, None), NOW, WEEK) == []


def test_results_and_project_news_are_due_after_publication_within_the_lookback_only():
    published = RoundFacts(7, "published", NOW - WEEK, NOW - timedelta(days=1))
    assert due_notices(published, NOW, WEEK) == [Notice(RESULTS, "round:7"), Notice(PROJECT_UPDATES, "round:7")]
    long_ago = RoundFacts(7, "published", NOW - WEEK, NOW - timedelta(days=30))
    assert due_notices(long_ago, NOW, WEEK) == [], "switching the sender on must not mail about old rounds"


def resident(kinds, **facts):
    return Resident(kinds=frozenset(kinds), active=facts.pop("active", True), verified=facts.pop("verified", True),
                    in_round=facts.pop("in_round", True), **facts)


@pytest.mark.parametrize("kind", [VOTING_OPENS, RESULTS])
def test_ward_notices_go_to_residents_of_the_rounds_wards_who_opted_in(kind):
    assert gets(kind, resident({kind}, open_pot_ids=frozenset({1})))
    pots = frozenset({1})
    assert not gets(kind, resident(set(), open_pot_ids=pots)), "off by default: only who opted in"
    assert not gets(kind, resident({kind}, in_round=False))
    assert not gets(kind, resident({kind}, verified=False, open_pot_ids=pots)), "an unconfirmed address may not be theirs"
    assert not gets(kind, resident({kind}, active=False, open_pot_ids=pots))


def test_voting_opens_only_for_who_may_vote_in_some_pot_of_the_round():
    assert not gets(VOTING_OPENS, resident({VOTING_OPENS}, open_pot_ids=frozenset())), "e.g. too young for it"
    assert gets(RESULTS, resident({RESULTS}, open_pot_ids=frozenset())), "results are for the whole ward"


def test_the_reminder_goes_only_to_who_has_not_voted_in_every_pot_open_to_them():
    pots = frozenset({1, 2})
    assert gets(REMINDER, resident({REMINDER}, open_pot_ids=pots))
    assert gets(REMINDER, resident({REMINDER}, open_pot_ids=pots, voted_pot_ids=frozenset({1})))
    assert not gets(REMINDER, resident({REMINDER}, open_pot_ids=pots, voted_pot_ids=pots))
    assert not gets(REMINDER, resident({REMINDER}, open_pot_ids=frozenset()))


def test_project_news_goes_to_proposers_and_to_who_voted_in_a_pot_of_the_round():
    assert gets(PROJECT_UPDATES, resident({PROJECT_UPDATES}, proposed_ids=frozenset({5}), in_round=False))
    assert gets(PROJECT_UPDATES, resident({PROJECT_UPDATES}, voted_pot_ids=frozenset({1})))
    assert not gets(PROJECT_UPDATES, resident({PROJECT_UPDATES}))



def test_a_delivery_update_is_due_once_while_public_and_recent():
    assert due_update_notices(UpdateFacts(3, NOW - timedelta(hours=1), True), NOW, WEEK) == [
        Notice(DELIVERY_UPDATES, "update:3")]
    assert due_update_notices(UpdateFacts(3, NOW - timedelta(days=30), True), NOW, WEEK) == []
    assert due_update_notices(UpdateFacts(3, NOW, False), NOW, WEEK) == [], "an award withdrawn by a correction"


def test_delivery_updates_go_to_who_follows_the_project_and_opted_in():
    assert gets(DELIVERY_UPDATES, resident({DELIVERY_UPDATES}, follows_project=True, in_round=False))
    assert not gets(DELIVERY_UPDATES, resident({DELIVERY_UPDATES}))
    assert not gets(DELIVERY_UPDATES, resident(set(), follows_project=True))


def channel(chosen=EMAIL, verified=False, phone=False, address=False, texts=True):
    return channel_for(chosen=chosen, email_verified=verified, has_phone=phone, has_address=address,
                       texts_available=texts)


def test_a_resident_without_e_mail_gets_a_text_or_a_letter_as_they_chose():
    assert channel(TEXT, phone=True, address=True) == TEXT
    assert channel(TEXT, phone=True, address=True, texts=False) == LETTER, "no text service: a letter instead"
    assert channel(TEXT, phone=False, address=True) == LETTER
    assert channel(LETTER, phone=True, address=True) == LETTER
    assert channel(LETTER, address=False) is None
    assert channel(EMAIL, verified=True) == EMAIL
    assert channel(EMAIL, verified=False, address=True) is None, "only what they chose"


def test_a_text_or_letter_reaches_a_resident_without_a_confirmed_address():
    assert gets(RESULTS, resident({RESULTS}, verified=False, channel=LETTER))
    assert gets(RESULTS, resident({RESULTS}, verified=False, channel=TEXT))
    assert not gets(RESULTS, resident({RESULTS}, verified=True, channel="pigeon"))


def test_a_uk_mobile_number_is_kept_in_one_form_and_anything_else_is_not_one():
    assert uk_mobile("07700 900123") == uk_mobile("+44 7700 900-123") == uk_mobile("(07700) 900123") == "07700900123"
    assert uk_mobile("01234 567890") is None and uk_mobile("0770090012") is None and uk_mobile("") is None

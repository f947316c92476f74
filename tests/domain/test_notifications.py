"""Which notices are due, and who gets each (app/domain/notifications.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.notifications import (
    PROJECT_UPDATES,
    REMINDER,
    RESULTS,
    VOTING_OPENS,
    Notice,
    Resident,
    RoundFacts,
    due_notices,
    gets,
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


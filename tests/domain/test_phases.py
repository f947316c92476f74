from datetime import UTC, datetime, timedelta

from app.domain.phases import RoundDates, check_dates, check_transition, phase_due_by_date
from app.domain.problems import Problem, codes
from app.domain.proposals import check_proposal, check_review, resident_may_edit
from app.domain.rounds import check_pot, frozen_changes

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
DATES = RoundDates(NOW - timedelta(days=30), NOW - timedelta(days=10), NOW - timedelta(days=1), NOW + timedelta(days=7))


def test_rounds_move_one_phase_at_a_time():
    assert check_transition("draft", "proposals") == []
    assert check_transition("draft", "voting") == [Problem("skips_a_phase")]


def test_no_going_back_once_voting_opened():
    assert check_transition("review", "proposals") == []
    assert check_transition("voting", "review") == [Problem("cannot_go_back_after_voting")]
    assert check_transition("published", "decision") == [Problem("cannot_go_back_after_voting")]


def test_dates_move_a_round_forward_but_never_out_of_draft():
    assert phase_due_by_date("proposals", DATES, NOW) == "voting"
    assert phase_due_by_date("draft", DATES, NOW) == "draft"
    assert phase_due_by_date("counting", DATES, NOW) == "counting"


def test_dates_must_run_in_order():
    assert check_dates(DATES) == []
    assert codes(check_dates(RoundDates(NOW, NOW - timedelta(days=1), NOW, NOW))) == ["dates_out_of_order"]


def test_pot_settings_are_frozen_once_voting_opens():
    assert frozen_changes("review", ["amount_pence", "name"]) == []
    assert frozen_changes("voting", ["amount_pence", "name", "ballot_type"]) == ["amount_pence", "ballot_type"]


def test_pot_checks():
    ok = dict(amount_pence=10_000_00, min_cost=None, max_cost=None, ballot_type="approval", max_choices=3,
              total_points=None, max_points=None, counting_rule="greedy", completion="add1u", ward_ids=[1])
    assert check_pot(**ok) == []
    assert check_pot(**dict(ok, max_cost=20_000_00)) == [Problem("above_pot", "max_project_cost")]
    assert check_pot(**dict(ok, ballot_type="cumulative", total_points=10, max_points=20)) == [
        Problem("above_total", "max_points_per_project")]


def test_proposal_validation():
    good = ("Garden", "Raised beds.", "A shared garden.", 5_000_00, "", "green_spaces", 40_000_00, 500_00, 15_000_00)
    assert check_proposal(*good) == []
    assert check_proposal("", *good[1:]) == [Problem("required", "title")]
    assert check_proposal(*good[:3], 20_000_00, *good[4:]) == [Problem("above_maximum", "cost")]
    assert check_proposal(*good[:3], 100_00, *good[4:]) == [Problem("below_minimum", "cost")]
    assert check_proposal("x" * 121, *good[1:]) == [Problem("too_long", "title")]
    assert check_proposal("Draft", "", "", None, "", "", 40_000_00, None, None, final=False) == []


def test_review_and_editing_rules():
    assert codes(check_review("not_feasible", "")) == ["reason_required"]
    assert check_review("feasible", "") == []
    assert resident_may_edit("submitted", "proposals") and not resident_may_edit("feasible", "proposals")
    assert not resident_may_edit("draft", "voting")


# Opening early, closing early, extending (issue 13)

def test_closing_before_the_published_close_needs_a_reason_from_an_officer():
    from datetime import UTC, datetime

    from app.domain.phases import check_move

    now, close = datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 2, tzinfo=UTC)
    assert codes(check_move("counting", None, close, now, reason=" ")) == ["early_close_needs_reason"]
    assert check_move("counting", None, close, now, reason="Flooded") == []
    assert check_move("counting", None, close, close, reason="") == []  # on time: no reason needed
    assert check_move("counting", None, close, now, reason=None, by_officer=False) == []


def test_opening_early_is_noticed_and_allowed():
    from datetime import UTC, datetime

    from app.domain.phases import check_move, timing_of

    now, opens = datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 2, tzinfo=UTC)
    assert timing_of("voting", opens, None, now).opens_early and check_move("voting", opens, None, now, "") == []
    assert not timing_of("voting", opens, None, opens).opens_early


def test_a_close_is_only_ever_extended_while_voting_is_open():
    from datetime import UTC, datetime, timedelta

    from app.domain.phases import check_extension

    now = datetime(2026, 6, 1, tzinfo=UTC)
    close = now + timedelta(days=2)
    assert check_extension("voting", close, close + timedelta(days=1), now) == []
    assert codes(check_extension("voting", close, close - timedelta(hours=1), now)) == ["close_not_later"]
    assert codes(check_extension("voting", close, close, now)) == ["close_not_later"]
    assert codes(check_extension("counting", close, close + timedelta(days=1), now)) == ["not_in_voting"]
    assert codes(check_extension("voting", now - timedelta(days=2), now - timedelta(days=1), now)) == ["close_in_past"]

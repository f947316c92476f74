"""Setting up rounds and pots: the service checks the rules it relies on (pot settings, date order), whoever calls it.

Moving rounds through phases is in test_rounds.py."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.domain.problems import Problem, codes
from app.models import Pot
from app.services.rounds import ChangeRefused, advance_by_date, save_pot, save_round
from tests.factories import make_area, make_pot, make_round, make_user, make_ward

NOW = datetime.now(UTC)
GOOD = {"amount_pence": 10_000_00, "min_project_cost_pence": None, "max_project_cost_pence": None,
        "ballot_type": "approval", "max_choices": 3, "total_points": None, "max_points_per_project": None,
        "counting_rule": "greedy", "completion": "add1u"}


@pytest.fixture
def world(app, db):
    area = make_area()
    ward = make_ward(area=area, name="Chells")
    round_ = make_round(area=area, phase="proposals", wards=[ward])
    officer = make_user(role="officer", ward=ward)
    db.session.commit()
    with app.test_request_context():
        yield {"round": round_, "ward": ward, "officer": officer}


def _new_pot(db, world, **settings):
    return save_pot(db.session, world["officer"], world["round"], ward_ids=[world["ward"].id], name="Grants",
                    **{**GOOD, **settings})


def test_a_new_pot_with_good_settings_is_saved(db, world):
    pot = _new_pot(db, world)
    assert pot.id is not None and pot.amount_pence == 10_000_00


@pytest.mark.parametrize("settings, problem", [
    ({"amount_pence": 0}, Problem("must_be_positive", "amount")),
    ({"max_project_cost_pence": 20_000_00}, Problem("above_pot", "max_project_cost")),
    ({"min_project_cost_pence": 5_000_00, "max_project_cost_pence": 1_000_00}, Problem("min_above_max",
                                                                                       "max_project_cost")),
    ({"max_choices": None}, Problem("required", "max_choices")),
    ({"ballot_type": "cumulative", "total_points": 10, "max_points_per_project": 11},
     Problem("above_total", "max_points_per_project")),
    ({"counting_rule": "coin-toss"}, Problem("unknown", "counting_rule")),
])
def test_save_pot_refuses_bad_settings_and_stores_nothing(db, world, settings, problem):
    with pytest.raises(ChangeRefused) as refused:
        _new_pot(db, world, **settings)
    assert refused.value.problems == [problem]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Pot.id))) == 0


def test_save_pot_checks_the_settings_as_they_will_be_after_a_partial_change(db, world):
    pot = make_pot(round_=world["round"], amount_pence=10_000_00, wards=[world["ward"]], max_project_cost_pence=5_000_00)
    db.session.commit()
    with pytest.raises(ChangeRefused) as refused:
        save_pot(db.session, world["officer"], world["round"], pot, ward_ids=[world["ward"].id], amount_pence=4_000_00)
    assert codes(refused.value.problems) == ["above_pot"]
    db.session.rollback()
    assert pot.amount_pence == 10_000_00


def test_save_pot_refuses_a_pot_with_no_ward(db, world):
    with pytest.raises(ChangeRefused) as refused:
        save_pot(db.session, world["officer"], world["round"], ward_ids=[], name="Grants", **GOOD)
    assert refused.value.problems == [Problem("required", "wards")]


def test_save_round_refuses_dates_out_of_order(db, world):
    with pytest.raises(ChangeRefused) as refused:
        save_round(db.session, world["officer"], world["round"], council_id=world["round"].council_id,
                   ward_ids=[world["ward"].id], voting_open_at=NOW + timedelta(days=50))
    assert refused.value.problems == [Problem("dates_out_of_order", "voting_close_at")]
    db.session.rollback()
    with pytest.raises(ChangeRefused) as refused:
        save_round(db.session, world["officer"], None, council_id=world["round"].council_id,
                   ward_ids=[world["ward"].id], title="New", description="", proposals_open_at=NOW,
                   proposals_close_at=NOW + timedelta(days=1), voting_open_at=None, voting_close_at=None)
    assert refused.value.problems == [Problem("required", "voting_open_at"), Problem("required", "voting_close_at")]


def test_rounds_move_by_date_one_phase_at_a_time(db, world):
    round_ = make_round(area=make_area(), phase="proposals", proposals_open_at=NOW - timedelta(days=3),
                        proposals_close_at=NOW - timedelta(days=2), voting_open_at=NOW + timedelta(days=1),
                        voting_close_at=NOW + timedelta(days=2))
    db.session.commit()
    assert [(r.id, before, after) for r, before, after in advance_by_date(db.session)] == [
        (round_.id, "proposals", "review")]

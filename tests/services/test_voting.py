"""Casting ballots: one per resident and pot, replaceable until the close, secret, paper and online apart."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from app.domain.ballots import OverBudget, TooManyChoices
from app.models import Ballot, Participation
from app.services import voting
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward


@pytest.fixture
def setup(app, db):
    area = make_area()
    ward = make_ward(area=area)
    round_ = make_round(area=area, phase="voting", voting_open_at=datetime.now(UTC) - timedelta(hours=1),
                        voting_close_at=datetime.now(UTC) + timedelta(days=1))
    pot = make_pot(round_=round_, amount_pence=10_000_00, ballot_type="knapsack", max_choices=None)
    a = make_proposal(pot=pot, cost_pence=6_000_00, status="feasible", on_ballot=True)
    b = make_proposal(pot=pot, cost_pence=5_000_00, status="feasible", on_ballot=True)
    resident = make_user(ward=ward)
    officer = make_user(role="officer", ward=ward)
    db.session.commit()
    with app.test_request_context():
        yield {"pot": pot, "round": round_, "a": a, "b": b, "resident": resident, "officer": officer, "ward": ward}


def test_cast_then_change_keeps_exactly_one_ballot(db, setup):
    s = setup
    first = voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id])
    voting.commit_cast(db.session, s["pot"].id)
    second = voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["b"].id])
    voting.commit_cast(db.session, s["pot"].id)
    assert db.session.query(Participation).count() == 1
    ballots = db.session.query(Ballot).all()
    assert [b.choices for b in ballots] == [[s["b"].id]]
    assert voting.receipt_is_counted(db.session, second) and not voting.receipt_is_counted(db.session, first)


def test_over_budget_ballot_is_refused_and_stores_nothing(db, setup):
    s = setup
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id, s["b"].id])
    assert refused.value.problems == [OverBudget(11_000_00, 10_000_00)]
    db.session.rollback()
    assert db.session.query(Ballot).count() == 0 and db.session.query(Participation).count() == 0


def test_the_database_refuses_a_second_participation(db, setup):
    s = setup
    db.session.add(Participation(user_id=s["resident"].id, pot_id=s["pot"].id))
    db.session.commit()
    db.session.add(Participation(user_id=s["resident"].id, pot_id=s["pot"].id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_paper_ballot_blocks_online_and_online_blocks_paper(db, setup):
    s = setup
    voting.cast_paper(db.session, s["officer"], s["resident"].id, s["pot"].id, [s["a"].id])
    voting.commit_cast(db.session, s["pot"].id)
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["b"].id])
    assert refused.value.problems == ["voted_on_paper"]
    db.session.rollback()
    other = make_user(ward=s["ward"])
    db.session.commit()
    voting.cast_online(db.session, other.id, s["pot"].id, [s["b"].id])
    voting.commit_cast(db.session, s["pot"].id)
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_paper(db.session, s["officer"], other.id, s["pot"].id, [s["a"].id])
    assert refused.value.problems == ["already_voted"]


def test_a_cast_that_would_commit_after_the_close_is_refused(db, setup):
    s = setup
    voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id])
    later = s["round"].voting_close_at + timedelta(seconds=1)
    with pytest.raises(voting.VoteRefused):
        voting.commit_cast(db.session, s["pot"].id, now=later)
    assert db.session.query(Ballot).count() == 0


def test_closing_cuts_the_link_between_ballots_and_residents(app, db, setup):
    s = setup
    voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id])
    voting.commit_cast(db.session, s["pot"].id)
    assert db.session.query(Ballot).one().replace_key is not None
    voting.close_voting(db.session, s["round"])
    db.session.commit()
    assert db.session.query(Ballot).one().replace_key is None


def test_ineligible_resident_is_refused(db, setup):
    s = setup
    outsider = make_user()  # lives in another area's ward
    db.session.commit()
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_online(db.session, outsider.id, s["pot"].id, [s["a"].id])
    assert refused.value.problems == ["wrong_ward"]


def test_ballots_have_no_resident_and_no_timestamp_column(db):
    columns = {c["name"] for c in inspect(db.engine).get_columns("ballot")}
    assert not columns & {"user_id", "resident_id", "voter_id", "created_at", "cast_at", "updated_at"}
    assert columns == {"id", "pot_id", "channel", "choices", "replace_key", "receipt_hash"}


def test_too_many_choices_on_an_approval_pot(db, setup):
    s = setup
    s["pot"].ballot_type, s["pot"].max_choices = "approval", 1
    db.session.commit()
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id, s["b"].id])
    assert refused.value.problems == [TooManyChoices(2, 1)]
